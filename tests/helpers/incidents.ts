/**
 * Builders for the incidents tests make by hand: a stored Incident and the
 * NormalizedIncident a source hands the ingestor. Each fills every field with
 * a plain default; a test overrides only what it is about.
 */
import type { NormalizedIncident } from '../../electron/core/ingest/ingestor';
import type { Incident } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';

export const FIXTURE_AT = '2026-01-01T00:00:00.000Z';

/**
 * A new, medium, single-occurrence webhook incident. `at` sets firstSeen,
 * lastSeen, createdAt and updatedAt at once (each can still be overridden).
 */
export function incidentFixture(overrides: Partial<Incident> & { at?: string } = {}): Incident {
  const { at = FIXTURE_AT, ...rest } = overrides;
  return {
    id: 'inc_1',
    fingerprint: 'fp',
    source: { kind: 'webhook', id: 'api-alert', name: 'Webhook' },
    vendorId: null,
    consoleUrl: null,
    title: 'Incident',
    description: 'd',
    severity: 'medium',
    status: 'new',
    category: null,
    mitre: { tactics: [], techniques: [] },
    entities: emptyEntities(),
    firstSeen: at,
    lastSeen: at,
    count: 1,
    vendorStatus: null,
    assignee: null,
    tags: [],
    createdAt: at,
    updatedAt: at,
    ...rest,
  };
}

/** What a source hands the ingestor for one medium alert with no vendor details. */
export function normalizedFixture(overrides: Partial<NormalizedIncident> = {}): NormalizedIncident {
  return {
    fingerprint: 'fp',
    vendorId: null,
    consoleUrl: null,
    title: 'Alert',
    description: 'd',
    severity: 'medium',
    category: null,
    mitre: { tactics: [], techniques: [] },
    entities: emptyEntities(),
    occurredAt: null,
    vendorStatus: null,
    tags: [],
    ...overrides,
  };
}

/** A high c2 beacon on host ws-9 from the webhook source "hook": what the chat-channel tests send. */
export function beaconFixture(overrides: Partial<Incident> & { at?: string } = {}): Incident {
  return incidentFixture({
    source: { kind: 'webhook', id: 'hook', name: 'Webhook' },
    description: 'beacon',
    severity: 'high',
    category: 'c2',
    entities: { ...emptyEntities(), hosts: ['ws-9'] },
    ...overrides,
  });
}
