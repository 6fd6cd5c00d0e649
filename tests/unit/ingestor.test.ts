import { describe, expect, it } from 'vitest';

import type { NormalizedIncident } from '../../electron/core/ingest/ingestor';
import { Ingestor } from '../../electron/core/ingest/ingestor';
import { ManualClock } from '../../electron/core/clock';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createRawEventsRepo } from '../../electron/core/db/repos/raw-events-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { EventBus } from '../../electron/core/event-bus';
import { createIdGenerator } from '../../electron/core/ids';
import { emptyEntities } from '../../shared/domain';
import { memoryDb, memoryIngestor } from '../helpers/test-db';
import { normalizedFixture } from '../helpers/incidents';

function setup(windowSec = 600) {
  const clock = new ManualClock();
  let countPushes = 0;
  const { db, pushed, repos, ingestor } = memoryIngestor({
    clock,
    dedupWindowSec: windowSec,
    onCountsChanged: () => countPushes++,
  });
  return { db, clock, ingestor, pushed, repos, counts: () => countPushes };
}

const source = { kind: 'webhook' as const, id: 'api-alert', name: 'Webhook' };

function normalized(overrides: Partial<NormalizedIncident> = {}): NormalizedIncident {
  return normalizedFixture({
    title: 'SSH brute force',
    category: 'auth',
    entities: { ...emptyEntities(), hosts: ['web-01'] },
    ...overrides,
  });
}

describe('ingestor', () => {
  it('stores the raw event, creates the incident with a timeline entry, and pushes it', () => {
    const { ingestor, repos, pushed, counts } = setup();
    const result = ingestor.ingest({
      source,
      route: '/api/alert',
      body: '{"a":1}',
      incident: normalized(),
      via: 'webhook',
    });
    expect(result.duplicate).toBe(false);
    const incident = repos.incidents.get(result.incidentId!)!;
    expect(incident).toMatchObject({ title: 'SSH brute force', status: 'new', count: 1, severity: 'medium' });
    expect(repos.rawEvents.listForIncident(incident.id, 5).map((e) => e.body)).toEqual(['{"a":1}']);
    expect(repos.timeline.listForIncident(incident.id)).toMatchObject([
      { action: 'created', via: 'webhook' },
    ]);
    expect(pushed).toMatchObject([
      { name: 'incidents.changed', payload: { change: 'created', item: { host: 'web-01' } } },
    ]);
    expect(counts()).toBe(1);
  });

  it('groups a repeat inside the window into the open incident and raises severity', () => {
    const { ingestor, repos, clock, pushed } = setup(600);
    const first = ingestor.ingest({ source, route: 'r', body: '1', incident: normalized(), via: 'webhook' });
    clock.advance(60_000);
    const second = ingestor.ingest({ source, route: 'r', body: '2', incident: normalized(), via: 'webhook' });
    expect(second).toMatchObject({ incidentId: first.incidentId, duplicate: true });
    clock.advance(60_000);
    ingestor.ingest({
      source,
      route: 'r',
      body: '3',
      incident: normalized({ severity: 'critical' }),
      via: 'webhook',
    });
    const incident = repos.incidents.get(first.incidentId!)!;
    expect(incident.count).toBe(3);
    expect(incident.severity).toBe('critical');
    expect(incident.lastSeen).toBe(new Date(clock.now()).toISOString());
    expect(repos.rawEvents.listForIncident(incident.id, 10)).toHaveLength(3);
    expect(repos.timeline.listForIncident(incident.id).map((e) => e.action)).toEqual([
      'created',
      'severity_raised',
    ]);
    expect(pushed.map((p) => (p.payload as { change: string }).change)).toEqual([
      'created',
      'duplicate',
      'updated',
    ]);
  });

  it('opens a new incident once the window has passed or the first one is closed', () => {
    const { ingestor, clock, repos } = setup(600);
    const first = ingestor.ingest({ source, route: 'r', body: '1', incident: normalized(), via: 'webhook' });
    clock.advance(601_000);
    const later = ingestor.ingest({ source, route: 'r', body: '2', incident: normalized(), via: 'webhook' });
    expect(later.incidentId).not.toBe(first.incidentId);
    repos.incidents.update({ ...repos.incidents.get(later.incidentId!)!, status: 'closed' });
    const afterClose = ingestor.ingest({
      source,
      route: 'r',
      body: '3',
      incident: normalized(),
      via: 'webhook',
    });
    expect(afterClose.incidentId).not.toBe(later.incidentId);
  });

  it('stores an event with a known vendor key only once', () => {
    const { ingestor, repos } = setup();
    const input = {
      source,
      route: 'r',
      body: 'x',
      dedupKey: 'vendor-1',
      incident: normalized(),
      via: 'poller' as const,
    };
    const first = ingestor.ingest(input);
    const again = ingestor.ingest(input);
    expect(again).toEqual({ eventId: first.eventId, incidentId: first.incidentId, duplicate: true });
    expect(repos.rawEvents.count()).toBe(1);
    expect(repos.incidents.get(first.incidentId!)!.count).toBe(1);
  });

  it('commits a batch atomically', () => {
    const { ingestor, repos } = setup();
    const good = { source, route: 'r', body: 'x', incident: normalized(), via: 'poller' as const };
    const bad = { ...good, incident: normalized({ fingerprint: 'other', title: null as never }) };
    expect(() => ingestor.ingestMany([good, bad])).toThrow();
    expect(repos.rawEvents.count()).toBe(0);
  });

  it('keeps a raw event with no incident', () => {
    const { ingestor, repos } = setup();
    const result = ingestor.ingest({ source, route: 'r', body: 'x', incident: null, via: 'webhook' });
    expect(result.incidentId).toBeNull();
    expect(repos.rawEvents.count()).toBe(1);
  });
});

describe('vendor fingerprints', () => {
  it('update the vendor incident whatever its age or status, and carry the vendor status', () => {
    const { ingestor, repos, clock } = setup(60);
    const vendor = normalized({
      fingerprint: 'sentinelone|t-1',
      fingerprintScope: 'vendor',
      vendorStatus: 'unresolved',
    });
    const first = ingestor.ingest({
      source,
      route: 'poll',
      body: '1',
      dedupKey: 't-1@1',
      incident: vendor,
      via: 'poller',
    });
    repos.incidents.update({ ...repos.incidents.get(first.incidentId!)!, status: 'resolved' });
    clock.advance(7 * 86_400_000);
    const later = ingestor.ingest({
      source,
      route: 'poll',
      body: '2',
      dedupKey: 't-1@2',
      incident: { ...vendor, vendorStatus: 'resolved' },
      via: 'poller',
    });
    expect(later).toMatchObject({ incidentId: first.incidentId, duplicate: true });
    expect(repos.incidents.get(first.incidentId!)).toMatchObject({
      count: 2,
      vendorStatus: 'resolved',
      status: 'resolved',
    });
  });

  it('reports each commit’s raw events once, after the commit', () => {
    const db = memoryDb();
    const clock = new ManualClock();
    const committed: string[][] = [];
    const ingestor = new Ingestor({
      db,
      incidents: createIncidentsRepo(db),
      rawEvents: createRawEventsRepo(db),
      timeline: createTimelineRepo(db),
      ids: createIdGenerator(clock),
      clock,
      bus: new EventBus(),
      dedupWindowSec: () => 60,
      onCountsChanged: () => undefined,
      onCommitted: (events) => committed.push(events.map((e) => e.body)),
    });
    const input = { source, route: 'r', body: 'a', dedupKey: 'k', incident: null, via: 'poller' as const };
    ingestor.ingestMany([input, { ...input, body: 'b', dedupKey: 'k2' }]);
    ingestor.ingest(input);
    expect(committed).toEqual([['a', 'b']]);
  });
});
