/**
 * 202 means committed, across crashes. Several clients flood the webhook of a
 * real `npm run serve` process while it is SIGKILLed at seeded points and
 * restarted on the same data dir and ports; sending goes on through every
 * restart. Afterwards the database must hold every event that was answered
 * 202 exactly once, no incident twice, and the channel must have had every
 * incident's message.
 *
 * Two kinds of sender, as in the field:
 * - `/api/alert` without an event id: a sender that never retries. An event
 *   answered 202 is stored exactly once; one whose answer was lost to the
 *   kill may or may not be stored, but never twice.
 * - `/hooks/flood` with a vendor id: a sender that retries until it gets a
 *   202. The vendor id makes the retry of an event committed just before the
 *   kill a duplicate, so every event is stored exactly once.
 *
 * Delivery is at least once: the outbox marks an entry as sending before the
 * request and sent after the answer, so a kill between the channel receiving
 * a message and that commit repeats it on restart. The channel worker sends
 * one entry at a time, so each kill can repeat at most one message.
 */
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { Rng } from '../helpers/prng';
import type { ServeProcess } from '../helpers/serve-process';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/temp-dir';

const SEED = 0xc4a5_f100;
const WEBHOOK_TOKEN = 'crash-flood-webhook-token-0123';
const HOOK_TOKEN = 'crash-flood-hook-token-4567';
const CLIENTS = 6;
/** Distinct /api/alert fingerprints: many events group into few incidents. */
const TARGETS = 24;

const dir = tempDir('vigil-crash-flood-');
const dataDir = join(dir.path, 'data');
const configFile = join(dir.path, 'seed.json');
const children: ServeProcess[] = [];
let receiver: Server;
/** Every body the channel endpoint received, in order. */
const received: string[] = [];
let uiPort = 0;
let webhookPort = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
    req.on('error', () => resolve(body));
  });
}

/** A port free now; the server is started on it every time, so clients keep one address. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    void readBody(req).then((body) => {
      received.push(body);
      // A short, varying answer time keeps a send in flight when a kill lands.
      setTimeout(
        () => {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end('ok');
        },
        (received.length % 4) * 2,
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const channelUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/flood-channel`;
  uiPort = await freePort();
  webhookPort = await freePort();
  writeFileSync(
    configFile,
    JSON.stringify({
      webhook: { token: WEBHOOK_TOKEN, rateLimitPerMin: 10_000_000 },
      sources: [{ id: 'flood', kind: 'webhook', name: 'Flood', token: HOOK_TOKEN }],
      channels: [
        {
          id: 'mm',
          kind: 'mattermost',
          name: 'Mattermost',
          minSeverity: 'info',
          mask: false,
          webhookUrl: channelUrl,
        },
      ],
    }),
  );
});

afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  dir.remove();
});

function serve(): ServeProcess {
  const child = startServe(
    [
      '--data-dir',
      dataDir,
      '--port',
      String(uiPort),
      '--webhook-port',
      String(webhookPort),
      '--config',
      configFile,
    ],
    { VIGIL_API_TOKEN: 'crash-flood-api-token', VIGIL_PIN: '31415926' },
  );
  children.push(child);
  return child;
}

/** What the senders saw. */
const tally = {
  /** /api/alert: flood id -> the event id its 202 named. */
  alertsAccepted: new Map<string, string>(),
  /** /api/alert events whose answer never came (the kill took it). */
  alertsLost: new Set<string>(),
  /** /hooks/flood: vendor ids, each retried until answered 202. */
  hooksAccepted: new Set<string>(),
  /** Retries answered 202 as a duplicate: the first try had committed, its answer was lost. */
  hookRetriesFoundCommitted: 0,
  connectionErrors: 0,
  /** Any answer other than 202 (none is expected: the input is valid and the rate limit is off). */
  unexpected: [] as string[],
  get accepted() {
    return this.alertsAccepted.size + this.hooksAccepted.size;
  },
};

type Accepted = { id?: string; duplicate?: boolean };
type Answer = { status: number; body: Accepted } | null;

async function post(path: string, token: string, payload: unknown): Promise<Answer> {
  try {
    const res = await fetch(`http://127.0.0.1:${webhookPort}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== 202) tally.unexpected.push(`${path} ${res.status}: ${text.slice(0, 200)}`);
    return { status: res.status, body: res.status === 202 ? (JSON.parse(text) as Accepted) : {} };
  } catch {
    tally.connectionErrors += 1;
    return null;
  }
}

async function sendAlert(floodId: string, target: number): Promise<void> {
  const answer = await post('/api/alert', WEBHOOK_TOKEN, {
    type: 'flood',
    // One severity per target: no incident is raised, so every message is the incident's first.
    severity: ['low', 'medium', 'high', 'critical'][target % 4],
    target: `host-${target}`,
    flood_id: floodId,
  });
  if (answer?.status === 202 && answer.body.id) tally.alertsAccepted.set(floodId, answer.body.id);
  else if (!answer) tally.alertsLost.add(floodId);
}

async function sendHookUntilAccepted(id: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const answer = await post('/hooks/flood', HOOK_TOKEN, {
      id,
      title: `Flood hook ${id}`,
      severity: 'high',
      host: `hook-host-${id}`,
    });
    if (answer?.status === 202) {
      tally.hooksAccepted.add(id);
      if (attempt > 0 && answer.body.duplicate) tally.hookRetriesFoundCommitted += 1;
      return;
    }
    if (answer && answer.status !== 202) return;
    await sleep(20);
  }
}

it('keeps "202 = committed" and delivers every incident through repeated SIGKILLs', async () => {
  const started = Date.now();
  const phases: string[] = [];
  const phase = (name: string) => phases.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const rng = new Rng(SEED);
  let sending = true;

  let server = serve();
  await server.urls();

  const clients = Array.from({ length: CLIENTS }, async (_, index) => {
    const own = new Rng(SEED + 1 + index);
    for (let seq = 0; sending; seq++) {
      if (own.chance(0.2)) await sendHookUntilAccepted(`h${index}-${seq}`);
      else {
        const before = tally.connectionErrors;
        await sendAlert(`a${index}-${seq}`, own.int(TARGETS));
        // The server is down: wait a little rather than spin on refused connections.
        if (tally.connectionErrors > before) await sleep(20);
      }
    }
  });

  const kills = 3 + rng.int(3);
  const schedule: number[] = [];
  for (let k = 0; k < kills; k++) {
    const killAt = tally.accepted + 100 + rng.int(200);
    schedule.push(killAt);
    await until(`${killAt} accepted events before kill ${k + 1}`, () => tally.accepted >= killAt, 20_000);
    await sleep(rng.int(15));
    server.child.kill('SIGKILL');
    expect(await server.exited).toBeNull();
    server = serve();
    await server.urls();
    phase(`restart ${k + 1}`);
  }
  const last = tally.accepted + 100;
  await until('the flood after the last restart', () => tally.accepted >= last, 20_000);
  sending = false;
  await Promise.all(clients);
  phase('flood over');

  // Every queued notification goes out once the last process has caught up.
  const live = new Database(join(dataDir, 'vigil.db'), { readonly: true, fileMustExist: true });
  const pending = () =>
    (live.prepare("SELECT count(*) AS n FROM outbox WHERE state <> 'sent'").get() as { n: number }).n;
  const unqueued = () =>
    (
      live
        .prepare(
          "SELECT count(*) AS n FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.incident_id = i.id AND o.channel_id = 'mm')",
        )
        .get() as { n: number }
    ).n;
  try {
    await until('every outbox entry sent', () => pending() === 0 && unqueued() === 0, 20_000);
  } finally {
    live.close();
  }
  phase('all sent');
  // A repeated message would arrive now.
  await sleep(200);
  await server.stop();
  expect(await server.exited).toBe(0);

  expect(tally.unexpected).toEqual([]);
  expect(tally.connectionErrors, 'the kills landed while clients were sending').toBeGreaterThan(0);

  const db = new Database(join(dataDir, 'vigil.db'), { readonly: true, fileMustExist: true });
  try {
    // /api/alert: each answered event exactly once, under the id its 202 named; a lost one at most once.
    const alertRows = db
      .prepare("SELECT id, body, incident_id FROM raw_events WHERE route = '/api/alert'")
      .all() as { id: string; body: string; incident_id: string | null }[];
    const byFloodId = new Map<string, { id: string; incident: string | null }[]>();
    for (const row of alertRows) {
      const floodId = (JSON.parse(row.body) as { flood_id: string }).flood_id;
      byFloodId.set(floodId, [...(byFloodId.get(floodId) ?? []), { id: row.id, incident: row.incident_id }]);
    }
    const wrong: string[] = [];
    for (const [floodId, eventId] of tally.alertsAccepted) {
      const rows = byFloodId.get(floodId) ?? [];
      if (rows.length !== 1 || rows[0]!.id !== eventId) {
        wrong.push(`${floodId}: answered 202 as ${eventId}, stored ${JSON.stringify(rows)}`);
      }
    }
    for (const [floodId, rows] of byFloodId) {
      if (rows.length > 1) wrong.push(`${floodId}: stored ${rows.length} times`);
      if (!tally.alertsAccepted.has(floodId) && !tally.alertsLost.has(floodId)) {
        wrong.push(`${floodId}: stored but never sent`);
      }
    }
    expect(wrong).toEqual([]);

    // /hooks/flood: every vendor id exactly once.
    const hookRows = db
      .prepare(
        "SELECT dedup_key AS id, count(*) AS n FROM raw_events WHERE source_id = 'flood' GROUP BY dedup_key",
      )
      .all() as { id: string | null; n: number }[];
    expect(hookRows.filter((r) => r.n !== 1 || r.id === null)).toEqual([]);
    expect(hookRows.map((r) => r.id).sort()).toEqual([...tally.hooksAccepted].sort());

    // Every stored event belongs to an incident, no incident is there twice, and each counts its events.
    expect(
      db.prepare('SELECT count(*) AS n FROM raw_events WHERE incident_id IS NULL').get() as { n: number },
    ).toEqual({ n: 0 });
    expect(
      db.prepare('SELECT fingerprint, count(*) AS n FROM incidents GROUP BY fingerprint HAVING n > 1').all(),
    ).toEqual([]);
    expect(
      db
        .prepare(
          'SELECT i.id, i.count, (SELECT count(*) FROM raw_events r WHERE r.incident_id = i.id) AS events FROM incidents i WHERE i.count <> events',
        )
        .all(),
    ).toEqual([]);
    const incidents = (db.prepare('SELECT id FROM incidents').all() as { id: string }[]).map((r) => r.id);
    // Each vendor id is its own incident; the alerts group into at most one per target.
    expect(incidents.length).toBeGreaterThanOrEqual(tally.hooksAccepted.size);
    expect(incidents.length).toBeLessThanOrEqual(tally.hooksAccepted.size + TARGETS);

    // One outbox entry per incident, all sent; the channel got each incident at least once.
    const outbox = db.prepare('SELECT incident_id, purpose, state FROM outbox').all() as {
      incident_id: string;
      purpose: string;
      state: string;
    }[];
    expect(outbox.filter((e) => e.purpose !== 'incident' || e.state !== 'sent')).toEqual([]);
    expect(outbox.map((e) => e.incident_id).sort()).toEqual([...incidents].sort());

    const messages = new Map<string, number>();
    for (const body of received) {
      for (const id of new Set(body.match(/inc_[0-9a-f]{24}/g) ?? [])) {
        messages.set(id, (messages.get(id) ?? 0) + 1);
      }
    }
    expect(incidents.filter((id) => !messages.has(id))).toEqual([]);
    expect([...messages.keys()].filter((id) => !incidents.includes(id))).toEqual([]);
    const repeats = [...messages.values()].reduce((n, count) => n + count - 1, 0);
    expect(repeats, 'at most one message in flight per kill').toBeLessThanOrEqual(kills);

    process.stdout.write(
      `crash-flood: ${kills} kills after ${schedule.join(', ')} accepted; ` +
        `${tally.alertsAccepted.size} alerts + ${tally.hooksAccepted.size} hook events accepted, ` +
        `${tally.alertsLost.size} alert answers lost (${byFloodId.size - tally.alertsAccepted.size} of them stored), ` +
        `${tally.hookRetriesFoundCommitted} hook retries found committed, ` +
        `${tally.connectionErrors} connection errors; ${incidents.length} incidents, ` +
        `${received.length} messages (${repeats} repeated); ${phases.join(', ')}\n`,
    );
  } finally {
    db.close();
  }
}, 60_000);
