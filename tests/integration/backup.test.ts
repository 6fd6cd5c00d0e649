/**
 * Backups through the real core: alerts posted to the webhook land in the
 * raw-event day files (across a UTC midnight, with a ManualClock), and the
 * headless contract runs a snapshot (progress over SSE), lists it, restores
 * it and refuses bad names.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../electron/core/clock';
import type { Core } from '../../electron/core/index';
import { createCore, memoryBackend } from '../../electron/core/index';
import type { BackupList, EventPayload, MethodResponse } from '../../shared/ipc/contract';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, openEventStream, startHeadless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function postAlert(webhookUrl: string, n: number): Promise<{ id: string; incidentId: string }> {
  const res = await fetch(`${webhookUrl}/api/alert`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      ip: `203.0.113.${String(n)}`,
      type: 'ssh_bruteforce',
      severity: 'high',
      rule: `SSH brute force ${String(n)}`,
      source_log: `sshd: Failed password for root from 203.0.113.${String(n)}`,
      target: `web-${String(n)}.example.com`,
    }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { id: string; incidentId: string };
}

function ids(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id)
    .sort();
}

/** The ids in every day file of a data dir (a test running across midnight sees two files). */
function allDayFileIds(dataDir: string): string[] {
  const dir = join(dataDir, 'backup', 'events');
  return readdirSync(dir)
    .flatMap((name) => {
      const data = readFileSync(join(dir, name));
      return ids((name.endsWith('.gz') ? gunzipSync(data) : data).toString());
    })
    .sort();
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('backup: raw-event day files through the webhook', () => {
  it('writes each UTC day its own events and gzips the day that closed', async () => {
    const dir = tempDir('vigil-backup-int-');
    cleanups.push(dir.remove);
    const clock = new ManualClock(Date.parse('2026-05-31T23:58:00Z'));
    const core: Core = createCore({
      dataDir: dir.path,
      shell: 'headless',
      version: '0.0.0-test',
      configBackend: memoryBackend({}),
      seedConfig: { webhook: { token: TEST_WEBHOOK_TOKEN } },
      webhook: { host: '127.0.0.1', port: 0 },
      clock,
    });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await core.stop('test');
    });
    await core.start();
    const webhookUrl = core.webhookUrl()!;

    const day1 = [await postAlert(webhookUrl, 1)];
    clock.advance(60_000);
    day1.push(await postAlert(webhookUrl, 2));
    clock.set(Date.parse('2026-06-01T00:00:30Z'));
    const day2 = [await postAlert(webhookUrl, 3), await postAlert(webhookUrl, 4)];

    const eventsDir = join(dir.path, 'backup', 'events');
    // The first event of the new day closes the old one; its gzip runs in the background.
    await waitFor(() => existsSync(join(eventsDir, '2026-05-31.jsonl.gz')));
    await waitFor(() => !existsSync(join(eventsDir, '2026-05-31.jsonl')));
    await core.stop('test');
    stopped = true;

    const closed = gunzipSync(readFileSync(join(eventsDir, '2026-05-31.jsonl.gz'))).toString();
    expect(ids(closed)).toEqual(day1.map((e) => e.id).sort());
    const open = readFileSync(join(eventsDir, '2026-06-01.jsonl'), 'utf8');
    expect(ids(open)).toEqual(day2.map((e) => e.id).sort());
    const line = JSON.parse(closed.split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(
      ['body', 'dedupKey', 'id', 'receivedAt', 'route', 'sourceId', 'sourceKind'].sort(),
    );
    expect(line).toMatchObject({ route: '/api/alert', sourceKind: 'webhook' });
    expect(JSON.parse(line.body as string)).toMatchObject({ type: 'ssh_bruteforce' });
  });
});

describe('backup: the headless contract', () => {
  let app: Headless;

  it('runs a snapshot with progress over SSE, lists it, restores it, and refuses bad names', async () => {
    app = await startHeadless();
    cleanups.push(() => app.stop());
    const stream = await openEventStream(app.url);
    cleanups.push(() => stream.close());

    const first = [await postAlert(app.webhookUrl, 1), await postAlert(app.webhookUrl, 2)];

    const run = await app.rpc('backup.run');
    expect(run.status).toBe(200);
    const { snapshot } = (run.body as { value: MethodResponse<'backup.run'> }).value;
    expect(snapshot.name).toMatch(/^vigil-\d{8}-\d{6}(-\d+)?\.db$/);
    expect(snapshot.bytes).toBeGreaterThan(0);

    type Progress = EventPayload<'backup.progress'>;
    const progress = (operation: Progress['operation']) =>
      stream.events
        .filter((e) => e.name === 'backup.progress')
        .map((e) => e.data as Progress)
        .filter((p) => p.operation === operation);
    await stream.waitFor(() => progress('backup').some((p) => p.percent === 100));
    expect(progress('backup')[0]).toMatchObject({ percent: 0 });
    expect(progress('backup').at(-1)?.message).toContain(snapshot.name);

    const listed = await app.rpc('backup.list');
    const list = (listed.body as { value: BackupList }).value;
    expect(list.snapshots).toEqual([snapshot]);
    expect(list.eventDays.length).toBeGreaterThan(0);
    for (const day of list.eventDays) expect(day.name).toBe(`${day.day}.jsonl${day.gzipped ? '.gz' : ''}`);
    expect(allDayFileIds(app.dataDir)).toEqual(first.map((e) => e.id).sort());

    // More data after the snapshot; a restore takes it back to the two first incidents.
    const later = await postAlert(app.webhookUrl, 3);
    await app.rpc('incidents.setStatus', { id: first[0]!.incidentId, status: 'resolved' });
    const restored = await app.rpc('backup.restore', { name: snapshot.name });
    expect(restored.status).toBe(200);
    const value = (restored.body as { value: MethodResponse<'backup.restore'> }).value;
    expect(value.restored).toBe(snapshot.name);
    expect(value.safetySnapshot).not.toBe(snapshot.name);
    await stream.waitFor(() => progress('restore').some((p) => p.percent === 100));
    await stream.waitFor(() =>
      stream.events.some(
        (e) => e.name === 'system.counts' && (e.data as EventPayload<'system.counts'>).total === 2,
      ),
    );

    const incidents = await app.rpc('incidents.list', {});
    const items = (incidents.body as { value: MethodResponse<'incidents.list'> }).value.items;
    expect(items.map((i) => i.id).sort()).toEqual(first.map((e) => e.incidentId).sort());
    expect(items.every((i) => i.status === 'new')).toBe(true);
    expect(items.map((i) => i.id)).not.toContain(later.incidentId);

    const after = (await app.rpc('backup.list')).body as { value: BackupList };
    expect(after.value.snapshots.map((s) => s.name).sort()).toEqual(
      [snapshot.name, value.safetySnapshot].sort(),
    );
    // The day file is a backup of what arrived, restored or not.
    expect(allDayFileIds(app.dataDir)).toEqual([...first, later].map((e) => e.id).sort());

    for (const [name, status, code] of [
      ['../vigil.db', 400, 'bad_request'],
      ['vigil-20260101-000000.db/../../vigil.db', 400, 'bad_request'],
      ['vigil-20990101-000000.db', 404, 'not_found'],
    ] as const) {
      const refused = await app.rpc('backup.restore', { name });
      expect(refused.status).toBe(status);
      expect(refused.body).toMatchObject({ ok: false, error: { code } });
    }
  });
});
