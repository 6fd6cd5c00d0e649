import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Incident } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { createDashboardRepo, ruleOf } from '../../electron/core/db/repos/dashboard-repo';
import { incidentFixture } from '../helpers/incidents';
import { analyst, triageHarness } from '../helpers/triage';

type Harness = ReturnType<typeof triageHarness>;

const noPause = () => Promise.resolve();

const at = (hhmm: string) => `2026-11-21T${hhmm}:00.000Z`;

function incident(id: string, first: string, last: string, overrides: Partial<Incident> = {}): Incident {
  return incidentFixture({
    id,
    fingerprint: id,
    firstSeen: at(first),
    lastSeen: at(last),
    createdAt: at(first),
    updatedAt: at(last),
    ...overrides,
  });
}

describe('dashboard figures', () => {
  let h: Harness;
  beforeEach(() => {
    h = triageHarness({ now: at('10:30') });
    const entities = (hosts: string[], ips: string[] = []) => ({ ...emptyEntities(), hosts, ips });
    h.insert(
      // One rule whatever host or address its titles end on (ruleOf).
      incident('a', '07:00', '09:10', {
        severity: 'critical',
        title: 'Beacon on WS-1',
        entities: entities(['WS-1'], ['10.0.0.1']),
      }),
      incident('b', '08:15', '08:20', {
        severity: 'high',
        title: 'Beacon from 10.0.0.2 on WS-2',
        entities: entities(['WS-1', 'WS-2', 'WS-1'], ['10.0.0.1', '10.0.0.2']),
      }),
      incident('c', '09:05', '10:29', {
        severity: 'critical',
        title: 'Mimikatz',
        entities: entities(['WS-2']),
      }),
      incident('d', '10:10', '10:10', { severity: 'low', title: 'Beacon', entities: entities(['WS-3']) }),
      // Last seen before the window, and exactly at its (exclusive) end.
      incident('e', '05:00', '07:00', { title: 'Old', entities: entities(['WS-9']) }),
      incident('f', '10:30', '10:30', { title: 'Now', entities: entities(['WS-8']) }),
    );
    const move = (hhmm: string, id: string, status: Incident['status']) => {
      h.clock.set(Date.parse(at(hhmm)));
      h.actions.setStatus(id, status, analyst);
    };
    move('06:00', 'e', 'acknowledged'); // before the window: not in MTTA
    move('08:30', 'b', 'acknowledged'); // 15 min after first sighting
    move('09:35', 'c', 'acknowledged'); // 30 min
    move('10:05', 'b', 'resolved'); // 1 h 50 min
    h.clock.set(Date.parse(at('10:30')));
  });
  afterEach(() => h.close());

  it('counts, buckets, ranks and times the incidents of the window', async () => {
    const stats = await h.call('dashboard.stats', { hours: 3 });
    expect(stats).toEqual({
      from: at('07:30'),
      to: at('10:30'),
      total: 4,
      bySeverity: { info: 0, low: 1, medium: 0, high: 1, critical: 2 },
      byStatus: { new: 2, acknowledged: 1, in_progress: 0, resolved: 1, closed: 0, false_positive: 0 },
      perHour: [
        { hour: at('08:00'), total: 1, critical: 0 },
        { hour: at('09:00'), total: 1, critical: 1 },
        { hour: at('10:00'), total: 2, critical: 0 },
      ],
      topHosts: [
        { value: 'WS-1', count: 2 },
        { value: 'WS-2', count: 2 },
        { value: 'WS-3', count: 1 },
      ],
      topIps: [
        { value: '10.0.0.1', count: 2 },
        { value: '10.0.0.2', count: 1 },
      ],
      topRules: [
        { value: 'Beacon', count: 3 },
        { value: 'Mimikatz', count: 1 },
      ],
      mttaSec: (15 * 60 + 30 * 60) / 2,
      mttrSec: 110 * 60,
      acknowledged: 2,
      resolved: 1,
    });
  });

  it('has a bucket for every hour of a long window, zeros included, the current hour last', async () => {
    const stats = await h.call('dashboard.stats', {});
    expect(stats.perHour).toHaveLength(24);
    expect(stats.perHour[0]!.hour).toBe('2026-11-20T11:00:00.000Z');
    expect(stats.perHour.at(-1)!.hour).toBe(at('10:00'));
    expect(stats.perHour.filter((b) => b.total > 0).map((b) => b.hour)).toEqual([
      at('05:00'),
      at('07:00'),
      at('08:00'),
      at('09:00'),
      at('10:00'),
    ]);
    expect(stats.perHour.reduce((sum, b) => sum + b.total, 0)).toBe(6);
    expect(stats.acknowledged).toBe(3);
  });

  it('keeps the top lists to ten and answers an empty window with zeros and no times', async () => {
    for (let n = 0; n < 15; n++) {
      h.insert(
        incident(`many-${n}`, '10:20', '10:20', {
          title: `Rule ${String(n).padStart(2, '0')}`,
          entities: { ...emptyEntities(), hosts: [`H-${n}`], ips: [`10.9.9.${n}`] },
        }),
      );
    }
    const repo = createDashboardRepo(h.db);
    const stats = await repo.stats(Date.parse(at('10:30')), 1, noPause);
    expect(stats.topHosts).toHaveLength(10);
    expect(stats.topIps).toHaveLength(10);
    expect(stats.topRules).toHaveLength(10);

    const empty = await repo.stats(Date.parse('2020-01-01T00:00:00.000Z'), 2, noPause);
    expect(empty).toMatchObject({ total: 0, mttaSec: null, mttrSec: null, acknowledged: 0, resolved: 0 });
    expect(empty.perHour.map((b) => b.total)).toEqual([0, 0]);
    expect(Object.values(empty.bySeverity).every((n) => n === 0)).toBe(true);
  });

  it('adds up the same figures when it reads the window in small ranges, pausing between them', async () => {
    // Fifteen incidents sharing one last_seen: more than a range holds, so a range ends at the next time.
    for (let n = 0; n < 15; n++) {
      h.insert(
        incident(`same-${n}`, '09:50', '10:20', {
          title: n % 2 ? 'Odd' : 'Even',
          entities: { ...emptyEntities(), hosts: ['WS-1', `S-${n % 4}`], ips: ['10.0.0.1'] },
        }),
      );
    }
    h.clock.set(Date.parse(at('10:40')));
    h.actions.setStatus('same-3', 'resolved', analyst);
    const now = Date.parse(at('10:45'));
    let wholePauses = 0;
    const whole = await createDashboardRepo(h.db).stats(now, 6, () => {
      wholePauses++;
      return Promise.resolve();
    });
    for (const chunkRows of [1, 2, 7]) {
      let pauses = 0;
      const sliced = await createDashboardRepo(h.db, { chunkRows }).stats(now, 6, () => {
        pauses++;
        return Promise.resolve();
      });
      expect(sliced).toEqual(whole);
      expect(pauses).toBeGreaterThan(wholePauses);
    }
    expect(whole.total).toBe(21);
    expect(whole.topHosts[0]).toEqual({ value: 'WS-1', count: 17 });
    expect(whole.topRules).toEqual([
      { value: 'Even', count: 8 },
      { value: 'Odd', count: 7 },
      { value: 'Beacon', count: 3 },
      { value: 'Mimikatz', count: 1 },
      { value: 'Now', count: 1 },
      { value: 'Old', count: 1 },
    ]);
    expect(whole.resolved).toBe(2);
  });

  it('takes a rule from a title without the machine, address or account it ends on', () => {
    expect(ruleOf('Outbound connection to known C2 on ws-fin-01.corp.local')).toBe(
      'Outbound connection to known C2',
    );
    expect(ruleOf('SSH brute force from 203.0.113.50 on web-01')).toBe('SSH brute force');
    expect(ruleOf('Repeated sudo failures by svc-01 on db01')).toBe('Repeated sudo failures');
    expect(ruleOf('Logon from Tor')).toBe('Logon from Tor');
    expect(ruleOf('Repeated sudo failures by root')).toBe('Repeated sudo failures by root');
    expect(ruleOf('on WS-1')).toBe('on WS-1');
  });
});
