/**
 * A MaxPatrol source end to end: the real headless core polls a fake Core
 * (token service + API on 127.0.0.1) and the tests read what was stored over
 * the contract. Polls are driven with `sources.pollNow`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { Incident, SourceHealth } from '../../shared/domain';
import type { IncidentDetail, MethodResponse, SourceView } from '../../shared/ipc/contract';
import type { FakeMaxPatrol, NewIncident } from '../helpers/fake-maxpatrol';
import { MP_CLIENT_SECRET, MP_PASSWORD, MP_USERNAME, startFakeMaxPatrol } from '../helpers/fake-maxpatrol';
import type { Headless } from '../helpers/headless';
import { startHeadless } from '../helpers/headless';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'maxpatrol');
const SOURCE_ID = 'mp';

// Zone-less vendor times must not be read in the machine's zone; run in one that is not UTC.
const originalTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Moscow';
});
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

let fake: FakeMaxPatrol;
let app: Headless | null = null;

afterEach(async () => {
  await app?.stop();
  app = null;
  await fake?.close();
});

type SourceOverrides = Record<string, unknown>;

/** Starts a fake Core (prepared first, so the start-up poll sees it) and the app with a source pointing at it. */
async function setup(
  source: SourceOverrides | ((fake: FakeMaxPatrol) => SourceOverrides) = {},
  prepare?: (fake: FakeMaxPatrol) => void,
) {
  fake = await startFakeMaxPatrol();
  prepare?.(fake);
  const overrides = typeof source === 'function' ? source(fake) : source;
  app = await startHeadless({
    config: {
      sources: [
        {
          id: SOURCE_ID,
          kind: 'maxpatrol',
          name: 'MP Core',
          baseUrl: fake.baseUrl,
          tokenPort: fake.tokenPort,
          username: MP_USERNAME,
          password: MP_PASSWORD,
          clientSecret: MP_CLIENT_SECRET,
          // Long interval: only the start-up poll and pollNow run during a test.
          pollIntervalSec: 3600,
          maxEvents: 3,
          ...overrides,
        } as never,
      ],
    },
  });
  return app;
}

/** A MaxPatrol-style time `agoMs` before now: 7 fractional digits, with or without the Z. */
function mpTime(agoMs: number, zone = true, at = Date.now()): string {
  const iso = new Date(at - agoMs).toISOString();
  return `${iso.slice(0, 23)}4567${zone ? 'Z' : ''}`;
}

async function ok<M extends string>(method: M, args: unknown = {}) {
  const res = await app!.rpc(method, args);
  const body = res.body as { ok: boolean; value?: unknown; error?: unknown };
  if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
  return body.value;
}

const pollNow = async () =>
  (await ok('sources.pollNow', { id: SOURCE_ID })) as MethodResponse<'sources.pollNow'>;

async function health(): Promise<SourceHealth> {
  const sources = (await ok('sources.list')) as SourceView[];
  return sources.find((s) => s.id === SOURCE_ID)!.health;
}

/** Every stored incident with its raw events, keyed by vendor id. */
async function stored(): Promise<Map<string, IncidentDetail>> {
  const list = (await ok('incidents.list', { limit: 500 })) as MethodResponse<'incidents.list'>;
  const out = new Map<string, IncidentDetail>();
  for (const item of list.items) {
    const detail = (await ok('incidents.get', { id: item.id })) as IncidentDetail;
    const vendorId = detail.incident.vendorId!;
    if (out.has(vendorId)) throw new Error(`vendor incident ${vendorId} stored twice`);
    out.set(vendorId, detail);
  }
  return out;
}

function listRequests(): { offset: number; limit: number; timeFrom: string }[] {
  return fake
    .apiRequests('/api/v2/incidents')
    .map((r) => JSON.parse(r.body) as { offset: number; limit: number; timeFrom: string });
}

/** Adds `count` incidents one second apart, the oldest `agoMs` ago. */
function add(count: number, { agoMs = 60_000, ...rest }: Partial<NewIncident> & { agoMs?: number } = {}) {
  return Array.from({ length: count }, (_, i) =>
    fake.addIncident({ created: mpTime(agoMs - i * 1000), ...rest }),
  );
}

describe('MaxPatrol polling', () => {
  it('first poll: logs in, stores the last 24 h of incidents with their first maxEvents events, mapped', async () => {
    await setup(
      // baseUrl without the API port: apiPort must be used for /api, baseUrl for the console link.
      (f) => ({ baseUrl: 'http://127.0.0.1', apiPort: f.apiPort }),
      (f) => {
        f.addIncident({ id: 'old-one', created: mpTime(25 * 3600_000), events: 1 });
        f.addIncident({
          id: 'inc-a',
          key: 'INC-1',
          name: 'Brute_Force_T1110',
          created: mpTime(10 * 60_000),
          detected: mpTime(11 * 60_000),
          severity: 'High',
          isConfirmed: true,
          events: 5,
        });
        f.addIncident({ id: 'inc-b', key: 'INC-2', created: mpTime(5 * 60_000), severity: 'Low', events: 0 });
      },
    );
    const outcome = await pollNow();
    expect(outcome).toMatchObject({ ok: true });

    const incidents = await stored();
    expect([...incidents.keys()].sort()).toEqual(['inc-a', 'inc-b']);
    const a = incidents.get('inc-a')!;
    expect(a.incident).toMatchObject<Partial<Incident>>({
      fingerprint: 'maxpatrol|inc-a',
      title: 'Brute_Force_T1110',
      severity: 'critical',
      category: 'Attack',
      vendorStatus: 'New',
      consoleUrl: 'http://127.0.0.1/#/incident/incidents/view/inc-a',
      firstSeen: `${String(fake.incidents[1]!.card.detected).slice(0, 23)}Z`,
      source: { kind: 'maxpatrol', id: SOURCE_ID, name: 'MP Core' },
    });
    expect(a.incident.tags).toEqual(expect.arrayContaining(['INC-1', 'confirmed']));
    expect(a.incident.mitre.techniques).toEqual(['T1110']);
    expect(a.incident.entities).toMatchObject({
      hosts: ['srv-01'],
      ips: ['203.0.113.10', '10.0.0.5'],
      users: ['user@DOMAIN'],
    });
    expect(a.incident.description).toContain('Events (first 3):');
    expect(a.incident.description).toContain('event 3 of INC-1');
    expect(a.incident.description).not.toContain('event 4 of INC-1');
    expect(a.events).toHaveLength(1);
    const body = JSON.parse(a.events[0]!.body) as { incident: { id: string }; events: { id: string }[] };
    expect(body.incident.id).toBe('inc-a');
    expect(body.events.map((e) => e.id)).toEqual(['inc-a-e1', 'inc-a-e2', 'inc-a-e3']);
    expect(a.events[0]!.route).toBe('maxpatrol:incidents');

    const b = incidents.get('inc-b')!;
    expect(b.incident.severity).toBe('low');
    expect(b.incident.description).not.toContain('Events (');
    expect((JSON.parse(b.events[0]!.body) as { events: unknown[] }).events).toEqual([]);

    // The events endpoint is asked for maxEvents at most.
    expect(fake.apiRequests('/api/incidents/inc-a/events').map((r) => r.url)).toContain(
      '/api/incidents/inc-a/events?offset=0&limit=3',
    );
    // The documented list request: same fields as the recorded body, a whole-second timeFrom ~24 h back.
    const recorded = JSON.parse(
      readFileSync(join(FIXTURES, 'incidents_list_request.json'), 'utf8'),
    ) as object;
    const first = JSON.parse(fake.apiRequests('/api/v2/incidents/')[0]!.body) as Record<string, unknown>;
    expect(Object.keys(first).sort()).toEqual(Object.keys(recorded).sort());
    expect(first).toMatchObject({ filterTimeType: 'creation', timeTo: null, queryIds: ['all_incidents'] });
    expect(first.timeFrom).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(Math.abs(Date.parse(first.timeFrom as string) - (Date.now() - 24 * 3600_000))).toBeLessThan(
      60_000,
    );
    // Login: the recorded form fields, client mpx by default; API calls carry the token.
    const form = new URLSearchParams(fake.tokenRequests()[0]!.body);
    const fields = JSON.parse(
      readFileSync(join(FIXTURES, 'token_request_form_fields.json'), 'utf8'),
    ) as object;
    expect([...form.keys()].sort()).toEqual(
      Object.keys(fields)
        .filter((k) => k !== '_note')
        .sort(),
    );
    expect(form.get('client_id')).toBe('mpx');
    expect(form.get('scope')).toBe('authorization offline_access mpx.api ptkb.api');
    expect(
      fake.apiRequests().every((r) => /^Bearer mp-access-\d+$/.test(r.headers.authorization ?? '')),
    ).toBe(true);
  });

  it('incremental polls take only new incidents, boundary ones included, and nothing twice', async () => {
    await setup({}, (f) => {
      f.addIncident({ id: 'one', created: mpTime(120_000), events: 1 });
      f.addIncident({ id: 'two', created: mpTime(60_000), events: 1 });
    });
    await pollNow();
    expect([...(await stored()).keys()].sort()).toEqual(['one', 'two']);

    // A new incident at exactly the boundary instant of "two", and one later.
    const boundary = String(fake.incidents[1]!.card.created);
    fake.addIncident({ id: 'twin', created: boundary, events: 1 });
    fake.addIncident({ id: 'three', created: mpTime(1_000), events: 1 });
    const second = await pollNow();
    expect(second).toMatchObject({ ok: true, events: 2 });
    expect([...(await stored()).keys()].sort()).toEqual(['one', 'three', 'twin', 'two']);

    const third = await pollNow();
    expect(third).toMatchObject({ ok: true, events: 0 });
    // The window restarts at the last instant seen (rounded down): the Core sent boundary rows back, we dropped them.
    const last = listRequests().at(-1)!;
    expect(last.offset).toBe(0);
    expect(Date.parse(last.timeFrom)).toBeLessThanOrEqual(
      Date.parse(String(fake.incidents[3]!.card.created)),
    );
    expect(fake.apiRequests('/api/incidentsReadModel/incidents/three')).toHaveLength(1);
    expect((await health()).eventsTotal).toBe(4);
    // One login for all polls: the token is cached.
    expect(fake.tokenRequests()).toHaveLength(1);
  });

  it('follows paging with offset/limit to the end (a Core that caps the page size)', async () => {
    await setup({ maxEvents: 0 }, (f) => {
      f.maxPageSize = 2;
    });
    await pollNow();
    add(5);
    const outcome = await pollNow();
    expect(outcome).toMatchObject({ ok: true, events: 5 });
    expect((await stored()).size).toBe(5);
    const offsets = listRequests()
      .slice(-3)
      .map((r) => r.offset);
    expect(offsets).toEqual([0, 2, 4]);
    // No events call at all with maxEvents 0.
    expect(fake.apiRequests('/api/incidents/')).toHaveLength(0);
  });

  it('pages while a page is full (50 rows)', async () => {
    await setup({ maxEvents: 0 });
    await pollNow();
    add(51, { agoMs: 120_000 });
    const outcome = await pollNow();
    expect(outcome).toMatchObject({ ok: true, events: 51 });
    expect((await stored()).size).toBe(51);
    expect(
      listRequests()
        .slice(-2)
        .map((r) => [r.offset, r.limit]),
    ).toEqual([
      [0, 50],
      [50, 50],
    ]);
  });

  it('a token expiring mid-poll (401) is renewed and the poll completes without losing incidents', async () => {
    await setup();
    await pollNow();
    expect(fake.tokenRequests()).toHaveLength(1);
    add(4, { events: 2 });
    // The list and two detail calls succeed, then the token dies.
    fake.expireTokensAfter(3);
    const outcome = await pollNow();
    expect(outcome).toMatchObject({ ok: true, events: 4 });
    expect(fake.apiRequests().some((r) => r.status === 401)).toBe(true);
    expect(fake.tokenRequests()).toHaveLength(2);
    expect(fake.tokenRequests('refresh_token')).toHaveLength(1);
    const incidents = await stored();
    expect(incidents.size).toBe(4);
    for (const detail of incidents.values()) {
      expect((JSON.parse(detail.events[0]!.body) as { events: unknown[] }).events).toHaveLength(2);
    }
    expect((await health()).consecutiveFailures).toBe(0);
  });

  it('logs in again when the refresh token is refused too', async () => {
    await setup();
    await pollNow();
    fake.expireTokens({ refreshTokens: true });
    add(1);
    expect(await pollNow()).toMatchObject({ ok: true, events: 1 });
    const grants = fake.tokenRequests().map((r) => new URLSearchParams(r.body).get('grant_type'));
    expect(grants).toEqual(['password', 'refresh_token', 'password']);
  });

  it('renews a token before it expires, without waiting for a 401', async () => {
    await setup({}, (f) => {
      // 10 ms tokens: due for renewal 5 ms after issue.
      f.tokenLifetimeSec = 0.01;
    });
    await pollNow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    add(1);
    expect(await pollNow()).toMatchObject({ ok: true, events: 1 });
    expect(fake.tokenRequests('refresh_token').length).toBeGreaterThan(0);
    expect(fake.apiRequests().filter((r) => r.status === 401)).toHaveLength(0);
  });

  it('a wrong password is a clear auth error in health; the poller keeps running and recovers', async () => {
    await setup({ password: 'not-the-password' }, (f) => {
      f.addIncident({ id: 'waiting', created: mpTime(60_000) });
    });
    const outcome = await pollNow();
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('wrong username or password');
    expect(outcome.message).toContain('invalid_username_or_password');
    const h = await health();
    expect(h.state).toBe('error');
    expect(h.lastError).toBe(outcome.message);
    expect(Date.parse(h.nextRun!)).toBeGreaterThan(Date.now());
    expect(fake.apiRequests()).toHaveLength(0);
    expect((await stored()).size).toBe(0);

    const before = fake.tokenRequests().length;
    expect((await pollNow()).ok).toBe(false);
    expect(fake.tokenRequests().length).toBe(before + 1);

    // Fixing the password restarts the source, which then logs in and ingests.
    await ok('sources.upsert', {
      source: {
        id: SOURCE_ID,
        kind: 'maxpatrol',
        name: 'MP Core',
        baseUrl: fake.baseUrl,
        tokenPort: fake.tokenPort,
        username: MP_USERNAME,
        password: MP_PASSWORD,
        pollIntervalSec: 3600,
      },
    });
    expect((await pollNow()).ok).toBe(true);
    expect([...(await stored()).keys()]).toEqual(['waiting']);
    expect((await health()).consecutiveFailures).toBe(0);
  });

  it('missing credentials name the missing field', async () => {
    await setup({ clientSecret: undefined });
    const outcome = await pollNow();
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('clientSecret not set');
    expect(fake.requests).toHaveLength(0);
  });

  it('honours 429 Retry-After: the next run is not before it', async () => {
    await setup();
    await pollNow();
    add(2);
    fake.failNext('list', { mode: 'rate_limited', retryAfterSec: 120 });
    const before = Date.now();
    const outcome = await pollNow();
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('HTTP 429');
    const h = await health();
    expect(Date.parse(h.nextRun!)).toBeGreaterThanOrEqual(before + 120_000);
    expect(Date.parse(h.nextRun!)).toBeLessThan(before + 125_000);
    expect((await stored()).size).toBe(0);
    expect(await pollNow()).toMatchObject({ ok: true, events: 2 });
  });

  it.each([
    ['list', { mode: 'html' }, 'expected JSON, got an HTML page'],
    ['list', { mode: 'truncated' }, 'expected JSON'],
    ['list', { mode: 'wrong_shape' }, 'MaxPatrol incidents list: unexpected answer (incidents:'],
    ['card', { mode: 'html' }, '/api/incidentsReadModel/incidents/'],
    ['events', { mode: 'wrong_shape' }, 'MaxPatrol events of incident'],
  ] as const)(
    'a malformed %s answer (%o) is a clear error and stores nothing',
    async (target, mode, text) => {
      await setup();
      await pollNow();
      add(3, { events: 1 });
      fake.failNext(target, mode);
      const outcome = await pollNow();
      expect(outcome.ok).toBe(false);
      expect(outcome.message).toContain(text);
      expect((await health()).lastError).toBe(outcome.message);
      expect((await stored()).size).toBe(0);
      // The cursor did not move: the next poll gets them all.
      expect(await pollNow()).toMatchObject({ ok: true, events: 3 });
    },
  );

  it('stores a zone-less MaxPatrol time as the same instant in UTC', async () => {
    const at = Date.now();
    const zoneless = mpTime(30 * 60_000, false, at);
    await setup({}, (f) => {
      f.addIncident({ id: 'no-zone', created: zoneless, detected: zoneless });
    });
    await pollNow();
    const detail = (await stored()).get('no-zone')!;
    expect(detail.incident.firstSeen).toBe(new Date(at - 30 * 60_000).toISOString());
  });

  it('falls back to the paths of older Cores', async () => {
    await setup({}, (f) => {
      f.legacyPaths = true;
      f.addIncident({ id: 'legacy', created: mpTime(60_000) });
    });
    expect(await pollNow()).toMatchObject({ ok: true });
    expect([...(await stored()).keys()]).toEqual(['legacy']);
    const seen = fake.requests.length;
    add(1);
    expect(await pollNow()).toMatchObject({ ok: true, events: 1 });
    // Once found, the old paths are used first: no more 404 detours.
    const later = fake.requests.slice(seen).filter((r) => r.server === 'api');
    expect(later.length).toBeGreaterThanOrEqual(3);
    expect(later.filter((r) => r.status !== 200)).toEqual([]);
  });
});

describe('sources.test', () => {
  it('reports the incidents of the last 24 h', async () => {
    await setup({}, (f) => {
      add(3);
      f.addIncident({ id: 'old', created: mpTime(30 * 3600_000) });
    });
    const result = (await ok('sources.test', { id: SOURCE_ID })) as MethodResponse<'sources.test'>;
    expect(result).toMatchObject({ ok: true, message: 'connected: 3 incidents in the last 24 h' });
  });

  it('fails with the login error', async () => {
    await setup({ password: 'nope' });
    const result = (await ok('sources.test', { id: SOURCE_ID })) as MethodResponse<'sources.test'>;
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/MaxPatrol login failed: wrong username or password/);
  });
});
