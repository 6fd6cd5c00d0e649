/**
 * Deep Instinct ingestion end to end: the real headless core polls a fake
 * Deep Instinct console on 127.0.0.1 (recorded payloads), stores incidents,
 * keeps its cursor, and reports every failure in the source's health.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { ConfigInput } from '../../shared/config';
import type { Incident, IncidentListItem, SourceHealth } from '../../shared/domain';
import type { IncidentDetail, MethodResponse } from '../../shared/ipc/contract';
import { FakeDeepInstinct } from '../helpers/fake-deepinstinct';
import type { Headless } from '../helpers/headless';
import { startHeadless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';

const SOURCE_ID = 'di';
const HOST_1 = 'Mock_2020-04-09 17:49:39.408405_1';
const HOST_2 = 'Mock_2020-04-09 17:49:41.170765_1';
const HASH_1 = 'd1838b541ff7ffe6489d120d89dfa855665fd2c708491f336c7267069387053f';
const HASH_2 = 'edf34902ff17838b4bc709ff15b5265dd49f652ee75a1adf69df9ae5bc52f960';

type SourceInput = NonNullable<ConfigInput['sources']>[number];

function diSource(
  fake: FakeDeepInstinct,
  fields: Partial<Extract<SourceInput, { kind: 'deepinstinct' }>> = {},
) {
  return {
    id: SOURCE_ID,
    kind: 'deepinstinct' as const,
    name: 'Deep Instinct',
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    // Long enough that only the start-up poll and pollNow ever run during a test.
    pollIntervalSec: 3600,
    pollSuspicious: false,
    ...fields,
  };
}

function start(sources: SourceInput[], dataDir?: string): Promise<Headless> {
  return startHeadless({ config: { sources }, ...(dataDir ? { dataDir } : {}) });
}

async function call<M extends string>(app: Headless, method: M, args: unknown = {}): Promise<unknown> {
  const res = await app.rpc(method, args);
  const body = res.body as { ok: boolean; value?: unknown; error?: unknown };
  if (res.status !== 200 || !body.ok) throw new Error(`${method}: ${res.status} ${JSON.stringify(body)}`);
  return body.value;
}

function pollNow(app: Headless, id = SOURCE_ID) {
  return call(app, 'sources.pollNow', { id }) as Promise<MethodResponse<'sources.pollNow'>>;
}

function testSource(app: Headless, id = SOURCE_ID) {
  return call(app, 'sources.test', { id }) as Promise<MethodResponse<'sources.test'>>;
}

async function health(app: Headless, id = SOURCE_ID): Promise<SourceHealth> {
  const sources = (await call(app, 'sources.list')) as MethodResponse<'sources.list'>;
  return sources.find((s) => s.id === id)!.health;
}

async function listIncidents(app: Headless): Promise<IncidentListItem[]> {
  const page = (await call(app, 'incidents.list', {
    limit: 500,
    sourceKind: ['deepinstinct'],
  })) as MethodResponse<'incidents.list'>;
  return page.items;
}

async function details(app: Headless): Promise<IncidentDetail[]> {
  const items = await listIncidents(app);
  return Promise.all(
    items.map(async (item) => (await call(app, 'incidents.get', { id: item.id })) as IncidentDetail),
  );
}

async function byVendorId(app: Headless): Promise<Map<string, Incident & { raw: string[] }>> {
  const all = await details(app);
  return new Map(
    all.map((d) => [
      `${d.incident.tags.includes('suspicious') ? 'suspicious:' : ''}${d.incident.vendorId}`,
      { ...d.incident, raw: d.events.map((e) => e.body) },
    ]),
  );
}

/**
 * Waits for the poll the source runs on start to finish (succeeded or failed
 * after `since`, for a restarted core whose health survived), so later polls
 * are ours alone.
 */
async function settled(app: Headless, since = '', id = SOURCE_ID): Promise<SourceHealth> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const current = await health(app, id);
    if ((current.lastSuccess ?? '') > since || (current.lastErrorAt ?? '') > since) return current;
    if (Date.now() > deadline) throw new Error(`source ${id} never finished its first poll`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function afterIds(fake: FakeDeepInstinct, path: string): string[] {
  return fake.requestsTo(path).map((r) => r.query.after_event_id ?? '');
}

describe('Deep Instinct polling', () => {
  let fake: FakeDeepInstinct;
  let app: Headless;

  beforeAll(async () => {
    fake = await FakeDeepInstinct.start();
    app = await start([diSource(fake)]);
    await settled(app);
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('stores every fixture event on the first poll, with device, file, hash and path', async () => {
    const incidents = await byVendorId(app);
    expect([...incidents.keys()].sort()).toEqual(['1', '2']);

    const first = incidents.get('1')!;
    expect(first).toMatchObject({
      fingerprint: 'deepinstinct|1',
      source: { kind: 'deepinstinct', id: SOURCE_ID, name: 'Deep Instinct' },
      title: `Malicious file blocked: file.exe on ${HOST_1}`,
      severity: 'medium',
      status: 'new',
      category: 'STATIC_ANALYSIS',
      vendorStatus: 'CLOSED',
      firstSeen: '2020-04-09T14:49:41.170Z',
      tags: ['deepinstinct', 'STATIC_ANALYSIS'],
    });
    expect(first.entities).toMatchObject({
      hosts: [HOST_1],
      ips: ['192.168.88.80'],
      files: [{ path: 'c:\\temp\\file.exe', sha256: HASH_1 }],
    });
    expect(first.description).toContain('Status: CLOSED (CLOSED_BY_ADMIN');
    expect(JSON.parse(first.raw[0]!)).toMatchObject({ id: 1, file_hash: HASH_1, path: 'c:\\temp\\file.exe' });

    // Device 2 is unknown to the console (404): the recorded snapshot still names the host.
    const second = incidents.get('2')!;
    expect(second).toMatchObject({
      title: `Malicious file blocked: file2.exe on ${HOST_2}`,
      vendorStatus: 'OPEN',
      firstSeen: '2020-04-09T14:49:41.810Z',
    });
    expect(second.entities).toMatchObject({
      hosts: [HOST_2],
      ips: [],
      files: [{ path: 'c:\\temp\\file2.exe', sha256: HASH_2 }],
    });

    expect(afterIds(fake, '/api/v1/events/')).toEqual(['0', '2']);
    expect(fake.requestsTo('/api/v1/devices/').map((r) => r.path)).toEqual([
      '/api/v1/devices/1',
      '/api/v1/devices/2',
    ]);
    // The key goes raw in Authorization (no Bearer), and suspicious events are off for this source.
    expect(new Set(fake.requests.map((r) => r.authorization))).toEqual(new Set([fake.apiKey]));
    expect(fake.requestsTo('/api/v1/suspicious-events/')).toEqual([]);
    expect(await health(app)).toMatchObject({ state: 'ok', eventsTotal: 2, consecutiveFailures: 0 });
  });

  it('fetches only events after the stored id on the next poll, using the device cache', async () => {
    fake.requests.length = 0;
    fake.addEvent({ device_id: 1, path: 'c:\\users\\ann\\invoice.docm', file_hash: 'ab'.repeat(32) });
    const outcome = await pollNow(app);
    expect(outcome).toMatchObject({ ok: true, events: 1 });
    expect(afterIds(fake, '/api/v1/events/')).toEqual(['2', '3']);
    expect(fake.requestsTo('/api/v1/devices/')).toEqual([]);

    const incidents = await byVendorId(app);
    expect(incidents.size).toBe(3);
    expect(incidents.get('3')).toMatchObject({
      title: `Malicious file blocked: invoice.docm on ${HOST_1}`,
      entities: {
        ips: ['192.168.88.80'],
        files: [{ path: 'c:\\users\\ann\\invoice.docm', sha256: 'ab'.repeat(32) }],
      },
    });

    const again = await pollNow(app);
    expect(again).toMatchObject({ ok: true, events: 0 });
    expect((await listIncidents(app)).length).toBe(3);
  });

  it('maps each Deep Instinct severity', async () => {
    const levels = ['VERY_HIGH', 'HIGH', 'MODERATE', 'LOW', 'VERY_LOW'];
    for (const level of levels) fake.addEvent({ threat_severity: level, path: `c:\\x\\${level}.exe` });
    fake.addEvent({ threat_severity: 'NONE', action: 'DETECTED', path: 'c:\\x\\NONE-DETECTED.exe' });
    fake.addEvent({ threat_severity: 'NONE', action: 'PREVENTED', path: 'c:\\x\\NONE-PREVENTED.exe' });
    expect(await pollNow(app)).toMatchObject({ ok: true, events: 7 });

    const severities: Record<string, string> = {};
    for (const item of await listIncidents(app)) {
      const name = /: (\S+)\.exe on /.exec(item.title)?.[1];
      if (name && name.toUpperCase() === name) severities[name] = item.severity;
    }
    expect(severities).toEqual({
      VERY_HIGH: 'critical',
      HIGH: 'high',
      MODERATE: 'medium',
      LOW: 'low',
      VERY_LOW: 'info',
      'NONE-DETECTED': 'high',
      'NONE-PREVENTED': 'medium',
    });
  });

  it('reports a refused API key in health and recovers once the key is valid again', async () => {
    const before = (await listIncidents(app)).length;
    const validKey = fake.apiKey;
    fake.addEvent({ path: 'c:\\x\\after-rotation.exe' });
    fake.apiKey = 'rotated-on-the-console';
    try {
      const failed = await pollNow(app);
      expect(failed.ok).toBe(false);
      expect(failed.message).toMatch(/HTTP 401/);
      expect(failed.message).toMatch(/refused the API key/);
      const broken = await health(app);
      expect(broken).toMatchObject({ state: 'error', consecutiveFailures: 1, lastError: failed.message });
      expect((await listIncidents(app)).length).toBe(before);

      const tested = await testSource(app);
      expect(tested).toMatchObject({ ok: false });
      expect(tested.message).toMatch(/HTTP 401.*API key/);
    } finally {
      fake.apiKey = validKey;
    }
    expect(await pollNow(app)).toMatchObject({ ok: true, events: 1 });
    expect(await health(app)).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect((await listIncidents(app)).length).toBe(before + 1);
  });

  it('waits as long as Retry-After says when throttled', async () => {
    fake.misbehave({ kind: 'rate_limited', retryAfter: '120', times: 1 });
    const asked = Date.now();
    const failed = await pollNow(app);
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/HTTP 429/);
    const throttled = await health(app);
    expect(throttled.state).toBe('error');
    const wait = Date.parse(throttled.nextRun!) - asked;
    // Backoff alone would retry within 6 s; Retry-After pushes it to two minutes.
    expect(wait).toBeGreaterThanOrEqual(119_000);
    expect(wait).toBeLessThanOrEqual(125_000);

    expect(await pollNow(app)).toMatchObject({ ok: true });
    expect((await health(app)).state).toBe('ok');
  });

  it.each([
    ['an HTML page', 'html' as const, /expected JSON, got an HTML page/],
    ['truncated JSON', 'truncated' as const, /expected JSON, got invalid or cut-off JSON/],
  ])('refuses %s with a clear error, stores nothing and keeps polling', async (_label, kind, message) => {
    const before = (await listIncidents(app)).length;
    const added = fake.addEvent({ path: `c:\\x\\${kind}-survivor.exe` });
    fake.misbehave({ kind, path: /^\/api\/v1\/events\/$/, times: 1 });
    const failed = await pollNow(app);
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(message);
    const broken = await health(app);
    expect(broken).toMatchObject({ state: 'error', lastError: failed.message });
    expect(broken.nextRun).not.toBeNull();
    expect((await listIncidents(app)).length).toBe(before);

    expect(await pollNow(app)).toMatchObject({ ok: true, events: 1 });
    const incidents = await byVendorId(app);
    expect(incidents.get(String(added.id))?.title).toContain(`${kind}-survivor.exe`);
    expect((await health(app)).state).toBe('ok');
  });

  it('stores the event without device details when the device lookup fails, and retries the lookup later', async () => {
    fake.addDevice(3, { hostname: 'WS-12', ip_address: '10.0.0.12' });
    const first = fake.addEvent({
      device_id: 3,
      recorded_device_info: { os: 'WINDOWS' },
      path: 'c:\\x\\a.exe',
    });
    fake.misbehave({ kind: 'html', path: /^\/api\/v1\/devices\//, times: 1 });
    expect(await pollNow(app)).toMatchObject({ ok: true, events: 1 });

    const second = fake.addEvent({
      device_id: 3,
      recorded_device_info: { os: 'WINDOWS' },
      path: 'c:\\x\\b.exe',
    });
    expect(await pollNow(app)).toMatchObject({ ok: true, events: 1 });

    const incidents = await byVendorId(app);
    expect(incidents.get(String(first.id))).toMatchObject({
      title: 'Malicious file blocked: a.exe',
      entities: { hosts: [], ips: [] },
    });
    expect(incidents.get(String(second.id))).toMatchObject({
      title: 'Malicious file blocked: b.exe on WS-12',
      entities: { hosts: ['WS-12'], ips: ['10.0.0.12'] },
    });
  });

  it('answers sources.test with the last event id it can see', async () => {
    const tested = await testSource(app);
    expect(tested.ok).toBe(true);
    expect(tested.message).toMatch(/^connected: events readable, last event id \d+ on the first page$/);

    fake.misbehave({ kind: 'html', times: 1 });
    const html = await testSource(app);
    expect(html.ok).toBe(false);
    expect(html.message).toMatch(/expected JSON, got an HTML page/);
  });
});

describe('Deep Instinct paging', () => {
  let fake: FakeDeepInstinct;
  let app: Headless;

  beforeAll(async () => {
    fake = await FakeDeepInstinct.start();
    for (let i = 0; i < 120; i++) fake.addEvent({ device_id: 1, path: `c:\\bulk\\f${i}.exe` });
    app = await start([diSource(fake)]);
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('follows after_event_id page by page to the end in one poll', async () => {
    const done = await settled(app);
    expect(done).toMatchObject({ state: 'ok', eventsTotal: 122, consecutiveFailures: 0 });
    expect(afterIds(fake, '/api/v1/events/')).toEqual(['0', '50', '100', '122']);
    const items = await listIncidents(app);
    expect(items.length).toBe(122);
    expect(new Set(items.map((i) => i.title)).size).toBe(122);
    // One device lookup for 121 events of device 1, one 404 for device 2.
    expect(fake.requestsTo('/api/v1/devices/').length).toBe(2);
  });
});

describe('Deep Instinct suspicious events', () => {
  let fake: FakeDeepInstinct;
  let app: Headless;

  beforeAll(async () => {
    fake = await FakeDeepInstinct.start();
    app = await start([diSource(fake, { pollSuspicious: true })]);
    await settled(app);
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('stores suspicious events apart from events with the same id, each feed with its own cursor', async () => {
    const incidents = await byVendorId(app);
    expect([...incidents.keys()].sort()).toEqual(['1', '2', 'suspicious:1', 'suspicious:2']);
    expect(incidents.get('suspicious:1')).toMatchObject({
      fingerprint: 'deepinstinct|suspicious|1',
      title: `Suspicious script execution detected: powershell.exe on ${HOST_1}`,
      severity: 'high',
      category: 'SUSPICIOUS_SCRIPT_EXECUTION',
      mitre: { tactics: ['TA0002'], techniques: ['T1059.001'] },
      tags: ['deepinstinct', 'SUSPICIOUS_SCRIPT_EXECUTION', 'suspicious'],
      entities: { hosts: [HOST_1], ips: ['192.168.88.80'] },
    });
    expect(incidents.get('suspicious:1')!.description).toContain('Rule: Suspicious PowerShell command line');
    expect(incidents.get('1')!.fingerprint).toBe('deepinstinct|1');

    fake.requests.length = 0;
    const added = fake.addSuspicious({ rule_trigger: 'Credential dumping attempt', type: 'CREDENTIAL_DUMP' });
    expect(await pollNow(app)).toMatchObject({ ok: true, events: 1 });
    // Every page asks both feeds; the events feed simply stays at its own watermark.
    expect(afterIds(fake, '/api/v1/events/')).toEqual(['2', '2']);
    expect(afterIds(fake, '/api/v1/suspicious-events/')).toEqual(['2', '3']);
    const after = await byVendorId(app);
    expect(after.size).toBe(5);
    expect(after.get(`suspicious:${String(added.id)}`)?.title).toBe(
      `Credential dump detected: powershell.exe on ${HOST_1}`,
    );

    const tested = await testSource(app);
    expect(tested).toMatchObject({ ok: true });
    expect(tested.message).toMatch(/suspicious events readable, last event id 3/);
  });
});

describe('Deep Instinct source lifecycle', () => {
  let fake: FakeDeepInstinct;
  let app: Headless | undefined;
  const dir = tempDir();

  beforeAll(async () => {
    fake = await FakeDeepInstinct.start();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  afterAll(async () => {
    await fake.close();
    dir.remove();
  });

  it('says to set the API key when the source has none', async () => {
    const source = diSource(fake);
    delete (source as { apiKey?: string }).apiKey;
    app = await start([source]);
    const failed = await settled(app);
    expect(failed).toMatchObject({
      state: 'error',
      lastError: 'set the API key: this Deep Instinct source has none',
    });
    expect(await testSource(app)).toMatchObject({
      ok: false,
      message: 'set the API key: this Deep Instinct source has none',
    });
    expect(fake.requests).toEqual([]);
  });

  it('keeps its cursor across a restart and stores nothing twice', async () => {
    app = await start([diSource(fake)], dir.path);
    const before = await settled(app);
    expect(before).toMatchObject({ eventsTotal: 2 });
    await app.stop();

    fake.requests.length = 0;
    fake.addEvent({ path: 'c:\\x\\while-down.exe' });
    app = await start([diSource(fake)], dir.path);
    expect(await settled(app, before.lastSuccess!)).toMatchObject({ state: 'ok', eventsTotal: 3 });
    expect(afterIds(fake, '/api/v1/events/')).toEqual(['2', '3']);
    expect((await listIncidents(app)).length).toBe(3);
  });
});
