/**
 * The header and tray counts come from a table kept by triggers (migration
 * 0005). Whatever happens to incidents — inserts, duplicates, status and
 * severity changes, bulk updates, deletes — they must equal a full count.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { Severity, Status } from '../../shared/domain';
import { SEVERITIES, isOpenStatus } from '../../shared/domain';
import { incidentFixture } from '../helpers/incidents';
import { analyst, triageHarness } from '../helpers/triage';

type Harness = ReturnType<typeof triageHarness>;
let t: Harness | null = null;
afterEach(() => {
  t?.close();
  t = null;
});

/** The counts computed the slow way, straight from the incidents. */
function recount(h: Harness) {
  const rows = h.db.prepare('SELECT status, severity FROM incidents').all() as {
    status: Status;
    severity: Severity;
  }[];
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let open = 0;
  let unacknowledged = 0;
  for (const row of rows) {
    if (!isOpenStatus(row.status)) continue;
    open += 1;
    if (row.status === 'new') unacknowledged += 1;
    bySeverity[row.severity] += 1;
  }
  const highestOpenSeverity = [...SEVERITIES].reverse().find((s) => bySeverity[s] > 0) ?? null;
  return { total: rows.length, open, unacknowledged, bySeverity, highestOpenSeverity };
}

describe('incident counts', () => {
  it('follow inserts, duplicates, status and severity changes, bulk updates and deletes', () => {
    t = triageHarness();
    const h = t;
    expect(h.incidents.counts()).toEqual(recount(h));
    expect(h.incidents.counts().total).toBe(0);

    const made = SEVERITIES.flatMap((severity, i) =>
      [0, 1, 2].map((n) => incidentFixture({ id: `inc_${String(i)}_${String(n)}`, severity })),
    );
    h.insert(...made);
    expect(h.incidents.counts()).toEqual(recount(h));
    expect(h.incidents.counts()).toMatchObject({ total: 15, open: 15, unacknowledged: 15 });

    // A duplicate hit moves last_seen and count, not the counts.
    const first = made[0]!;
    h.incidents.update({ ...first, count: 7, lastSeen: '2026-11-21T11:00:00.000Z' });
    expect(h.incidents.counts()).toEqual(recount(h));

    h.actions.setStatus(made[14]!.id, 'acknowledged', analyst);
    h.actions.setStatus(made[13]!.id, 'resolved', analyst);
    h.incidents.update({ ...h.incidents.get(made[1]!.id)!, severity: 'critical' });
    h.incidents.update({ ...h.incidents.get(made[2]!.id)!, severity: 'high' });
    h.actions.bulkUpdate(
      made.slice(3, 9).map((i) => i.id),
      { status: 'false_positive' },
      analyst,
    );
    expect(h.incidents.counts()).toEqual(recount(h));
    expect(h.incidents.counts()).toMatchObject({ total: 15, open: 8, unacknowledged: 7 });

    // Reopening brings an incident back into the open counts.
    h.actions.setStatus(made[13]!.id, 'new', analyst);
    h.db.prepare('DELETE FROM incidents WHERE id = ?').run(made[12]!.id);
    expect(h.incidents.counts()).toEqual(recount(h));
    expect(h.incidents.counts().total).toBe(14);
    expect(h.db.prepare('SELECT count(*) AS n FROM incident_counts WHERE n <= 0').get()).toEqual({ n: 0 });
  });
});
