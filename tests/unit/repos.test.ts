import { beforeEach, describe, expect, it } from 'vitest';

import type { Incident, Severity, Status } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import type { Db } from '../../electron/core/db/database';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createRawEventsRepo } from '../../electron/core/db/repos/raw-events-repo';
import { createSourceStatesRepo } from '../../electron/core/db/repos/source-states-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { memoryDb } from '../helpers/test-db';
import { incidentFixture } from '../helpers/incidents';

function incident(n: number, overrides: Partial<Incident> = {}): Incident {
  return incidentFixture({
    id: `inc_${String(n).padStart(4, '0')}`,
    fingerprint: `fp-${n}`,
    title: `Incident ${n}`,
    mitre: { tactics: ['TA0001'], techniques: [] },
    entities: { ...emptyEntities(), hosts: [`host-${n}`], files: [{ path: 'C:\\x.exe', sha256: 'ab' }] },
    tags: ['t'],
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    ...overrides,
  });
}

describe('incidents repo', () => {
  let db: Db;
  let repo: ReturnType<typeof createIncidentsRepo>;
  beforeEach(() => {
    db = memoryDb();
    repo = createIncidentsRepo(db);
  });

  it('stores and reads back every field', () => {
    const original = incident(1, { assignee: 'ana', vendorStatus: 'unresolved', consoleUrl: 'https://c/x' });
    repo.insert(original);
    expect(repo.get(original.id)).toEqual(original);
    expect(repo.get('missing')).toBeNull();
  });

  it('pages most recently seen first with a keyset cursor, without gaps or repeats', () => {
    for (let n = 1; n <= 25; n++) repo.insert(incident(n));
    const seen: string[] = [];
    let cursor: { lastSeen: string; id: string } | undefined;
    for (;;) {
      const page = repo.list({ limit: 10, cursor });
      expect(page.total).toBe(25);
      seen.push(...page.items.map((i) => i.id));
      if (!page.hasMore) break;
      const last = page.items.at(-1)!;
      cursor = { lastSeen: last.lastSeen, id: last.id };
    }
    expect(seen).toHaveLength(25);
    expect(seen[0]).toBe('inc_0025');
    expect(seen.at(-1)).toBe('inc_0001');
    expect(new Set(seen).size).toBe(25);
  });

  it('filters by severity, status and source kind', () => {
    const severities: Severity[] = ['low', 'high', 'critical', 'high'];
    const statuses: Status[] = ['new', 'resolved', 'new', 'acknowledged'];
    severities.forEach((severity, i) => repo.insert(incident(i + 1, { severity, status: statuses[i]! })));
    expect(repo.list({ limit: 50, severity: ['high'] }).items.map((i) => i.id)).toEqual([
      'inc_0004',
      'inc_0002',
    ]);
    expect(repo.list({ limit: 50, status: ['new'] }).total).toBe(2);
    expect(
      repo.list({ limit: 50, severity: ['high', 'critical'], status: ['new'] }).items.map((i) => i.id),
    ).toEqual(['inc_0003']);
    expect(repo.list({ limit: 50, sourceKind: ['demo'] }).total).toBe(0);
  });

  it('finds the open incident for a fingerprint inside the window only', () => {
    repo.insert(incident(10, { fingerprint: 'same' }));
    repo.insert(incident(20, { fingerprint: 'same', status: 'closed' }));
    expect(repo.findOpenByFingerprint('same', '2026-01-01T00:00:05.000Z')?.id).toBe('inc_0010');
    expect(repo.findOpenByFingerprint('same', '2026-01-01T00:00:11.000Z')).toBeNull();
  });

  it('counts open, unacknowledged and the highest open severity', () => {
    repo.insert(incident(1, { severity: 'critical', status: 'resolved' }));
    repo.insert(incident(2, { severity: 'high', status: 'new' }));
    repo.insert(incident(3, { severity: 'low', status: 'acknowledged' }));
    const counts = repo.counts();
    expect(counts).toMatchObject({ total: 3, open: 2, unacknowledged: 1, highestOpenSeverity: 'high' });
    expect(counts.bySeverity).toEqual({ info: 0, low: 1, medium: 0, high: 1, critical: 0 });
  });
});

describe('raw events, timeline and source state repos', () => {
  it('keeps one raw event per vendor key and source, and links events to incidents', () => {
    const db = memoryDb();
    const events = createRawEventsRepo(db);
    const incidents = createIncidentsRepo(db);
    incidents.insert(incident(1));
    const base = {
      receivedAt: '2026-01-01T00:00:00.000Z',
      sourceKind: 'demo' as const,
      route: 'demo',
      body: '{}',
    };
    events.insert({ ...base, id: 'evt_1', sourceId: 's1', dedupKey: 'k1' });
    events.insert({ ...base, id: 'evt_2', sourceId: 's2', dedupKey: 'k1' });
    expect(() => events.insert({ ...base, id: 'evt_3', sourceId: 's1', dedupKey: 'k1' })).toThrow(/UNIQUE/);
    events.insert({ ...base, id: 'evt_4', sourceId: 's1', dedupKey: null });
    events.insert({ ...base, id: 'evt_5', sourceId: 's1', dedupKey: null });
    expect(events.findByDedupKey('s1', 'k1')?.id).toBe('evt_1');
    events.linkIncident('evt_1', 'inc_0001');
    expect(events.listForIncident('inc_0001', 10).map((e) => e.id)).toEqual(['evt_1']);
    expect(events.count()).toBe(4);
  });

  it('records timeline entries in order', () => {
    const db = memoryDb();
    createIncidentsRepo(db).insert(incident(1));
    const timeline = createTimelineRepo(db);
    timeline.add({ incidentId: 'inc_0001', at: 'a', actor: 'x', via: 'ui', action: 'created', detail: null });
    timeline.add({
      incidentId: 'inc_0001',
      at: 'b',
      actor: 'y',
      via: 'telegram',
      action: 'ack',
      detail: 'd',
    });
    expect(timeline.listForIncident('inc_0001').map((e) => [e.actor, e.via, e.action])).toEqual([
      ['x', 'ui', 'created'],
      ['y', 'telegram', 'ack'],
    ]);
  });

  it('stores source health and cursor', () => {
    const states = createSourceStatesRepo(memoryDb());
    expect(states.get('s1')).toMatchObject({ cursor: null, consecutiveFailures: 0, eventsTotal: 0 });
    states.save('s1', { ...states.get('s1'), cursor: 'c9', consecutiveFailures: 2, lastError: 'timeout' });
    expect(states.get('s1')).toMatchObject({ cursor: 'c9', consecutiveFailures: 2, lastError: 'timeout' });
  });
});
