import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Incident } from '../../shared/domain';
import { incidentFixture } from '../helpers/incidents';
import { analyst, triageHarness } from '../helpers/triage';

type Harness = ReturnType<typeof triageHarness>;

function incident(n: number, overrides: Partial<Incident> = {}): Incident {
  return incidentFixture({
    id: `inc_${n}`,
    fingerprint: `fp-${n}`,
    at: new Date(Date.UTC(2026, 10, 21, 9, n)).toISOString(),
    ...overrides,
  });
}

/** acknowledged_at and resolved_at are columns only (not on the Incident type): read them straight. */
function times(h: Harness, id: string) {
  return h.db.prepare('SELECT acknowledged_at, resolved_at FROM incidents WHERE id = ?').get(id) as {
    acknowledged_at: string | null;
    resolved_at: string | null;
  };
}

/** Lets the write-backs (resolved promises) record their outcome. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const changedIds = (h: Harness) =>
  h.pushed
    .filter((p) => p.name === 'incidents.changed')
    .map((p) => (p.payload as { item: { id: string } }).item.id);

describe('assign', () => {
  let h: Harness;
  beforeEach(() => {
    h = triageHarness();
    h.insert(incident(1), incident(2, { assignee: 'bob' }));
  });
  afterEach(() => h.close());

  it('assigns, reassigns and unassigns, each on the timeline and pushed', async () => {
    const assigned = await h.call('incidents.assign', { id: 'inc_1', assignee: 'ana.petrova' });
    expect(assigned).toMatchObject({
      id: 'inc_1',
      assignee: 'ana.petrova',
      updatedAt: '2026-11-21T10:00:00.000Z',
    });
    h.clock.advance(60_000);
    await h.call('incidents.assign', { id: 'inc_1', assignee: 'bob' });
    await h.call('incidents.assign', { id: 'inc_1', assignee: null });
    expect(h.incidents.get('inc_1')!.assignee).toBeNull();
    expect(h.timeline.listForIncident('inc_1').map((e) => [e.action, e.detail, e.actor, e.via])).toEqual([
      ['assigned', 'ana.petrova', 'ana', 'ui'],
      ['assigned', 'ana.petrova -> bob', 'ana', 'ui'],
      ['unassigned', 'bob', 'ana', 'ui'],
    ]);
    expect(changedIds(h)).toEqual(['inc_1', 'inc_1', 'inc_1']);
    // Assignment is not a status: nothing is written back, the counts do not move.
    expect(h.countPushes()).toBe(0);
  });

  it('leaves an incident already so assigned alone, and refuses an unknown one', async () => {
    await h.call('incidents.assign', { id: 'inc_2', assignee: 'bob' });
    expect(h.timeline.listForIncident('inc_2')).toEqual([]);
    expect(h.pushed).toEqual([]);
    await expect(h.call('incidents.assign', { id: 'inc_404', assignee: 'bob' })).rejects.toThrow(
      /^not_found: no incident inc_404/,
    );
    await expect(h.call('incidents.assign', { id: 'inc_1', assignee: '   ' })).rejects.toThrow(
      /^bad_request: assignee:/,
    );
  });
});

describe('bulk update', () => {
  let h: Harness;
  beforeEach(() => {
    h = triageHarness({ writeBack: true });
    h.insert(
      incident(1),
      incident(2),
      incident(3, { status: 'acknowledged', assignee: 'ana' }),
      incident(4, { assignee: 'ana' }),
    );
  });
  afterEach(() => h.close());

  it('changes each incident on its own: timeline entry, push and write-back each; counts pushed once', async () => {
    const outcome = await h.call('incidents.bulkUpdate', {
      ids: ['inc_1', 'inc_2', 'inc_404', 'inc_3', 'inc_2'],
      status: 'acknowledged',
      note: 'triaged in bulk',
    });
    await settle();
    expect(outcome).toEqual({
      updated: ['inc_1', 'inc_2'],
      unchanged: ['inc_3'],
      failed: [{ id: 'inc_404', message: 'no incident inc_404' }],
    });
    for (const id of ['inc_1', 'inc_2']) {
      expect(h.incidents.get(id)!.status).toBe('acknowledged');
      // The write-back's outcome is an entry of its own, by the source.
      expect(h.timeline.listForIncident(id).map((e) => [e.action, e.detail, e.actor])).toEqual([
        ['status_changed', 'new -> acknowledged: triaged in bulk', 'ana'],
        ['written_back', 'status set to acknowledged', 'Webhook'],
      ]);
    }
    expect(h.timeline.listForIncident('inc_3')).toEqual([]);
    // One push per change, then one per write-back outcome.
    expect(changedIds(h)).toEqual(['inc_1', 'inc_2', 'inc_1', 'inc_2']);
    expect(h.countPushes()).toBe(1);
    expect(h.writeBacks.map((w) => [w.id, w.decision.status, w.decision.note])).toEqual([
      ['inc_1', 'acknowledged', 'triaged in bulk'],
      ['inc_2', 'acknowledged', 'triaged in bulk'],
    ]);
  });

  it('sets status and assignee together (an entry for each), or the assignee alone', async () => {
    const both = await h.call('incidents.bulkUpdate', {
      ids: ['inc_1', 'inc_4'],
      status: 'in_progress',
      assignee: 'bob',
    });
    await settle();
    expect(both.updated).toEqual(['inc_1', 'inc_4']);
    expect(h.timeline.listForIncident('inc_4').map((e) => [e.action, e.detail])).toEqual([
      ['status_changed', 'new -> in_progress'],
      ['assigned', 'ana -> bob'],
      ['written_back', 'status set to in_progress'],
    ]);
    const cleared = await h.call('incidents.bulkUpdate', { ids: ['inc_1', 'inc_2'], assignee: null });
    expect(cleared).toEqual({ updated: ['inc_1'], unchanged: ['inc_2'], failed: [] });
    expect(h.timeline.listForIncident('inc_1').at(-1)).toMatchObject({ action: 'unassigned', detail: 'bob' });
    // An assignee-only change writes nothing back and leaves the counts alone.
    expect(h.writeBacks).toHaveLength(2);
    expect(h.countPushes()).toBe(1);
  });

  it('keeps going when one incident fails, and leaves that one as it was', async () => {
    h.db.exec(`CREATE TEMP TRIGGER refuse_two BEFORE UPDATE ON incidents WHEN old.id = 'inc_2'
      BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    const outcome = await h.call('incidents.bulkUpdate', {
      ids: ['inc_1', 'inc_2', 'inc_4'],
      status: 'closed',
    });
    expect(outcome.updated).toEqual(['inc_1', 'inc_4']);
    expect(outcome.failed).toEqual([{ id: 'inc_2', message: 'disk on fire' }]);
    expect(h.incidents.get('inc_2')!.status).toBe('new');
    expect(h.timeline.listForIncident('inc_2')).toEqual([]);
    expect(h.incidents.get('inc_4')!.status).toBe('closed');
  });

  it('refuses a bulk update with neither status nor assignee, and changes nothing', async () => {
    await expect(h.call('incidents.bulkUpdate', { ids: ['inc_1'], note: 'just a note' })).rejects.toThrow(
      /^bad_request: status: give a status, an assignee, or both/,
    );
    await expect(h.call('incidents.bulkUpdate', { ids: [], status: 'closed' })).rejects.toThrow(
      /^bad_request: ids:/,
    );
    expect(() => h.actions.bulkUpdate(['inc_1'], {}, analyst)).toThrow(/give a status/);
    expect(h.pushed).toEqual([]);
  });

  it('records when an incident was first acknowledged and when it was resolved, clearing that on reopening', () => {
    expect(times(h, 'inc_1')).toEqual({ acknowledged_at: null, resolved_at: null });
    h.actions.setStatus('inc_1', 'acknowledged', analyst);
    expect(times(h, 'inc_1')).toEqual({ acknowledged_at: '2026-11-21T10:00:00.000Z', resolved_at: null });
    h.clock.advance(3_600_000);
    h.actions.bulkUpdate(['inc_1'], { status: 'resolved' }, analyst);
    expect(times(h, 'inc_1')).toEqual({
      acknowledged_at: '2026-11-21T10:00:00.000Z',
      resolved_at: '2026-11-21T11:00:00.000Z',
    });
    h.clock.advance(3_600_000);
    h.actions.setStatus('inc_1', 'closed', analyst);
    expect(times(h, 'inc_1').resolved_at).toBe('2026-11-21T11:00:00.000Z');
    h.actions.setStatus('inc_1', 'new', analyst);
    expect(times(h, 'inc_1')).toEqual({ acknowledged_at: '2026-11-21T10:00:00.000Z', resolved_at: null });
    h.clock.advance(3_600_000);
    h.actions.setStatus('inc_1', 'false_positive', analyst);
    expect(times(h, 'inc_1')).toEqual({
      acknowledged_at: '2026-11-21T10:00:00.000Z',
      resolved_at: '2026-11-21T13:00:00.000Z',
    });
    // Straight from new to resolved: acknowledged and resolved at once.
    h.actions.setStatus('inc_2', 'resolved', analyst);
    expect(times(h, 'inc_2')).toEqual({
      acknowledged_at: '2026-11-21T13:00:00.000Z',
      resolved_at: '2026-11-21T13:00:00.000Z',
    });
  });
});
