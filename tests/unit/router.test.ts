import { describe, expect, it } from 'vitest';

import { quietUntil, route } from '../../electron/core/notify/router';
import type { ConfigInput } from '../../shared/config';
import { parseConfig } from '../../shared/config';
import type { Incident, Severity } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { incidentFixture } from '../helpers/incidents';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function incident(severity: Severity, overrides: Partial<Incident> = {}): Incident {
  return incidentFixture({
    source: { kind: 'sentinelone', id: 's1', name: 'S1' },
    title: 'Mimikatz on WS-7',
    description: '',
    severity,
    category: 'Credential Access',
    entities: { ...emptyEntities(), hosts: ['ws-7.corp.example'] },
    at: new Date(NOW).toISOString(),
    ...overrides,
  });
}

const channels: ConfigInput['channels'] = [
  { id: 'tg', kind: 'telegram', name: 'TG', minSeverity: 'high' },
  { id: 'mm', kind: 'mattermost', name: 'MM', minSeverity: 'low', sources: ['maxpatrol'] },
  { id: 'mail', kind: 'email', name: 'Mail', minSeverity: 'critical' },
  { id: 'off', kind: 'desktop', name: 'Off', minSeverity: 'info', enabled: false },
];

function config(routing: ConfigInput['routing'] = {}, ui: ConfigInput['ui'] = { timeZone: 'UTC' }) {
  return parseConfig({ channels, routing, ui });
}

const ids = (decision: ReturnType<typeof route>) => decision.routes.map((r) => r.channelId);

describe('routing', () => {
  it("applies each channel's minimum severity, source filter and enabled flag", () => {
    expect(ids(route(incident('medium'), config(), NOW))).toEqual([]);
    expect(ids(route(incident('high'), config(), NOW))).toEqual(['tg']);
    expect(ids(route(incident('critical'), config(), NOW))).toEqual(['tg', 'mail']);
    const fromMaxPatrol = incident('low', { source: { kind: 'maxpatrol', id: 'mp', name: 'MP' } });
    expect(ids(route(fromMaxPatrol, config(), NOW))).toEqual(['mm']);
  });

  it('lets rules add channels below their minimum and suppress others', () => {
    const rules = [
      {
        id: 'r1',
        name: 'creds to mail',
        match: { categories: ['Credential Access'] },
        action: 'notify' as const,
        channels: ['mail'],
      },
      {
        id: 'r2',
        name: 'no tg for ws-7',
        match: { hosts: ['WS-7.corp.example'] },
        action: 'suppress' as const,
        channels: ['tg'],
      },
    ];
    const decision = route(incident('high'), config({ rules }), NOW);
    expect(ids(decision)).toEqual(['mail']);
    expect(decision.routes[0]!.reason).toBe('rule creds to mail');
    const disabled = rules.map((r) => ({ ...r, enabled: false }));
    expect(ids(route(incident('high'), config({ rules: disabled }), NOW))).toEqual(['tg']);
  });

  it('holds everything back during an active silence, and nothing after it expires', () => {
    const silence = {
      id: 's1',
      owner: 'ana',
      reason: 'patching',
      expiresAt: new Date(NOW + 60_000).toISOString(),
      match: { titleContains: 'mimikatz' },
    };
    const silenced = route(incident('critical'), config({ silences: [silence] }), NOW);
    expect(silenced.routes).toEqual([]);
    expect(silenced.silencedBy?.owner).toBe('ana');
    const later = route(incident('critical'), config({ silences: [silence] }), NOW + 61_000);
    expect(ids(later)).toEqual(['tg', 'mail']);
  });

  it('holds non-critical incidents for quiet hours in the configured zone, never critical ones', () => {
    // 12:00 UTC is 15:00 in Moscow; quiet 14:00-16:30 there ends at 13:30 UTC.
    const quiet = config({ quietHours: { start: '14:00', end: '16:30' } }, { timeZone: 'Europe/Moscow' });
    const high = route(incident('high'), quiet, NOW);
    expect(high.routes).toMatchObject([
      { channelId: 'tg', state: 'held', notBefore: Date.parse('2026-03-10T13:30:00Z') },
    ]);
    const critical = route(incident('critical'), quiet, NOW);
    expect(critical.routes.every((r) => r.state === 'pending')).toBe(true);
  });

  it('computes the end of quiet hours across midnight', () => {
    const overnight = { start: '22:00', end: '06:00' };
    expect(quietUntil(Date.parse('2026-03-10T23:15:00Z'), overnight, 'UTC')).toBe(
      Date.parse('2026-03-11T06:00:00Z'),
    );
    expect(quietUntil(Date.parse('2026-03-10T05:59:00Z'), overnight, 'UTC')).toBe(
      Date.parse('2026-03-10T06:00:00Z'),
    );
    expect(quietUntil(Date.parse('2026-03-10T06:00:00Z'), overnight, 'UTC')).toBeNull();
    expect(quietUntil(Date.parse('2026-03-10T21:59:00Z'), overnight, 'UTC')).toBeNull();
    expect(quietUntil(NOW, null, 'UTC')).toBeNull();
  });
});
