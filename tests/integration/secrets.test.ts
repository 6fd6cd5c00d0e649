/**
 * Secrets never leave the encrypted store in plaintext. Known values are
 * planted everywhere a secret can enter (seed literals, settings.update,
 * sources.upsert, channels.upsert), the core is driven through failures that
 * tend to print them (a source and channels on closed ports, a failing AI
 * provider, token-in-query webhooks, a backup), every output built from the
 * data is produced (exports, the shift report, the dashboard, the log
 * viewer), and then every answer, every pushed event and every byte under
 * the data dir is searched for them.
 *
 * One method answers with a secret by design: webhook.revealToken, on the
 * analyst's explicit request (and webhook.rotateToken, with the new token).
 * Their answers are checked to hold exactly that token and left out of the
 * search; the audit line they log must not hold it.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConfigBackend } from '../../electron/core/index';
import type { Result } from '../../shared/ipc/result';
import type { EventStream, Headless } from '../helpers/headless';
import { TEST_API_TOKEN, openEventStream, startHeadless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';

const SECRETS = {
  webhookToken: 'PLANTED-webhook-token-a1b2c3d4e5',
  sourceApiToken: 'PLANTED-s1-api-token-f6a7b8c9d0',
  hookToken: 'PLANTED-hook-token-1122334455',
  botToken: '123456789:PLANTED-telegram-bot-token-AAEE',
  smtpPassword: 'PLANTED-smtp-password-9988776655',
  mattermostHook: 'PLANTED-mm-hook-path-5566778899',
  aiApiKey: 'sk-PLANTED-ai-api-key-0a0b0c0d0e0f',
  pin: 'PLANTED-pin-73519',
  apiBearer: TEST_API_TOKEN,
} as const;

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Persists the config document as a file like the shells' conf store does, so it can be searched. */
function fileBackend(path: string): ConfigBackend {
  return {
    read: () => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : {}),
    write: (document) => writeFileSync(path, JSON.stringify(document, null, 2)),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The planted values, plus the webhook token rotateToken makes up. */
const planted: Record<string, string> = { ...SECRETS };

/** Every planted value found in `text`, with a little context for the report. */
function leaks(text: string): string[] {
  return Object.entries(planted).flatMap(([name, value]) => {
    const at = text.indexOf(value);
    return at < 0 ? [] : [`${name} in …${text.slice(Math.max(0, at - 80), at + value.length + 20)}…`];
  });
}

let app: Headless;
let stopped = false;
let stream: EventStream;
let dataDir: { path: string; remove: () => void };
let deadPort: number;
/** Every answer body the test received, searched at the end. */
const answers: { what: string; text: string }[] = [];

async function call(method: string, args: unknown = {}): Promise<Result<unknown>> {
  const res = await app.rpc(method, args);
  answers.push({ what: `rpc ${method}`, text: JSON.stringify(res.body) });
  return res.body as Result<unknown>;
}

async function post(path: string, body: unknown, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${app.webhookUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  answers.push({ what: `POST ${path}`, text: await res.text() });
  return res.status;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  deadPort = await closedPort();
  const dead = `http://127.0.0.1:${deadPort}`;
  dataDir = tempDir('vigil-secrets-');
  app = await startHeadless({
    dataDir: dataDir.path,
    core: { configBackend: fileBackend(join(dataDir.path, 'config.json')) },
    config: {
      webhook: { token: SECRETS.webhookToken },
      sources: [
        {
          id: 's1',
          kind: 'sentinelone',
          name: 'S1',
          baseUrl: dead,
          apiToken: SECRETS.sourceApiToken,
          pollIntervalSec: 5,
        },
      ],
      channels: [
        {
          id: 'tg',
          kind: 'telegram',
          name: 'TG',
          minSeverity: 'low',
          mask: false,
          botToken: SECRETS.botToken,
          apiRoot: dead,
          chatId: '42',
        },
      ],
      ai: { enabled: true, baseUrl: `${dead}/v1`, minSeverity: 'low', timeoutSec: 2 },
      ui: { pin: SECRETS.pin },
    },
  });
  stream = await openEventStream(app.url);
}, 30_000);

afterAll(async () => {
  stream.close();
  if (!stopped) await app.stop();
  dataDir.remove();
});

describe('planted secrets', () => {
  it('never appear in answers, events, logs, backups or the database', async () => {
    const dead = `http://127.0.0.1:${deadPort}`;
    // Secrets entering through the contract rather than the seed.
    expect((await call('settings.update', { patch: { ai: { apiKey: SECRETS.aiApiKey } } })).ok).toBe(true);
    expect(
      (
        await call('sources.upsert', {
          create: true,
          source: { id: 'hook2', kind: 'webhook', name: 'Hook 2', token: SECRETS.hookToken },
        })
      ).ok,
    ).toBe(true);
    const email = await call('channels.upsert', {
      create: true,
      channel: {
        id: 'mail',
        kind: 'email',
        name: 'Mail',
        minSeverity: 'low',
        mask: false,
        smtp: { host: '127.0.0.1', port: deadPort, user: 'soc', password: SECRETS.smtpPassword },
        to: ['soc@example.test'],
      },
    });
    expect(email.ok).toBe(true);
    const mm = await call('channels.upsert', {
      create: true,
      channel: {
        id: 'mm',
        kind: 'mattermost',
        name: 'MM',
        minSeverity: 'low',
        mask: false,
        webhookUrl: `${dead}/hooks/${SECRETS.mattermostHook}`,
      },
    });
    expect(mm.ok).toBe(true);

    // Every way a token can travel, including the query string (which a request log could keep).
    expect(
      await post(
        '/api/alert',
        { type: 'leak-check', severity: 'high', target: 'db-1' },
        {
          Authorization: `Bearer ${SECRETS.webhookToken}`,
        },
      ),
    ).toBe(202);
    expect(
      await post(
        `/api/alert?token=${SECRETS.webhookToken}`,
        { type: 'leak-check-2', severity: 'critical' },
        {},
      ),
    ).toBe(202);
    expect(
      await post(
        '/api/logs',
        { service: 'sshd', message: 'ok', timestamp: '2026-01-01T00:00:00Z' },
        {
          'X-Vigil-Token': SECRETS.webhookToken,
        },
      ),
    ).toBe(202);
    expect(
      await post(
        '/hooks/hook2',
        { title: 'hooked', severity: 'high' },
        {
          Authorization: `Bearer ${SECRETS.hookToken}`,
        },
      ),
    ).toBe(202);
    // A wrong token is refused; its refusal must not echo the right one.
    expect(await post('/api/alert', { type: 'x' }, { Authorization: 'Bearer wrong' })).toBe(401);

    // Failures on closed ports: the poller, a manual poll and test, and each channel's test.
    expect((await call('sources.pollNow', { id: 's1' })).ok).toBe(true);
    expect((await call('sources.test', { id: 's1' })).ok).toBe(true);
    for (const id of ['tg', 'mail', 'mm']) {
      const test = await call('channels.test', { id });
      expect(test, id).toMatchObject({ ok: true, value: { ok: false } });
    }
    expect((await call('ai.test')).ok).toBe(true);

    // The outbox tries each channel at least once, and the AI provider fails, before we look.
    await waitUntil('a failed delivery on every channel', async () => {
      for (const id of ['tg', 'mail', 'mm']) {
        const outbox = (await call('channels.outbox', { id })) as Result<{
          entries: { purpose: string; attempts: number; lastError: string | null }[];
        }>;
        if (!outbox.ok) return false;
        const tried = outbox.value.entries.some((e) => e.purpose !== 'test' && e.attempts > 0 && e.lastError);
        if (!tried) return false;
      }
      return true;
    });
    await waitUntil('an AI error', async () => {
      const status = (await call('ai.status')) as Result<{ lastError: string | null }>;
      return status.ok && status.value.lastError !== null;
    });

    // Every output built from the stored data. Methods still being built answer 'unavailable'
    // ("not built yet"); they are listed, and searched as soon as they answer.
    const stubs = new Set<string>();
    const produce = async (method: string, args: unknown) => {
      const result = await call(method, args);
      if (!result.ok && result.error.code === 'unavailable' && /not built/.test(result.error.message)) {
        stubs.add(method);
      } else {
        expect(result.ok, `${method}: ${JSON.stringify(result)}`).toBe(true);
      }
    };
    for (const format of ['csv', 'json']) {
      for (const masked of [false, true]) await produce('incidents.export', { format, masked });
    }
    const shift = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() };
    for (const masked of [false, true]) await produce('reports.shift', { ...shift, format: 'html', masked });
    await produce('dashboard.stats', { hours: 24 });
    for (const file of ['all', 'error', 'success']) await produce('logs.tail', { file, limit: 2000 });

    // The one secret the UI may read: exactly the token, on request; kept out of `answers`.
    const revealed = await app.rpc('webhook.revealToken', {});
    expect(revealed.body).toEqual({ ok: true, value: { token: SECRETS.webhookToken } });
    // Rotating answers the new token, which then guards the webhook and is as secret as the old one.
    const rotated = (await app.rpc('webhook.rotateToken', {})).body as Result<{ token: string }>;
    expect(rotated.ok).toBe(true);
    const newToken = rotated.ok ? rotated.value.token : '';
    expect(newToken.length).toBeGreaterThanOrEqual(32);
    planted.rotatedWebhookToken = newToken;
    expect(
      await post('/api/alert', { type: 'after-rotation' }, { Authorization: `Bearer ${newToken}` }),
    ).toBe(202);
    expect(
      await post('/api/alert', { type: 'old-token' }, { Authorization: `Bearer ${SECRETS.webhookToken}` }),
    ).toBe(401);

    expect((await call('backup.run')).ok).toBe(true);

    // Every read method, and every incident's detail.
    for (const method of ['system.status', 'setup.get', 'settings.get', 'sources.list', 'channels.list']) {
      expect((await call(method)).ok, method).toBe(true);
    }
    for (const method of ['ai.status', 'backup.list']) expect((await call(method)).ok, method).toBe(true);
    expect((await call('telegram.chats', { channelId: 'tg' })).ok).toBe(true);
    const list = (await call('incidents.list', { limit: 100 })) as Result<{ items: { id: string }[] }>;
    expect(list.ok).toBe(true);
    const items = list.ok ? list.value.items : [];
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const item of items) expect((await call('incidents.get', { id: item.id })).ok).toBe(true);

    const settings = (await call('settings.get')) as Result<{ ui: { pinSet: boolean } }>;
    expect(settings.ok && settings.value.ui.pinSet).toBe(true);
    const sources = (await call('sources.list')) as Result<{ id: string; health: { lastError?: unknown } }[]>;
    expect(JSON.stringify(sources)).toContain('s1');

    await stream.waitFor((events) => events.some((e) => e.name === 'channels.changed'));
    const streamed = JSON.stringify(stream.events);
    stream.close();
    stopped = true;
    await app.stop();

    const found: string[] = [];
    for (const answer of answers) found.push(...leaks(answer.text).map((l) => `${answer.what}: ${l}`));
    found.push(...leaks(streamed).map((l) => `SSE: ${l}`));

    const files = filesUnder(dataDir.path);
    const names = files.map((f) => relative(dataDir.path, f));
    // The scan must actually have something to scan.
    expect(names).toEqual(expect.arrayContaining(['vigil.db', 'config.json', 'secrets.json', 'secret.key']));
    expect(names.some((n) => n.startsWith('logs') && n.endsWith('.log'))).toBe(true);
    expect(names.some((n) => n.startsWith('backup'))).toBe(true);
    let logText = '';
    for (const file of files) {
      const name = relative(dataDir.path, file);
      if (name === 'secret.key') continue;
      let bytes = readFileSync(file);
      if (name.endsWith('.gz')) bytes = gunzipSync(bytes);
      const text = bytes.toString('latin1');
      if (name.startsWith('logs')) logText += bytes.toString('utf8');
      found.push(...leaks(text).map((l) => `${name}: ${l}`));
    }
    expect([...new Set(found)]).toEqual([]);

    // Every secret did reach the store, sealed: one entry each, none readable.
    const store = JSON.parse(readFileSync(join(dataDir.path, 'secrets.json'), 'utf8')) as {
      entries: Record<string, string>;
    };
    expect(Object.keys(store.entries).length).toBeGreaterThanOrEqual(8);
    // The failures really were logged, so the clean logs mean something.
    expect(logText).toContain('poll failed');
    expect(logText).toMatch(/Telegram \w+: connection refused/);
    expect(logText).toMatch(/SMTP 127\.0\.0\.1:\d+: connection refused/);
    expect(logText).toContain('Mattermost webhook at');
    expect(logText).toContain('incident not analysed');
    // Revealing and rotating the token are audited, without the value (the search above).
    expect(logText).toMatch(/webhook token revealed.*"actor":"api"/);
    expect(logText).toMatch(/webhook token rotated.*"actor":"api"/);
    if (stubs.size > 0)
      process.stdout.write(`secrets: not built yet, not searched: ${[...stubs].join(', ')}\n`);
  }, 60_000);
});
