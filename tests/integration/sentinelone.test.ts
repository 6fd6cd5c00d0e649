/**
 * SentinelOne end to end against a fake Management API v2.1 on 127.0.0.1
 * (tests/helpers/fake-sentinelone.ts, serving the recorded payloads): the
 * client on its own, then polling and `POST /send/alert` through the real
 * headless core with a configured source. Polls are driven with
 * `sources.pollNow`; the poll interval is an hour so nothing runs on its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Incident } from '../../shared/domain';
import type { IncidentDetail, MethodResponse, SourceView } from '../../shared/ipc/contract';
import { ManualClock } from '../../electron/core/clock';
import { silentLogger } from '../../electron/core/logger';
import { dataPaths } from '../../electron/core/paths';
import { SourceError } from '../../electron/core/sources/source-error';
import type { VendorContext, VendorDeps } from '../../electron/core/sources/vendor-client';
import { createSentinelOneClient, fetchThreatsByIds } from '../../electron/core/sources/vendors/sentinelone';
import type { FakeSentinelOne, Json } from '../helpers/fake-sentinelone';
import {
  fixtureAlert,
  fixtureThreats,
  makeThreat,
  s1Fixture,
  stampAlert,
  stampThreat,
  startFakeSentinelOne,
} from '../helpers/fake-sentinelone';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

const UNRESOLVED_ID = '1234567890123456789';
const DAY_MS = 24 * 60 * 60_000;

/** SentinelOne writes six fractional digits. */
function s1Time(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '123Z');
}

/** Strictly increasing vendor timestamps inside the first poll's 24 h lookback. */
function stamps(): () => string {
  let at = Date.now() - 2 * 60 * 60_000;
  return () => s1Time((at += 1000));
}

async function call<M extends string>(app: Headless, method: M, args: unknown = {}) {
  const res = await app.rpc(method, args);
  const body = res.body as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${method} failed: ${body.error?.message}`);
  return body.value as M extends keyof MethodResponseMap ? MethodResponseMap[M] : unknown;
}

interface MethodResponseMap {
  'incidents.list': MethodResponse<'incidents.list'>;
  'incidents.get': IncidentDetail;
  'sources.list': SourceView[];
  'sources.pollNow': MethodResponse<'sources.pollNow'>;
  'sources.test': MethodResponse<'sources.test'>;
}

async function listIncidents(app: Headless) {
  return (await call(app, 'incidents.list', { limit: 500 })).items;
}

async function incidentTitled(app: Headless, title: string): Promise<IncidentDetail> {
  const item = (await listIncidents(app)).find((i) => i.title === title);
  if (!item) throw new Error(`no incident titled ${title}`);
  return call(app, 'incidents.get', { id: item.id });
}

async function health(app: Headless, id = 's1') {
  const view = (await call(app, 'sources.list')).find((s) => s.id === id);
  if (!view) throw new Error(`no source ${id}`);
  return view.health;
}

/** Raw events stored, read from the core's own database file. */
function rawEventCount(app: Headless): number {
  const db = new Database(dataPaths(app.dataDir).db, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM raw_events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function sourceConfig(fake: FakeSentinelOne, extra: Record<string, unknown> = {}) {
  return {
    id: 's1',
    kind: 'sentinelone' as const,
    name: 'S1',
    baseUrl: fake.url,
    apiToken: 'tok',
    pollIntervalSec: 3600,
    ...extra,
  };
}

describe('the client on its own', () => {
  let fake: FakeSentinelOne;
  const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
  const ctx = (): VendorContext => ({ signal: AbortSignal.timeout(5000), clock, logger: silentLogger });
  const deps = (token: string | undefined = 'tok'): VendorDeps => ({
    secret: (value) => (value === undefined ? undefined : token),
    ref: { kind: 'sentinelone', id: 'c1', name: 'Client' },
    timeZone: 'UTC',
  });
  const source = (extra: Record<string, unknown> = {}) => ({
    id: 'c1',
    kind: 'sentinelone' as const,
    name: 'Client',
    enabled: true,
    pollIntervalSec: 60,
    baseUrl: `${fake.url}/web/api/v2.1/`,
    apiToken: 'secret:c1',
    pollAlerts: true,
    verifyTls: true,
    ...extra,
  });

  beforeAll(async () => {
    fake = await startFakeSentinelOne({
      threats: [stampThreat(s1Fixture('threat_v21_unresolved.json'), '2026-03-01T11:00:00.000001Z')],
      alerts: [stampAlert(fixtureAlert(), '2026-03-01T11:30:00.000000Z')],
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('starts 24 h back on the first poll, sends ApiToken, and accepts a base URL ending in /web/api/v2.1/', async () => {
    const page = await createSentinelOneClient(source(), deps()).poll(null, ctx());
    const threatsRequest = fake.requestsTo('/threats').at(-1)!;
    expect(threatsRequest.authorization).toBe('ApiToken tok');
    expect(Object.fromEntries(threatsRequest.query)).toEqual({
      limit: '100',
      sortBy: 'updatedAt',
      sortOrder: 'asc',
      updatedAt__gt: '2026-02-28T12:00:00.000Z',
    });
    expect(fake.requestsTo('/cloud-detection/alerts').at(-1)!.query.get('createdAt__gt')).toBe(
      '2026-02-28T12:00:00.000Z',
    );
    expect(page.more).toBe(false);
    expect(page.events.map((e) => [e.dedupKey, e.route, e.via])).toEqual([
      [`${UNRESOLVED_ID}@2026-03-01T11:00:00.000001Z`, 'GET /web/api/v2.1/threats', 'poller'],
      [
        '1985998272619999973@2026-03-01T11:30:00.000000Z',
        'GET /web/api/v2.1/cloud-detection/alerts',
        'poller',
      ],
    ]);
    expect(page.events[0]!.incident?.consoleUrl).toBe(
      `${fake.url}/incidents/threats/${UNRESOLVED_ID}/overview`,
    );
    expect(JSON.parse(page.cursor!)).toMatchObject({
      threatsUpdatedAt: '2026-03-01T11:00:00.000001Z',
      threatsPageCursor: null,
      alertsCreatedAt: '2026-03-01T11:30:00.000000Z',
      alertsPageCursor: null,
    });

    // The watermark is exclusive and microsecond-exact: the same threat is not listed again.
    const again = await createSentinelOneClient(source(), deps()).poll(page.cursor, ctx());
    expect(again.events).toEqual([]);
    expect(fake.requestsTo('/threats').at(-1)!.query.get('updatedAt__gt')).toBe(
      '2026-03-01T11:00:00.000001Z',
    );
  });

  it('polls no alerts when the source says so', async () => {
    const before = fake.requestsTo('/cloud-detection/alerts').length;
    const page = await createSentinelOneClient(source({ pollAlerts: false }), deps()).poll(null, ctx());
    expect(page.events).toHaveLength(1);
    expect(fake.requestsTo('/cloud-detection/alerts')).toHaveLength(before);
  });

  it('says to set the API token when there is none, without calling the console', async () => {
    const before = fake.requests.length;
    const error = await createSentinelOneClient(source({ apiToken: undefined }), deps(undefined))
      .poll(null, ctx())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('set the API token') as string,
    });
    expect(fake.requests).toHaveLength(before);
  });

  it('refuses an answer without a data list as malformed', async () => {
    fake.failNext({ kind: 'json', body: { result: [] } });
    const error = await createSentinelOneClient(source(), deps())
      .poll(null, ctx())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'malformed' });
    expect((error as Error).message).toMatch(
      /threats: expected SentinelOne's \{"data": \[\.\.\.\]\} list, got an object without a "data" list \(keys: result\)/,
    );
  });

  it('names the alerts listing and the way out when only alerts are refused', async () => {
    // The threats request passes; the alerts request gets the 403.
    fake.failNext({ kind: 'delay', ms: 0 });
    fake.failNext({ kind: 'status', status: 403 });
    const error = await createSentinelOneClient(source(), deps())
      .poll(null, ctx())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error).message).toMatch(/^cloud-detection alerts: .*HTTP 403.*turn off "poll alerts"/);
  });

  it('fetches threats by id with the same dedup keys as a poll', async () => {
    const inputs = await fetchThreatsByIds(source(), deps(), [UNRESOLVED_ID, '999'], ctx());
    expect(fake.requestsTo('/threats').at(-1)!.query.get('ids')).toBe(`${UNRESOLVED_ID},999`);
    expect(inputs.map((i) => i.dedupKey)).toEqual([`${UNRESOLVED_ID}@2026-03-01T11:00:00.000001Z`]);
  });

  it('restarts from the lookback when the stored cursor is unreadable', async () => {
    await createSentinelOneClient(source({ pollAlerts: false }), deps()).poll('{not json', ctx());
    expect(fake.requestsTo('/threats').at(-1)!.query.get('updatedAt__gt')).toBe('2026-02-28T12:00:00.000Z');
  });
});

describe('polling through the headless core', () => {
  let fake: FakeSentinelOne;
  let app: Headless;
  const stamp = stamps();
  const threats = fixtureThreats().map((t) => stampThreat(t, stamp()));
  const alert = stampAlert(fixtureAlert(), stamp());
  const unresolvedTitle = 'default.exe on test-LINUX';

  beforeAll(async () => {
    fake = await startFakeSentinelOne({ threats, alerts: [alert] });
    app = await startHeadless({
      config: { sources: [sourceConfig(fake, { baseUrl: `${fake.url}/web/api/v2.1` })] },
    });
    await waitFor('the first poll', async () => (await health(app)).lastSuccess !== null);
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('stores the recorded threats and the STAR alert as incidents on the first poll', async () => {
    const items = await listIncidents(app);
    expect(items.map((i) => i.title).sort()).toEqual([
      'Ncat Netcat Portable - CHIP-Installer.exe on EC2AMAZ-AJ0KANC',
      'Unconfirmed 123490.crdownload on EC2AMAZ-AJ0KANC',
      'default.exe on test-LINUX',
      'test5 on srv-win1',
    ]);
    expect(rawEventCount(app)).toBe(4);

    const detail = await incidentTitled(app, unresolvedTitle);
    expect(detail.incident).toMatchObject({
      fingerprint: `sentinelone|threat|${UNRESOLVED_ID}`,
      source: { kind: 'sentinelone', id: 's1', name: 'S1' },
      vendorId: UNRESOLVED_ID,
      consoleUrl: `${fake.url}/incidents/threats/${UNRESOLVED_ID}/overview`,
      severity: 'critical',
      status: 'new',
      category: 'Trojan',
      vendorStatus: 'unresolved',
      firstSeen: '2022-04-06T08:45:54.519Z',
      count: 1,
    } satisfies Partial<Incident>);
    expect(detail.incident.entities).toMatchObject({
      hosts: ['test-LINUX'],
      users: ['test user'],
      ips: ['10.0.0.1', '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6', '81.2.69.143'],
      files: [{ path: 'default.exe', sha1: 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d' }],
    });
    expect(detail.events).toHaveLength(1);
    expect(JSON.parse(detail.events[0]!.body)).toEqual(threats[2]);
    expect(detail.timeline[0]).toMatchObject({ action: 'created', via: 'poller' });

    const star = await incidentTitled(app, 'test5 on srv-win1');
    expect(star.incident).toMatchObject({
      severity: 'critical',
      fingerprint: 'sentinelone|alert|1985998272619999973',
    });

    const first = fake.requestsTo('/threats')[0]!;
    expect(first.authorization).toBe('ApiToken tok');
    const since = Date.parse(first.query.get('updatedAt__gt')!);
    expect(Date.now() - DAY_MS - since).toBeGreaterThanOrEqual(0);
    expect(Date.now() - DAY_MS - since).toBeLessThan(60_000);
  });

  it('picks up only new and updated threats on the next poll', async () => {
    const requestsBefore = fake.requestsTo('/threats').length;
    const updated = stampThreat(structuredClone(threats[2]!), stamp());
    (updated.threatInfo as Json).incidentStatus = 'resolved';
    (updated.threatInfo as Json).mitigationStatus = 'mitigated';
    fake.addThreats(updated, makeThreat('9000000000000000001', stamp(), 'fresh.exe'));

    const outcome = await call(app, 'sources.pollNow', { id: 's1' });
    expect(outcome).toMatchObject({ ok: true, events: 2 });
    // The next listing starts after the last threat the first poll saw.
    expect(fake.requestsTo('/threats')[requestsBefore]!.query.get('updatedAt__gt')).toBe(
      (threats[2]!.threatInfo as Json).updatedAt,
    );
    expect(await listIncidents(app)).toHaveLength(5);
    expect(rawEventCount(app)).toBe(6);
    const detail = await incidentTitled(app, unresolvedTitle);
    expect(detail.incident).toMatchObject({ count: 2, vendorStatus: 'resolved', severity: 'critical' });
    expect(detail.events).toHaveLength(2);
    await incidentTitled(app, 'fresh.exe on test-LINUX');

    expect(await call(app, 'sources.pollNow', { id: 's1' })).toMatchObject({ ok: true, events: 0 });
    expect(rawEventCount(app)).toBe(6);
  });

  it('follows the page cursor through a large backlog and stores each threat once', async () => {
    const before = fake.requestsTo('/threats').length;
    const backlog = Array.from({ length: 250 }, (_, i) =>
      makeThreat(`80000000000${String(i).padStart(8, '0')}`, stamp()),
    );
    fake.addThreats(...backlog);

    expect(await call(app, 'sources.pollNow', { id: 's1' })).toMatchObject({ ok: true, events: 250 });
    const pages = fake.requestsTo('/threats').slice(before);
    expect(pages).toHaveLength(3);
    expect(pages[0]!.query.get('cursor')).toBeNull();
    expect(pages[1]!.query.get('cursor')).toBeTruthy();
    expect(pages[2]!.query.get('cursor')).toBeTruthy();
    // The bound holds still while paging; the vendor cursor moves.
    expect(new Set(pages.map((p) => p.query.get('updatedAt__gt'))).size).toBe(1);
    expect(await listIncidents(app)).toHaveLength(255);
    expect(rawEventCount(app)).toBe(256);

    expect(await call(app, 'sources.pollNow', { id: 's1' })).toMatchObject({ ok: true, events: 0 });
    expect(fake.requestsTo('/threats').at(-1)!.query.get('updatedAt__gt')).toBe(
      (backlog[249]!.threatInfo as Json).updatedAt,
    );
    expect(rawEventCount(app)).toBe(256);
  });

  it('shows a 401 as an auth error in the health and recovers once the token is accepted again', async () => {
    fake.setToken('rotated-token');
    const failed = await call(app, 'sources.pollNow', { id: 's1' });
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/threats: HTTP 401 — Authentication failed.*check the API token/);
    const bad = await health(app);
    expect(bad).toMatchObject({ state: 'error', consecutiveFailures: 1, lastError: failed.message });

    fake.setToken('tok');
    fake.addThreats(makeThreat('9000000000000000002', stamp(), 'after-401.exe'));
    expect(await call(app, 'sources.pollNow', { id: 's1' })).toMatchObject({ ok: true, events: 1 });
    expect(await health(app)).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    await incidentTitled(app, 'after-401.exe on test-LINUX');
  });

  it('waits out a 429 for at least its Retry-After', async () => {
    fake.failNext({ kind: 'rate_limit', retryAfterSec: 120 });
    const before = Date.now();
    const failed = await call(app, 'sources.pollNow', { id: 's1' });
    expect(failed).toMatchObject({ ok: false });
    expect(failed.message).toMatch(/HTTP 429 — The requests are being throttled/);
    const throttled = await health(app);
    expect(throttled.state).toBe('error');
    expect(Date.parse(throttled.nextRun!)).toBeGreaterThanOrEqual(before + 120_000);
    expect(Date.parse(throttled.nextRun!)).toBeLessThan(Date.now() + 121_000);

    expect(await call(app, 'sources.pollNow', { id: 's1' })).toMatchObject({ ok: true });
    expect((await health(app)).state).toBe('ok');
  });

  it('stores nothing from an HTML page, truncated JSON or a wrong envelope, and keeps polling', async () => {
    fake.addThreats(makeThreat('9000000000000000003', stamp(), 'behind-the-errors.exe'));
    const stored = rawEventCount(app);
    const cases: [Parameters<FakeSentinelOne['failNext']>[0], RegExp][] = [
      [{ kind: 'html' }, /threats: expected JSON, got an HTML page$/],
      [{ kind: 'html', status: 502 }, /threats: expected JSON, got an HTML page \(HTTP 502\)$/],
      [{ kind: 'truncated' }, /threats: expected JSON, got invalid or cut-off JSON$/],
      [{ kind: 'json', body: { errors: [], data: null } }, /got an object without a "data" list/],
    ];
    for (const [failure, message] of cases) {
      fake.failNext(failure);
      const outcome = await call(app, 'sources.pollNow', { id: 's1' });
      expect(outcome.ok).toBe(false);
      expect(outcome.message).toMatch(message);
      const state = await health(app);
      expect(state).toMatchObject({ state: 'error', lastError: outcome.message });
      expect(state.nextRun).not.toBeNull();
      expect(rawEventCount(app)).toBe(stored);
    }
    expect(await call(app, 'sources.pollNow', { id: 's1' })).toMatchObject({ ok: true, events: 1 });
    expect(rawEventCount(app)).toBe(stored + 1);
  });

  it('tests the connection: ok with counts, failing with the reason', async () => {
    const port = new URL(fake.url).port;
    const ok = await call(app, 'sources.test', { id: 's1' });
    expect(ok).toMatchObject({
      ok: true,
      message: `connected to 127.0.0.1:${port}: 256 threats visible, 1 cloud-detection alert`,
    });
    fake.setToken('someone-else');
    const failing = await call(app, 'sources.test', { id: 's1' });
    expect(failing.ok).toBe(false);
    expect(failing.message).toMatch(/HTTP 401/);
    fake.setToken('tok');
  });
});

describe('POST /send/alert with a SentinelOne source', () => {
  let fake: FakeSentinelOne;
  let app: Headless;
  // Recorded timestamps (2019-2022) are outside the first poll's lookback, so only the webhook brings these in.
  const notifiedId = '5550000000000000001';

  async function post(body: unknown, token: string | null = TEST_WEBHOOK_TOKEN) {
    const res = await fetch(`${app.webhookUrl}/send/alert`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const log = () => readFileSync(join(dataPaths(app.dataDir).logs, 'all.log'), 'utf8');
  /** Fetches after a notification that ended with an ingest (each logs one line). */
  const fetchOutcomes = () => log().split('fetched notified threats').length - 1;

  beforeAll(async () => {
    fake = await startFakeSentinelOne({
      threats: [...fixtureThreats(), makeThreat(notifiedId, '2022-05-01T00:00:00.000000Z', 'notified.exe')],
    });
    app = await startHeadless({ config: { sources: [sourceConfig(fake)] } });
    await waitFor('the first poll', async () => (await health(app)).lastSuccess !== null);
    expect(rawEventCount(app)).toBe(0);
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('ingests a single full threat with its raw body, and a repeat once', async () => {
    const raw = readFileSync(
      join(import.meta.dirname, '..', 'fixtures', 'sentinelone', 'threat_v21_unresolved.json'),
      'utf8',
    );
    const first = await post(raw);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ duplicate: false });
    const detail = await call(app, 'incidents.get', { id: first.body.incidentId });
    expect(detail.incident).toMatchObject({
      title: 'default.exe on test-LINUX',
      source: { kind: 'sentinelone', id: 's1' },
      consoleUrl: `${fake.url}/incidents/threats/${UNRESOLVED_ID}/overview`,
      severity: 'critical',
    });
    expect(detail.events.map((e) => e.body)).toEqual([raw]);
    expect(detail.timeline[0]).toMatchObject({ via: 'webhook', detail: 'received through /send/alert' });

    const again = await post(raw);
    expect(again.body).toMatchObject({
      id: first.body.id,
      incidentId: first.body.incidentId,
      duplicate: true,
    });
    expect(rawEventCount(app)).toBe(1);
  });

  it('ingests an array of threats and {data: [...]} of alerts', async () => {
    const array = await post(fixtureThreats().slice(0, 2));
    expect(array.status).toBe(202);
    const results = array.body.results as { incidentId: string; duplicate: boolean }[];
    expect(results).toHaveLength(2);
    expect(results.every((r) => !r.duplicate && r.incidentId.startsWith('inc_'))).toBe(true);

    const wrapped = await post({ data: [fixtureAlert()] });
    expect(wrapped.status).toBe(202);
    expect(wrapped.body.results).toHaveLength(1);
    const star = await incidentTitled(app, 'test5 on srv-win1');
    expect(star.incident.severity).toBe('critical');
    expect(JSON.parse(star.events[0]!.body)).toEqual(fixtureAlert());
    expect(rawEventCount(app)).toBe(4);
  });

  it('stores an ids-only notification, answers at once, then fetches and ingests the full threat', async () => {
    const notification = { threatId: notifiedId, event: 'new_threat' };
    // The console answers slowly: the 202 must not wait for it.
    fake.failNext({ kind: 'delay', ms: 400 });
    const started = Date.now();
    const posted = await post(notification);
    expect(Date.now() - started).toBeLessThan(300);
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ incidentId: null, duplicate: false });
    expect((await listIncidents(app)).some((i) => i.title === 'notified.exe on test-LINUX')).toBe(false);

    await waitFor('the fetch by id', () =>
      fake.requestsTo('/threats').some((r) => r.query.get('ids') === notifiedId && r.status === 200),
    );
    await waitFor('the fetched threat to become an incident', async () =>
      (await listIncidents(app)).some((i) => i.title === 'notified.exe on test-LINUX'),
    );
    const detail = await incidentTitled(app, 'notified.exe on test-LINUX');
    expect(detail.incident).toMatchObject({ vendorId: notifiedId, count: 1, source: { id: 's1' } });
    expect(detail.events).toHaveLength(1);
    expect(rawEventCount(app)).toBe(6);

    // The same notification again (and its fetch), then the full threat posted: no raw event more.
    expect(fetchOutcomes()).toBe(1);
    expect((await post(notification)).body).toMatchObject({ duplicate: true });
    await waitFor('the second fetch to be ingested', () => fetchOutcomes() === 2);
    const full = makeThreat(notifiedId, '2022-05-01T00:00:00.000000Z', 'notified.exe');
    expect((await post(full)).body).toMatchObject({ incidentId: detail.incident.id, duplicate: true });
    expect(rawEventCount(app)).toBe(6);
    expect((await incidentTitled(app, 'notified.exe on test-LINUX')).events).toHaveLength(1);
  });

  it('still answers 202 when the fetch fails, and logs why', async () => {
    fake.failNext({ kind: 'status', status: 500 });
    const posted = await post({ ids: ['5550000000000000999'] });
    expect(posted.status).toBe(202);
    await waitFor('the failure in the log', () => log().includes('fetching notified threats failed'));
    // The listener keeps serving.
    expect((await post({ threatId: '1' })).status).toBe(202);
  });

  it('refuses what is not a SentinelOne body, with a reason', async () => {
    const stored = rawEventCount(app);
    expect(await post('"just text"')).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining('got a JSON string') as string } },
    });
    expect(await post([])).toMatchObject({
      status: 400,
      body: { error: { message: 'the body holds no threats or alerts' } },
    });
    expect(await post([fixtureAlert(), 5])).toMatchObject({
      status: 400,
      body: { error: { message: 'item 1 is not an object' } },
    });
    expect((await post(fixtureAlert(), null)).status).toBe(401);
    expect((await post(fixtureAlert(), 'wrong-token')).status).toBe(401);
    expect(rawEventCount(app)).toBe(stored);
  });
});

describe('POST /send/alert without a SentinelOne source', () => {
  let app: Headless;

  beforeAll(async () => {
    app = await startHeadless();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('stores full threats under the route and summaries as they came', async () => {
    const posted = await fetch(`${app.webhookUrl}/send/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
      body: JSON.stringify(s1Fixture('threat_v21_unresolved.json')),
    });
    expect(posted.status).toBe(202);
    const threat = await incidentTitled(app, 'default.exe on test-LINUX');
    expect(threat.incident).toMatchObject({
      source: { kind: 'sentinelone', id: 'send-alert' },
      consoleUrl: null,
    });

    const summary = await fetch(`${app.webhookUrl}/send/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
      body: JSON.stringify({
        threatId: '777',
        threatName: 'mimikatz.exe',
        computerName: 'ws-7',
        confidenceLevel: 'malicious',
      }),
    });
    const body = (await summary.json()) as { incidentId: string };
    expect(summary.status).toBe(202);
    const detail = await call(app, 'incidents.get', { id: body.incidentId });
    expect(detail.incident).toMatchObject({
      title: 'mimikatz.exe on ws-7',
      fingerprint: 'sentinelone|threat|777',
      severity: 'high',
    });
    expect(rawEventCount(app)).toBe(2);
  });
});
