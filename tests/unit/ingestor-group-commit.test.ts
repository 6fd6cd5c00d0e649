/**
 * Ingestor.submit, the webhook's group commit, on a real SQLite: submissions
 * of one event-loop turn share one transaction; nothing settles before the
 * commit; a submission whose writes fail is rejected alone, with what it
 * wrote (routing included) rolled back; a failed commit acknowledges nothing.
 */
import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../electron/core/clock';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createRawEventsRepo } from '../../electron/core/db/repos/raw-events-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { EventBus } from '../../electron/core/event-bus';
import { createIdGenerator } from '../../electron/core/ids';
import type { IngestInput, IngestResult } from '../../electron/core/ingest/ingestor';
import { Ingestor } from '../../electron/core/ingest/ingestor';
import { normalizedFixture } from '../helpers/incidents';
import { memoryDb } from '../helpers/test-db';

const source = { kind: 'webhook' as const, id: 'hook-a', name: 'Hook A' };

function setup() {
  const db = memoryDb();
  const clock = new ManualClock();
  const bus = new EventBus();
  const pushed: string[] = [];
  bus.on((name, payload) => {
    if (name === 'incidents.changed') pushed.push((payload as { item: { title: string } }).item.title);
  });
  const commits: string[][] = [];
  const repos = {
    incidents: createIncidentsRepo(db),
    rawEvents: createRawEventsRepo(db),
    timeline: createTimelineRepo(db),
  };
  const ingestor = new Ingestor({
    db,
    ...repos,
    ids: createIdGenerator(clock),
    clock,
    bus,
    dedupWindowSec: () => 600,
    onCountsChanged: () => undefined,
    // Stands in for routing: rows written inside the ingest transaction, kept or rolled back with it.
    inTransaction: (changes) => {
      for (const { incident } of changes) {
        repos.timeline.add({
          incidentId: incident.id,
          at: 'now',
          actor: 'router',
          via: 'rule',
          action: 'routed',
          detail: null,
        });
      }
    },
    onCommitted: (events) => commits.push(events.map((e) => e.body)),
  });
  const routed = () =>
    (
      db
        .prepare(
          "SELECT i.title FROM timeline_entries t JOIN incidents i ON i.id = t.incident_id WHERE t.action = 'routed' ORDER BY t.id",
        )
        .all() as { title: string }[]
    ).map((r) => r.title);
  return { db, ingestor, repos, pushed, commits, routed };
}

function alert(title: string, overrides: Partial<IngestInput> = {}): IngestInput {
  return {
    source,
    route: '/hooks/hook-a',
    body: JSON.stringify({ title }),
    incident: normalizedFixture({ fingerprint: `fp|${title}`, title }),
    via: 'webhook',
    ...overrides,
  };
}

type Settled = { ok: true; results: IngestResult[] } | { ok: false; error: unknown };
const settle = (promise: Promise<IngestResult[]>): Promise<Settled> =>
  promise.then(
    (results) => ({ ok: true, results }),
    (error: unknown) => ({ ok: false, error }),
  );

describe('group commit', () => {
  it('commits the submissions of one turn together, and settles none before the commit', async () => {
    const { ingestor, repos, commits, pushed } = setup();
    let settled = 0;
    const promises = ['a', 'b', 'c'].map((title) =>
      ingestor.submit([alert(title)]).then((results) => {
        settled++;
        return results;
      }),
    );
    await Promise.resolve();
    expect(settled).toBe(0);
    expect(repos.rawEvents.count()).toBe(0);

    const results = await Promise.all(promises);
    expect(commits).toEqual([['{"title":"a"}', '{"title":"b"}', '{"title":"c"}']]);
    expect(pushed).toEqual(['a', 'b', 'c']);
    for (const [result] of results) {
      expect(result).toMatchObject({ duplicate: false });
      expect(repos.incidents.get(result!.incidentId!)).not.toBeNull();
      expect(repos.rawEvents.listForIncident(result!.incidentId!, 5).map((e) => e.id)).toEqual([
        result!.eventId,
      ]);
    }
  });

  it('rejects a submission whose writes fail and commits the others of its group', async () => {
    const { ingestor, repos, commits, pushed, routed } = setup();
    // A NOT NULL violation inside the second submission's incident insert: a real SQLite failure mid-group.
    const poison = alert('poison', {
      incident: normalizedFixture({ fingerprint: 'fp|x', title: null as never }),
    });
    const outcomes = await Promise.all([
      settle(ingestor.submit([alert('first')])),
      settle(ingestor.submit([alert('before-poison'), poison])),
      settle(ingestor.submit([alert('last')])),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(String((outcomes[1] as { error: unknown }).error)).toMatch(/NOT NULL/);

    // The failed submission is rolled back whole, its first event included; the others are stored.
    expect(commits).toEqual([['{"title":"first"}', '{"title":"last"}']]);
    expect(repos.rawEvents.count()).toBe(2);
    expect(repos.incidents.counts().total).toBe(2);
    expect(pushed).toEqual(['first', 'last']);
    // What routing wrote inside the transaction stands for the stored ones, once each.
    expect(routed()).toEqual(['first', 'last']);
  });

  it('stores an event once when its vendor key arrives twice in one group', async () => {
    const { ingestor, repos } = setup();
    const keyed = alert('keyed', { dedupKey: 'vendor-7' });
    const [[first], [again]] = await Promise.all([ingestor.submit([keyed]), ingestor.submit([keyed])]);
    expect(first).toMatchObject({ duplicate: false });
    expect(again).toEqual({ eventId: first!.eventId, incidentId: first!.incidentId, duplicate: true });
    expect(repos.rawEvents.count()).toBe(1);
  });

  it('acknowledges nothing when the commit itself fails', async () => {
    const { db, ingestor, commits } = setup();
    const pending = [settle(ingestor.submit([alert('a')])), settle(ingestor.submit([alert('b')]))];
    db.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    expect(commits).toEqual([]);
  });

  it('leaves the synchronous path (pollers) alone between a submission and its commit', async () => {
    const { ingestor, repos, commits } = setup();
    const submitted = ingestor.submit([alert('webhook', { dedupKey: 'shared' })]);
    const polled = ingestor.ingestMany([alert('poller', { dedupKey: 'shared' })]);
    const [webhook] = await submitted;
    expect(polled[0]).toMatchObject({ duplicate: false });
    expect(webhook).toEqual({
      eventId: polled[0]!.eventId,
      incidentId: polled[0]!.incidentId,
      duplicate: true,
    });
    expect(repos.rawEvents.count()).toBe(1);
    expect(commits).toEqual([['{"title":"poller"}']]);
  });

  it('splits a long queue into bounded groups, in order', async () => {
    const { ingestor, repos, commits } = setup();
    const big = Array.from({ length: 600 }, (_, i) => alert(`big-${i}`));
    const results = await Promise.all([
      ingestor.submit(big),
      ingestor.submit(big.map((a) => ({ ...a, body: 'again' }))),
    ]);
    // 1200 events over the 1000-event group limit: two commits, the first submission whole in the first.
    expect(commits.map((c) => c.length)).toEqual([600, 600]);
    expect(results[1].every((r) => r.duplicate)).toBe(true);
    expect(repos.rawEvents.count()).toBe(1200);
  });
});
