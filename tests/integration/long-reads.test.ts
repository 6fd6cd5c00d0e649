/**
 * Long reads against the real headless shell on a file database of tens of
 * thousands of incidents: a large export, the dashboard over a long window and
 * a masked shift report let webhooks through while they run (the event loop
 * is not held for the seconds they take). The export and the dashboard read
 * one snapshot; the export reports its progress over /api/events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ExportFile } from '../../shared/ipc/contract';
import { dataPaths } from '../../electron/core/paths';
import type { EventStream, Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, openEventStream, rpcValue, startHeadless } from '../helpers/headless';
import { seedIncidents } from '../helpers/seed-incidents';
import { tempDir } from '../helpers/temp-dir';

/** Enough for a masked export to take well over one progress interval (250 ms) on a fast machine. */
const SEEDED = 25_000;

type Progress = { progressId: string; rows: number; total: number };

let posted = 0;

describe('long reads', () => {
  let dir: ReturnType<typeof tempDir>;
  let app: Headless;
  let events: EventStream;

  beforeEach(async () => {
    dir = tempDir();
    seedIncidents(dataPaths(dir.path).db, SEEDED, Date.now());
    app = await startHeadless({ dataDir: dir.path });
    events = await openEventStream(app.url);
  }, 60_000);

  afterEach(async () => {
    events.close();
    await app.stop();
    dir.remove();
  });

  it('an export answers webhooks while it runs and writes the incidents as they were when it started', async () => {
    const finished: string[] = [];
    // Oldest first: an incident created during the export would come last, so a read without a
    // snapshot would write it.
    const exporting = rpcValue<ExportFile>(app, 'incidents.export', {
      format: 'json',
      masked: true,
      sort: 'lastSeen',
      order: 'asc',
      progressId: 'snapshot-test',
    }).then((file) => {
      finished.push('export');
      return file;
    });
    const progressOf = (list: typeof events.events) =>
      list.filter((e) => e.name === 'incidents.exportProgress').map((e) => e.data as Progress);
    // Under way: it has read its first rows.
    await events.waitFor((list) => progressOf(list).some((p) => p.rows > 0 && p.rows < SEEDED), 30_000);

    const answer = await postAlert(app, 'Arrived mid-export');
    finished.push('webhook');
    expect(answer.status).toBe(202);

    const file = await exporting;
    expect(finished).toEqual(['webhook', 'export']);
    expect(file).toMatchObject({ rows: SEEDED, truncated: false });
    const ids = (JSON.parse(file.content) as { id: string }[]).map((i) => i.id);
    expect(new Set(ids).size).toBe(SEEDED);
    expect(ids).not.toContain(answer.incidentId);
    // The new incident is stored; only the export's view of the database predates it.
    expect(await rpcValue<{ total: number }>(app, 'incidents.list', { limit: 1 })).toMatchObject({
      total: SEEDED + 1,
    });

    const progress = progressOf(events.events).filter((p) => p.progressId === 'snapshot-test');
    expect(progress.every((p) => p.total === SEEDED)).toBe(true);
    expect(progress.at(-1)).toEqual({ progressId: 'snapshot-test', rows: SEEDED, total: SEEDED });
  }, 90_000);

  it('the dashboard over 90 days answers webhooks while it works the figures out', async () => {
    const finished: string[] = [];
    const figuring = rpcValue<{ total: number }>(app, 'dashboard.stats', { hours: 2160 }).then((stats) => {
      finished.push('dashboard');
      return stats;
    });
    // Give the request time to reach the core and start reading.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await postAlert(app, 'Arrived while the dashboard read')).status).toBe(202);
    finished.push('webhook');
    const stats = await figuring;
    expect(finished).toEqual(['webhook', 'dashboard']);
    // Every seeded incident is within the 90 days; the late one counts only if it was committed
    // before the dashboard's snapshot began (the export test pins the snapshot down).
    expect(stats.total - SEEDED).toBeOneOf([0, 1]);
  }, 60_000);

  it('a masked shift report of 5,000 incidents answers webhooks while it is built', async () => {
    const finished: string[] = [];
    const now = Date.now();
    const building = rpcValue<ExportFile>(app, 'reports.shift', {
      from: new Date(now - 48 * 3_600_000).toISOString(),
      to: new Date(now + 60_000).toISOString(),
      format: 'html',
      masked: true,
    }).then((file) => {
      finished.push('report');
      return file;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await postAlert(app, 'Arrived while the report was built')).status).toBe(202);
    finished.push('webhook');
    const file = await building;
    expect(finished).toEqual(['webhook', 'report']);
    // Capped at 5,000 rows, every seeded host masked.
    expect(file.content.match(/<tr data-incident=/g)).toHaveLength(5_000);
    expect(file.content).not.toMatch(/ws-\d{4}\.corp\.example\.com/);
  }, 60_000);
});

/** Posts a generic alert for a new host; its status and the incident it opened. */
async function postAlert(app: Headless, rule: string): Promise<{ status: number; incidentId: string }> {
  const res = await fetch(`${app.webhookUrl}/api/alert`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'ids', severity: 'high', rule, target: `ws-late-${String(++posted)}` }),
  });
  const body = (await res.json()) as { incidentId: string };
  return { status: res.status, incidentId: body.incidentId };
}
