/**
 * Bounded, seeded fuzzing of every untrusted entry point of a real headless
 * core: the webhook routes, the contract over HTTP, and the Electron IPC
 * registry. Each route and method draws from its own PRNG stream, seeded
 * from its name, so a failure replays exactly and adding a method does not
 * change what the others get. The invariants are the ones an attacker would
 * break: no 5xx on bad input, no crash, no hang, no prototype pollution, a
 * code from the contract's closed set, and nothing stored or changed by a
 * refused request.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RPC_METHODS, rpcChannel } from '../../shared/ipc/channels';
import { METHOD_NAMES } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import { ERROR_CODES, httpStatusFor } from '../../shared/ipc/result';
import type { Logger } from '../../electron/core/logger';
import { createAppOrigin } from '../../electron/main/app-origin';
import type { InvokeEventLike, InvokeListener } from '../../electron/main/ipc-registry';
import { registerContract, trustedSenderCheck } from '../../electron/main/ipc-registry';
import type { Headless } from '../helpers/headless';
import { TEST_API_TOKEN, TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';
import { Rng as Fuzzer, seedOf } from '../helpers/prng';

const SEED = 0x5eed_1234;
const HOOK_TOKEN = 'fuzz-hook-token-0123456789';
const MAX_BODY = 64 * 1024;
/** Never routable: a test must not reach anything but 127.0.0.1, and this port refuses. */
const CLOSED_URL = 'http://127.0.0.1:1';

const UNICODE = [
  '\u202eevil\u202c', // RTL override
  'מתקפה על השרת',
  'هجوم',
  'a\u200bb\u200c\u200d\ufeff',
  '\ud83d\udea8\ud83d\udd25 alert \ud83d\udc80',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'e\u0301\u0301\u0301',
  '\u0000nul',
  '${jndi:ldap://x}',
  "'; DROP TABLE raw_events; --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%2e%2e',
];

const STRINGS = [
  '',
  ' ',
  'x',
  '0',
  '-1',
  '1e309',
  'NaN',
  'true',
  'null',
  '2026-01-01T00:00:00Z',
  '1700000000',
  '10.0.0.1',
  '::1',
  '999.999.1.1',
  'critical',
  'high',
  'CRITICAL ',
  'webhook',
  'sentinelone',
  'telegram',
  'email',
  'demo',
  'open',
  'closed',
  CLOSED_URL,
  'javascript:alert(1)',
  ...UNICODE,
];

const NUMBERS = [0, -0, 1, -1, 1.5, 42, 255, 599, 1e12, 1e21, -1e21, 2 ** 53, 1.7976931348623157e308, 5e-324];

/** Keys the schemas look at, plus the ones a prototype-pollution attempt uses. */
const KEYS = [
  'type',
  'severity',
  'ip',
  'timestamp',
  'rule',
  'source_log',
  'target',
  'records',
  'service',
  'message',
  'status_code',
  'source_ip',
  'host',
  'user',
  'url',
  'data',
  'id',
  'threatInfo',
  'agentRealtimeInfo',
  'alert',
  'name',
  'level',
  'kind',
  'enabled',
  'token',
  'baseUrl',
  'limit',
  'cursor',
  'status',
  'source',
  'channel',
  'patch',
  'document',
  'channelId',
  'session',
  'owner',
  'minutes',
  'match',
  'outboxId',
  '__proto__',
  'constructor',
  'prototype',
];

const POLLUTERS = ['__proto__', 'constructor', 'prototype'];

/** A null-prototype object, so assigning `__proto__` creates an own key JSON.stringify keeps. */
function bag(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

function randomString(f: Fuzzer): string {
  if (f.chance(0.05)) return f.pick(UNICODE).repeat(1 + f.int(200));
  return f.pick(STRINGS);
}

function randomValue(f: Fuzzer, depth = 0): unknown {
  const roll = f.int(depth > 3 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return f.chance(0.5);
    case 2:
      return f.pick(NUMBERS);
    case 3:
    case 4:
      return randomString(f);
    case 5:
      return String(f.pick(NUMBERS));
    case 6:
    case 7:
      return randomObject(f, depth + 1);
    default:
      return Array.from({ length: f.int(4) }, () => randomValue(f, depth + 1));
  }
}

function randomObject(f: Fuzzer, depth = 0): Record<string, unknown> {
  const out = bag();
  const size = f.int(6);
  for (let i = 0; i < size; i++) out[f.pick(KEYS)] = randomValue(f, depth + 1);
  if (f.chance(0.15)) out[f.pick(POLLUTERS)] = pollution(f, depth);
  return out;
}

/** `{polluted: ...}` nested under prototype-ish keys at a random depth. */
function pollution(f: Fuzzer, depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = Object.assign(bag(), { polluted: 'yes', toString: 'not a function' });
  const levels = f.int(3) + (depth > 2 ? 0 : 1);
  for (let i = 0; i < levels; i++) {
    const parent = bag();
    parent[f.pick(POLLUTERS)] = node;
    node = parent;
  }
  return node;
}

/** Overrides one field of a valid payload with a hostile value. */
function mutate(f: Fuzzer, base: Record<string, unknown>): Record<string, unknown> {
  const out = bag();
  Object.assign(out, base);
  const keys = Object.keys(base);
  for (let i = 0; i <= f.int(3); i++) {
    const key = f.chance(0.7) && keys.length > 0 ? f.pick(keys) : f.pick(KEYS);
    out[key] = f.chance(0.2) ? pollution(f, 0) : randomValue(f, 1);
  }
  return out;
}

const DEEP_ARRAY = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;

/** Bodies no route may accept: not JSON, or JSON of a shape no route takes. */
const MALFORMED = [
  '',
  ' ',
  '{',
  '}',
  '[',
  '{"type":',
  '{"type":"x",}',
  "{'type':'x'}",
  '{type:"x"}',
  'NaN',
  'undefined',
  '\ufeff{"type":"x"}',
  '{"type":"x"}{"type":"y"}',
  '{"type":"\\ud800"',
  '{"type":"\\uZZZZ"}',
  '"just a string"',
  '42',
  'null',
  'true',
  '[]',
  '{}',
  '\u0000',
  DEEP_ARRAY,
  DEEP_OBJECT,
];

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const make = (): Logger => ({
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message) => errors.push(message),
    success: () => undefined,
    child: () => make(),
  });
  return Object.assign(make(), { errors });
}

function assertNotPolluted(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  expect(typeof ({} as { toString: unknown }).toString).toBe('function');
}

describe('webhook routes under fuzzing', () => {
  let app: Headless;
  let db: Database.Database;

  beforeAll(async () => {
    app = await startHeadless({
      config: {
        webhook: { maxBodyBytes: MAX_BODY, rateLimitPerMin: 1_000_000 },
        ai: { baseUrl: CLOSED_URL },
        sources: [
          {
            id: 'fz',
            kind: 'webhook',
            name: 'Fuzz hook',
            token: HOOK_TOKEN,
            mapping: {
              title: 'alert.name',
              severity: 'alert.level',
              host: 'host',
              ip: 'source_ip',
              user: 'user',
              id: 'id',
              timestamp: 'timestamp',
            },
          },
        ],
      },
    });
    db = new Database(join(app.dataDir, 'vigil.db'), { readonly: true, fileMustExist: true });
  });
  afterAll(async () => {
    db.close();
    await app.stop();
  });

  const rawCount = () => (db.prepare('SELECT count(*) AS n FROM raw_events').get() as { n: number }).n;
  /** Incidents, and their last change: a refused request must move neither. */
  const incidentState = () =>
    JSON.stringify(db.prepare('SELECT count(*) AS n, max(updated_at) AS at FROM incidents').get());

  const routes: { path: string; token: string; valid: Record<string, unknown> }[] = [
    { path: '/api/alert', token: TEST_WEBHOOK_TOKEN, valid: { type: 'fuzz', severity: 'low' } },
    {
      path: '/send/alert',
      token: TEST_WEBHOOK_TOKEN,
      valid: { id: '1', threatInfo: { threatName: 'fuzz', classification: 'Malware' } },
    },
    {
      path: '/api/logs',
      token: TEST_WEBHOOK_TOKEN,
      valid: { service: 'sshd', message: 'ok', timestamp: '2026-01-01T00:00:00Z' },
    },
    { path: '/hooks/fz', token: HOOK_TOKEN, valid: { alert: { name: 'fuzz', level: 'low' }, id: 'x' } },
  ];

  async function post(path: string, token: string, body: string) {
    const before = rawCount();
    const incidentsBefore = incidentState();
    const res = await fetch(`${app.webhookUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    const after = rawCount();
    return {
      status: res.status,
      text,
      stored: after - before,
      opened: incidentState() === incidentsBefore ? 0 : 1,
    };
  }

  /** The invariant of every answer: 202, or a 4xx that names the problem and stored nothing. */
  function check(
    path: string,
    body: string,
    answer: { status: number; text: string; stored: number; opened: number },
  ) {
    const where = `${path} <- ${body.slice(0, 160)}`;
    expect(answer.status, `${where}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    if (answer.status === 202) return;
    expect(answer.status, where).toBeGreaterThanOrEqual(400);
    const parsed = JSON.parse(answer.text) as { error?: { code?: string; message?: string } };
    // The listener answers with the contract's codes, and the status that goes with each.
    expect(ERROR_CODES, where).toContain(parsed.error?.code);
    expect(answer.status, where).toBe(httpStatusFor(parsed.error!.code as (typeof ERROR_CODES)[number]));
    expect(parsed.error?.message?.length ?? 0, where).toBeGreaterThan(0);
    expect(answer.stored, `${where}: a refused request stored raw events`).toBe(0);
    expect(answer.opened, `${where}: a refused request opened or changed incidents`).toBe(0);
  }

  it.each(routes)('$path refuses malformed JSON and deep nesting with a 400', async ({ path, token }) => {
    for (const body of MALFORMED) {
      const answer = await post(path, token, body);
      check(path, body, answer);
      // None of these is a valid event for any route (a leading BOM is tolerated by design); deep
      // nesting is refused before any route looks at it.
      if (!['[]', '{}', '\ufeff{"type":"x"}'].includes(body))
        expect(answer.status, `${path} <- ${body.slice(0, 40)}`).toBe(400);
      if (body === DEEP_OBJECT || body === DEEP_ARRAY) expect(answer.text).toContain('nests deeper');
    }
  });

  it.each(routes)('$path caps the body near maxBodyBytes', async ({ path, token, valid }) => {
    const pad = (size: number) => {
      const record = { ...valid, message: '', source_log: '' };
      const empty = JSON.stringify(record).length;
      return JSON.stringify({ ...record, message: 'm'.repeat(size - empty), source_log: '' });
    };
    const under = pad(MAX_BODY - 100);
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(MAX_BODY);
    check(path, under, await post(path, token, under));
    for (const size of [MAX_BODY + 1, MAX_BODY * 2, MAX_BODY * 8]) {
      const over = pad(size);
      const answer = await post(path, token, over);
      check(path, over, answer);
      expect(answer.status, `${path} with ${size} bytes`).toBe(413);
    }
    // Multi-byte characters: the cap counts bytes, not UTF-16 units.
    const emoji = JSON.stringify({ ...valid, message: '\ud83d\udea8'.repeat(MAX_BODY / 3) });
    const answer = await post(path, token, emoji);
    check(path, emoji, answer);
    expect(answer.status).toBe(413);
  });

  it.each(routes)('$path survives 300 seeded hostile payloads', async ({ path, token, valid }) => {
    const f = new Fuzzer(seedOf(path, SEED));
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const roll = f.int(10);
      const payload =
        roll < 5
          ? mutate(f, valid)
          : roll < 7
            ? randomObject(f)
            : roll < 8
              ? Array.from({ length: 1 + f.int(3) }, () => mutate(f, valid))
              : randomValue(f);
      let body = JSON.stringify(payload) ?? 'null';
      // Truncating a valid body is the commonest real-world malformation.
      if (f.chance(0.1)) body = body.slice(0, f.int(body.length));
      const answer = await post(path, token, body);
      statuses.add(answer.status);
      check(path, body, answer);
    }
    // Both paths were exercised: some hostile payloads were stored, some refused.
    expect([...statuses]).toEqual(expect.arrayContaining([202, 400]));
    assertNotPolluted();
  });

  it('still stores a good alert after all of that, and nothing was polluted', async () => {
    const before = rawCount();
    const answer = await post('/api/alert', TEST_WEBHOOK_TOKEN, JSON.stringify({ type: 'after-fuzz' }));
    expect(answer.status).toBe(202);
    expect(rawCount()).toBe(before + 1);
    // Whatever hostile input was stored must still read back through the contract.
    const list = await app.rpc('incidents.list', { limit: 500 });
    expect(list.status).toBe(200);
    const listed = list.body as Result<{ items: { id: string }[] }>;
    const items = listed.ok ? listed.value.items : [];
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) {
      const detail = await app.rpc('incidents.get', { id: item.id });
      expect(detail.status, JSON.stringify(detail.body).slice(0, 300)).toBe(200);
    }
    assertNotPolluted();
  });
});

/** Methods whose success does something heavy (network, files, config): fuzzed only with args they refuse. */
const HEAVY = new Set<string>([
  'setup.startDemo',
  'setup.finish',
  'backup.run',
  'backup.restore',
  'ai.test',
  'config.importSeed',
  'sources.test',
  'sources.pollNow',
  'channels.test',
  'whatsapp.connect',
]);

/** A JSON-able value that fails every strict request schema: an unknown key is always refused. */
function refusedArgs(f: Fuzzer): unknown {
  const roll = f.int(4);
  if (roll === 1) return Array.from({ length: f.int(3) }, () => randomValue(f, 2));
  const value = roll === 0 ? randomValue(f, 2) : randomObject(f);
  // null is a value, not "no args": every method refuses it.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out = value as Record<string, unknown>;
  out[f.pick(['__proto__', 'constructor', 'zz_unknown', '\u202e'])] = randomValue(f, 2);
  out.zz_unknown = 1;
  return out;
}

const SOURCE_KINDS = ['sentinelone', 'maxpatrol', 'deepinstinct', 'webhook'];
const CHANNEL_KINDS = ['telegram', 'teams', 'mattermost', 'email', 'whatsapp', 'desktop'];
/** Settings sections a patch may touch; `ai` and `webhook` are left out so nothing listens or calls out. */
const SECTIONS = ['ui', 'routing', 'detection', 'backup', 'sanitizer'];
const SETTING_KEYS = [
  'timeZone',
  'pin',
  'startAtLogin',
  'setupDone',
  'dedupWindowSec',
  'quietHours',
  'rules',
  'silences',
  'sshBruteForce',
  'offHours',
  'retentionDays',
  'dbSnapshotHour',
  'enabled',
  'classes',
  'allow',
];

/** A value of the same JSON type as `value`, hostile where the type allows. */
function sameType(f: Fuzzer, value: unknown): unknown {
  if (typeof value === 'string') {
    return f.pick([randomString(f), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(201), value.toUpperCase()]);
  }
  if (typeof value === 'number') return f.pick(NUMBERS);
  if (typeof value === 'boolean') return f.chance(0.5);
  return randomValue(f, 1);
}

/** Keeps every key (so the strict schema lets it through) and makes the values hostile. */
function hostileValues(f: Fuzzer, base: Record<string, unknown>, p: number): Record<string, unknown> {
  const out = bag();
  for (const [key, value] of Object.entries(base)) out[key] = f.chance(p) ? sameType(f, value) : value;
  return out;
}

/** A nested record the outer schema takes as-is: the handler's own validation is what is fuzzed. */
function hostileRecord(f: Fuzzer, base: Record<string, unknown>, extraKeys: readonly string[]) {
  const out = hostileValues(f, base, 0.3);
  if (f.chance(0.3)) out[f.pick(extraKeys)] = randomValue(f, 2);
  if (f.chance(0.2)) out[f.pick(POLLUTERS)] = pollution(f, 1);
  return out;
}

/**
 * Args shaped like the method's request with hostile values, so most get past
 * the schema and reach the handler; one in ten is mutated out of shape.
 */
function shapedArgs(f: Fuzzer, method: string, ids: readonly string[]): unknown {
  // A real incident id half the time, so the incident methods reach rows and not only not_found.
  const id = ids.length > 0 && f.chance(0.5) ? f.pick(ids) : 'inc-1';
  const sourceKind = f.pick(SOURCE_KINDS);
  const source = {
    id: 'n1',
    kind: sourceKind,
    name: 'N',
    ...(sourceKind === 'webhook' ? { token: 'tok-012345678901' } : { baseUrl: CLOSED_URL }),
    enabled: false,
  };
  const channelKind = f.pick(CHANNEL_KINDS);
  // Defaults point at public APIs; these keep every fuzzed channel on a refusing local port.
  const endpoints: Record<string, Record<string, unknown>> = {
    telegram: { apiRoot: CLOSED_URL, chatId: '1' },
    teams: { webhookUrl: CLOSED_URL },
    mattermost: { webhookUrl: CLOSED_URL },
    email: { smtp: { host: '127.0.0.1', port: 1 }, to: ['a@b.test'] },
    whatsapp: { cloudApiRoot: CLOSED_URL, bridgeUrl: CLOSED_URL },
    desktop: {},
  };
  const channel = {
    id: 'c1',
    kind: channelKind,
    name: 'C',
    minSeverity: 'low',
    ...endpoints[channelKind],
    enabled: false,
  };
  const section = bag();
  for (let i = 1 + f.int(3); i > 0; i--) section[f.pick(SETTING_KEYS)] = randomValue(f, 2);
  const query = {
    q: f.pick(['fuzz', 'host-1', '"quoted"', 'a OR b', 'NEAR(x y)', '*', 'x*']),
    severity: ['high'],
    status: ['new'],
    sourceKind: ['webhook'],
    host: 'host-1',
    from: '2020-01-01T00:00:00Z',
    sort: f.pick(['lastSeen', 'firstSeen', 'severity']),
    order: 'asc',
  };
  const base: Record<string, Record<string, unknown>> = {
    'incidents.list': { ...query, limit: 10, ...(f.chance(0.2) ? { cursor: 'c' } : {}) },
    'incidents.get': { id, masked: f.chance(0.5) },
    'incidents.setStatus': { id, status: 'closed', note: 'n' },
    'incidents.assign': { id, assignee: f.chance(0.2) ? null : 'analyst-1' },
    'incidents.bulkUpdate': { ids: [id, 'inc-2'], status: 'acknowledged', assignee: 'a', note: 'n' },
    'incidents.export': { ...query, format: f.pick(['csv', 'json']), masked: f.chance(0.5) },
    // html only: a pdf would start a browser.
    'reports.shift': {
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date().toISOString(),
      format: 'html',
      masked: f.chance(0.5),
    },
    'dashboard.stats': { hours: 24 },
    'logs.tail': { file: f.pick(['all', 'error', 'success']), levels: ['error'], q: 'x', limit: 50 },
    'sources.setEnabled': { id: 'fz', enabled: false },
    'sources.upsert': { source: hostileRecord(f, source, KEYS), create: true },
    'sources.remove': { id: 'nope' },
    'channels.upsert': { channel: hostileRecord(f, channel, KEYS), create: f.chance(0.5) },
    'channels.remove': { id: 'nope' },
    'channels.outbox': { id: 'c1', limit: 5 },
    'channels.retry': { outboxId: 1 },
    'silences.add': {
      owner: 'me',
      reason: 'r',
      minutes: 5,
      match: hostileRecord(
        f,
        { minSeverity: 'low', sources: ['fz'], hosts: ['h'], titleContains: 'x' },
        KEYS,
      ),
    },
    'silences.remove': { id: 'nope' },
    // Half the time one plausible key, so some patches pass the config schema.
    'settings.update': {
      patch: f.chance(0.5)
        ? { ui: { timeZone: f.pick(['UTC', 'Europe/Paris', 'Mars/Olympus', 'local']) } }
        : { [f.pick(SECTIONS)]: section },
    },
    'whatsapp.sessions': { channelId: 'w1' },
    'whatsapp.qr': { channelId: 'w1', session: 's' },
    'whatsapp.groups': { channelId: 'w1', session: 's', refresh: false },
    'telegram.chats': { channelId: 't1' },
    'telegram.decide': { channelId: 't1', chatId: '1', decision: 'ignored' },
    'ai.analyze': { id: 'inc-1', force: false },
  };
  const start = base[method] ?? {};
  // reports.shift stays html even when fuzzed.
  if (method === 'reports.shift') return { ...hostileValues(f, start, 0.3), format: 'html' };
  if (f.chance(0.1)) return mutate(f, start);
  const nested = new Set(['source', 'channel', 'patch', 'match']);
  const out = hostileValues(f, start, 0.3);
  for (const key of nested) if (key in start) out[key] = start[key];
  return out;
}

/** How the fuzzed calls ended, per method and code: proof that both paths were exercised. */
const outcomes = new Map<string, number>();

function checkResult(where: string, result: Result<unknown>, status?: number): void {
  const key = `${where.split(' <- ')[0]!}: ${result.ok ? 'ok' : result.error.code}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  if (result.ok) {
    if (status !== undefined) expect(status, where).toBe(200);
    return;
  }
  expect(ERROR_CODES, where).toContain(result.error.code);
  expect(result.error.code, `${where}: ${result.error.message}`).not.toBe('internal');
  expect(result.error.message.length, where).toBeGreaterThan(0);
  if (status !== undefined) expect(status, where).toBe(httpStatusFor(result.error.code));
}

describe('contract methods under fuzzing', () => {
  let app: Headless;
  let db: Database.Database;
  /** Incidents the fuzzed calls can find. */
  const ids: string[] = [];

  beforeAll(async () => {
    app = await startHeadless({
      config: {
        ai: { baseUrl: CLOSED_URL },
        sources: [{ id: 'fz', kind: 'webhook', name: 'Fuzz hook', token: HOOK_TOKEN }],
      },
    });
    db = new Database(join(app.dataDir, 'vigil.db'), { readonly: true, fileMustExist: true });
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${app.webhookUrl}/api/alert`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
        body: JSON.stringify({ type: 'fuzz', severity: 'high', target: `host-${i}`, ip: `10.0.0.${i}` }),
      });
      ids.push(((await res.json()) as { incidentId: string }).incidentId);
    }
  });
  afterAll(async () => {
    db.close();
    await app.stop();
  });

  /**
   * What a call may change: the stored rows and the config. Compared around
   * every refused call; nothing runs in the background here that writes them.
   */
  function state(): string {
    const counts = db
      .prepare(
        `SELECT (SELECT count(*) FROM incidents) AS incidents, (SELECT max(updated_at) FROM incidents) AS changed,
                (SELECT count(*) FROM raw_events) AS raw, (SELECT count(*) FROM timeline_entries) AS timeline,
                (SELECT count(*) FROM outbox) AS outbox`,
      )
      .get();
    return JSON.stringify([counts, app.core.config.get()]);
  }

  /** Runs one call and checks that a refusal left everything as it was. */
  async function refusedChangesNothing<T extends Result<unknown>>(where: string, call: () => Promise<T>) {
    const before = state();
    const result = await call();
    if (!result.ok) expect(state(), `${where}: refused, yet something changed`).toBe(before);
    return result;
  }

  async function rpcRaw(method: string, body: string) {
    const res = await fetch(`${app.url}/api/rpc/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_API_TOKEN}`, 'Content-Type': 'application/json' },
      body,
      // A hang is a failure of its own, named here rather than by the test's timeout.
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as Result<unknown> };
  }

  it('covers every method of the contract', () => {
    expect([...RPC_METHODS].sort()).toEqual([...METHOD_NAMES].sort());
  });

  it.each(RPC_METHODS)('%s answers hostile args with a Result, never internal', async (method) => {
    const f = new Fuzzer(seedOf(method, SEED));
    // An empty body means "no args", which a no-arg method accepts; so does `{}`.
    for (const body of MALFORMED.filter((b) => !['', ' ', '{}'].includes(b))) {
      const where = `${method} <- ${body.slice(0, 60)}`;
      const answer = await refusedChangesNothing(where, async () => {
        const raw = await rpcRaw(method, body);
        checkResult(where, raw.body, raw.status);
        return raw.body;
      });
      expect(answer.ok, where).toBe(false);
    }
    for (let i = 0; i < 40; i++) {
      const args = HEAVY.has(method) || f.chance(0.4) ? refusedArgs(f) : shapedArgs(f, method, ids);
      const body = JSON.stringify(args);
      const where = `${method} <- ${body.slice(0, 200)}`;
      const answer = await refusedChangesNothing(where, async () => {
        const raw = await rpcRaw(method, body);
        checkResult(where, raw.body, raw.status);
        return raw.body;
      });
      if (HEAVY.has(method)) expect(answer.ok, where).toBe(false);
    }
    assertNotPolluted();
  });

  it('reached the handlers, not only the schemas, and still answers a good call afterwards', async () => {
    // Both successes and handler refusals occurred.
    const reached = [...outcomes].filter(([key]) => !key.endsWith('bad_request'));
    expect(reached.reduce((n, [, count]) => n + count, 0)).toBeGreaterThan(100);
    for (const method of [
      'sources.upsert',
      'channels.upsert',
      'incidents.list',
      'incidents.get',
      'incidents.setStatus',
      'settings.update',
      'silences.add',
      'webhook.revealToken',
      'incidents.assign',
      'incidents.bulkUpdate',
      'incidents.export',
      'reports.shift',
      'dashboard.stats',
      'logs.tail',
    ]) {
      expect(outcomes.get(`${method}: ok`), `${method} never succeeded`).toBeGreaterThan(0);
    }
    expect(outcomes.get('incidents.get: not_found')).toBeGreaterThan(0);
    // Every method that may succeed got past its schema at least once.
    const reachedMethods = new Set(reached.map(([key]) => key.split(':')[0]!));
    expect(RPC_METHODS.filter((m) => !HEAVY.has(m) && !reachedMethods.has(m))).toEqual([]);
    const status = await app.rpc('system.status');
    expect(status.status).toBe(200);
    expect((status.body as Result<unknown>).ok).toBe(true);
    assertNotPolluted();
  });

  describe('through the Electron IPC registry', () => {
    const rendererDir = resolve('/opt/vigil/out/renderer');
    const appUrl = pathToFileURL(join(rendererDir, 'index.html')).href;
    const trusted: InvokeEventLike = { senderFrame: { url: appUrl, parent: null } };
    const foreign: InvokeEventLike[] = [
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: appUrl, parent: { url: appUrl } } },
      { senderFrame: null },
      {},
    ];

    function setup() {
      const handlers = new Map<string, InvokeListener>();
      const calls: { method: string; args: unknown }[] = [];
      const logger = recordingLogger();
      registerContract({
        ipcMain: {
          handle: (channel, listener) => handlers.set(channel, listener),
          removeHandler: (channel) => handlers.delete(channel),
        },
        dispatch: (method, args, ctx) => {
          calls.push({ method, args });
          return app.core.dispatch(method, args, ctx);
        },
        isTrustedSender: trustedSenderCheck(createAppOrigin(undefined, rendererDir)),
        logger,
        actor: 'fuzzer',
      });
      return { handlers, calls, logger };
    }

    /** Structured-clone values a renderer can send that JSON never carries. */
    function cloneOnly(f: Fuzzer): unknown {
      return f.pick<unknown>([
        Number.NaN,
        Number.POSITIVE_INFINITY,
        10n ** 30n,
        new Date(Number.NaN),
        new Map([['id', 'x']]),
        new Set(['x']),
        new Uint8Array([1, 2, 3]),
        undefined,
        [undefined],
      ]);
    }

    it('hands trusted hostile args only to the validating dispatcher', async () => {
      const { handlers, calls, logger } = setup();
      let sent = 0;
      for (const method of RPC_METHODS) {
        const f = new Fuzzer(seedOf(`ipc ${method}`, SEED));
        const handler = handlers.get(rpcChannel(method))!;
        for (let i = 0; i < 15; i++) {
          let args: unknown;
          if (HEAVY.has(method)) {
            args = refusedArgs(f);
            if (f.chance(0.3) && args && typeof args === 'object') {
              (args as Record<string, unknown>).zz_clone = cloneOnly(f);
            }
          } else {
            args = f.chance(0.5) ? shapedArgs(f, method, ids) : refusedArgs(f);
            if (f.chance(0.3) && args && typeof args === 'object') {
              (args as Record<string, unknown>)[f.pick(KEYS)] = cloneOnly(f);
            }
          }
          const result = await refusedChangesNothing(`ipc ${method}`, () => handler(trusted, args));
          sent++;
          checkResult(`ipc ${method}`, result);
          if (HEAVY.has(method)) expect(result.ok, `ipc ${method}`).toBe(false);
        }
      }
      expect(calls).toHaveLength(sent);
      expect(logger.errors).toEqual([]);
      assertNotPolluted();
    });

    it('refuses args nested deeper than the limit before dispatch, on every method', async () => {
      const { handlers, calls } = setup();
      let deep: unknown = 1;
      for (let i = 0; i < 10_000; i++) deep = i % 2 ? [deep] : { a: deep };
      for (const method of RPC_METHODS) {
        const handler = handlers.get(rpcChannel(method))!;
        for (const args of [deep, { document: deep }, { source: { id: 'x', nested: deep } }]) {
          const result = await handler(trusted, args);
          expect(result, `ipc ${method}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
        }
      }
      expect(calls).toEqual([]);
    });

    it('refuses every foreign frame before dispatch, whatever the args', async () => {
      const { handlers, calls } = setup();
      for (const method of RPC_METHODS) {
        const f = new Fuzzer(seedOf(`foreign ${method}`, SEED));
        const handler = handlers.get(rpcChannel(method))!;
        for (const event of foreign) {
          const result = await handler(event, f.chance(0.5) ? {} : shapedArgs(f, method, ids));
          expect(result, `ipc ${method}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        }
      }
      expect(calls).toEqual([]);
    });
  });
});
