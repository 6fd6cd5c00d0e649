/**
 * Nothing lost, nothing twice: a poller killed with SIGKILL in the middle of
 * paging through a vendor's events, twice, then restarted, ends with every
 * vendor event stored exactly once and its cursor at the last event.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { FakeDeepInstinct } from '../helpers/fake-deepinstinct';
import type { ServeProcess } from '../helpers/serve-process';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/temp-dir';

const API_TOKEN = 'crash-test-api-token-0123';
const dir = tempDir('vigil-crash-');
const dataDir = join(dir.path, 'data');
const configFile = join(dir.path, 'seed.json');
let fake: FakeDeepInstinct;
const children: ServeProcess[] = [];

beforeAll(async () => {
  fake = await FakeDeepInstinct.start();
  fake.pageSize = 10;
  for (let i = 0; i < 150; i++) fake.addEvent({ path: `c:\\samples\\file-${i}.exe` });
  // Slow pages give the test time to kill the process between (and during) commits.
  fake.misbehave({ kind: 'slow', path: /^\/api\/v1\/events\//, delayMs: 60 });
  writeFileSync(
    configFile,
    JSON.stringify({
      sources: [
        {
          id: 'di',
          kind: 'deepinstinct',
          name: 'Deep Instinct',
          baseUrl: fake.url,
          apiKey: fake.apiKey,
          pollSuspicious: false,
          pollIntervalSec: 3600,
        },
      ],
    }),
  );
});

afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
  await fake.close();
  dir.remove();
});

function serve(): ServeProcess {
  const child = startServe(
    ['--data-dir', dataDir, '--port', '0', '--webhook-port', '0', '--config', configFile],
    { VIGIL_API_TOKEN: API_TOKEN, VIGIL_PIN: '99887766' },
  );
  children.push(child);
  return child;
}

async function pagesRequested(atLeast: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (fake.requestsTo('/api/v1/events/').length < atLeast) {
    if (Date.now() > deadline) throw new Error('the poller never reached the page to kill it at');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it('stores every vendor event exactly once across SIGKILLs mid-poll, with the cursor at the end', async () => {
  const total = fake.events.length;
  const lastId = Math.max(...fake.events.map((e) => Number(e.id)));

  for (const killAt of [4, 9]) {
    const child = serve();
    await child.urls();
    await pagesRequested(killAt);
    child.child.kill('SIGKILL');
    expect(await child.exited).toBeNull();
  }

  const child = serve();
  const { url } = await child.urls();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${url}/api/rpc/sources.list`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_TOKEN}` },
      body: '{}',
    });
    const body = (await res.json()) as { value: { health: { eventsTotal: number; state: string } }[] };
    if (body.value[0]!.health.eventsTotal >= total) break;
    if (Date.now() > deadline)
      throw new Error(`only ${body.value[0]!.health.eventsTotal} of ${total} events`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.child.kill('SIGTERM');
  expect(await child.exited).toBe(0);

  const db = new Database(join(dataDir, 'vigil.db'), { readonly: true });
  try {
    const events = db
      .prepare(
        "SELECT count(*) AS n, count(DISTINCT dedup_key) AS keys FROM raw_events WHERE source_id = 'di'",
      )
      .get() as { n: number; keys: number };
    expect(events).toEqual({ n: total, keys: total });
    const incidents = db.prepare("SELECT count(*) AS n FROM incidents WHERE source_id = 'di'").get() as {
      n: number;
    };
    expect(incidents.n).toBe(total);
    const state = db
      .prepare("SELECT cursor, events_total FROM source_states WHERE source_id = 'di'")
      .get() as {
      cursor: string;
      events_total: number;
    };
    expect(state.events_total).toBe(total);
    expect((JSON.parse(state.cursor) as { events: number }).events).toBe(lastId);
  } finally {
    db.close();
  }
  // The pages before each kill were fetched again only where their commit had not happened.
  expect(fake.requestsTo('/api/v1/events/').length).toBeGreaterThan(Math.ceil(total / fake.pageSize));
});
