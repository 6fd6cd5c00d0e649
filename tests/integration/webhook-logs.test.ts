/**
 * POST /api/logs through the real listener of the headless shell: every
 * record is kept as a raw event, only records that set off a rule open
 * incidents, and a bad record refuses the whole request with its key named.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dataPaths } from '../../electron/core/paths';
import type { IncidentDetail } from '../../shared/ipc/contract';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

let app: Headless;
let db: Database.Database;

beforeAll(async () => {
  app = await startHeadless({ config: { ui: { timeZone: 'Europe/Moscow' } } });
  db = new Database(dataPaths(app.dataDir).db, { readonly: true, fileMustExist: true });
});
afterAll(async () => {
  db.close();
  await app.stop();
});

interface Posted {
  status: number;
  body: {
    id?: string | null;
    incidentId?: string | null;
    duplicate?: boolean;
    results?: { id: string; incidentId: string | null; duplicate: boolean }[];
    error?: { code: string; message: string };
  };
}

async function postLogs(payload: unknown, token = TEST_WEBHOOK_TOKEN): Promise<Posted> {
  const res = await fetch(`${app.webhookUrl}/api/logs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as Posted['body'] };
}

async function detail(id: string): Promise<IncidentDetail> {
  const res = await app.rpc('incidents.get', { id });
  expect(res.status).toBe(200);
  return (res.body as { value: IncidentDetail }).value;
}

function rawEvent(id: string) {
  return db
    .prepare<
      [string],
      { source_kind: string; source_id: string; route: string; incident_id: string | null; body: string }
    >('SELECT source_kind, source_id, route, incident_id, body FROM raw_events WHERE id = ?')
    .get(id);
}

function logEventCount(): number {
  return db
    .prepare<[], { n: number }>("SELECT count(*) AS n FROM raw_events WHERE source_id = 'api-logs'")
    .get()!.n;
}

async function incidentTotal(): Promise<number> {
  const res = await app.rpc('system.status');
  return (res.body as { value: { counts: { total: number } } }).value.counts.total;
}

const sshFail = (second: number, ip = '203.0.113.9', host = 'web-01') => ({
  service: 'sshd',
  status_code: 401,
  message: `Failed password for root from ${ip} port 5${second} ssh2`,
  timestamp: `2026-11-20T10:00:${String(second).padStart(2, '0')}Z`,
  source_ip: ip,
  host,
});

describe('POST /api/logs', () => {
  it('stores a single benign record as a raw event without an incident', async () => {
    const before = await incidentTotal();
    const record = {
      service: 'nginx',
      status_code: 200,
      message: 'GET /index.html 200',
      timestamp: 1_794_000_000,
    };
    const posted = await postLogs(record);
    expect(posted.status).toBe(202);
    expect(posted.body.incidentId).toBeNull();
    expect(posted.body.results).toHaveLength(1);
    const stored = rawEvent(posted.body.id!);
    expect(stored).toEqual({
      source_kind: 'webhook',
      source_id: 'api-logs',
      route: '/api/logs',
      incident_id: null,
      body: JSON.stringify(record),
    });
    expect(await incidentTotal()).toBe(before);
  });

  it('keeps every record of an array and opens an incident only at the third SSH failure', async () => {
    const countBefore = logEventCount();
    const benign = { service: 'nginx', status_code: 200, message: 'GET / 200', timestamp: 1_794_000_000_000 };
    const records = [sshFail(0), sshFail(20), benign, sshFail(40)];
    const posted = await postLogs(records);
    expect(posted.status).toBe(202);
    const results = posted.body.results!;
    expect(results).toHaveLength(4);
    expect(results.slice(0, 3).map((r) => r.incidentId)).toEqual([null, null, null]);
    expect(results[3]!.incidentId).toMatch(/^inc_/);
    expect(logEventCount()).toBe(countBefore + 4);
    results.forEach((result, i) => expect(JSON.parse(rawEvent(result.id)!.body)).toEqual(records[i]));

    const { incident, events } = await detail(results[3]!.incidentId!);
    expect(incident).toMatchObject({
      title: 'SSH brute force from 203.0.113.9 on web-01',
      severity: 'high',
      category: 'ssh_brute_force',
      fingerprint: 'rule|ssh_brute_force|web-01||203.0.113.9',
      firstSeen: '2026-11-20T10:00:40.000Z',
      source: { kind: 'webhook', id: 'api-logs', name: 'Webhook /api/logs' },
      count: 1,
    });
    expect(incident.entities).toMatchObject({ hosts: ['web-01'], ips: ['203.0.113.9'], users: ['root'] });
    expect(incident.mitre.techniques).toEqual(['T1110.001']);
    expect(incident.description).toContain('3 failed SSH logins from 203.0.113.9 on web-01 within 60 s');
    for (const second of [0, 20, 40]) {
      expect(incident.description).toContain(
        `Failed password for root from 203.0.113.9 port 5${second} ssh2`,
      );
    }
    expect(events.map((e) => e.id)).toEqual([results[3]!.id]);
  });

  it('accepts {records: [...]} and groups a later firing into the same incident', async () => {
    const first = await postLogs({ records: [sshFail(0, '198.51.100.20'), sshFail(1, '198.51.100.20')] });
    expect(first.status).toBe(202);
    expect(first.body.results!.map((r) => r.incidentId)).toEqual([null, null]);
    const third = await postLogs({ records: [sshFail(2, '198.51.100.20')] });
    const incidentId = third.body.results![0]!.incidentId!;
    expect(incidentId).toMatch(/^inc_/);
    expect(third.body.duplicate).toBe(false);

    // Two minutes later the attack goes on: the rule fires again and groups into the open incident.
    const later = [0, 1, 2].map((s) => ({
      ...sshFail(s, '198.51.100.20'),
      timestamp: `2026-11-20T10:02:0${s}Z`,
    }));
    const again = await postLogs(later);
    expect(again.body.results!.map((r) => r.incidentId)).toEqual([null, null, incidentId]);
    expect(again.body.results![2]!.duplicate).toBe(true);
    expect((await detail(incidentId)).incident.count).toBe(2);
  });

  it('flags an off-hours login in the configured zone and not one in working hours', async () => {
    const login = (timestamp: string) => ({
      service: 'sshd',
      status_code: 0,
      message: 'Accepted publickey for alice from 192.0.2.10 port 50000 ssh2: ED25519 SHA256:x',
      timestamp,
      host: 'bastion',
    });
    // 18:59Z is 21:59 in Moscow; 19:00Z is 22:00.
    const posted = await postLogs([login('2026-11-20T18:59:00Z'), login('2026-11-20T19:00:00Z')]);
    expect(posted.body.results!.map((r) => r.incidentId === null)).toEqual([true, false]);
    const { incident } = await detail(posted.body.results![1]!.incidentId!);
    expect(incident).toMatchObject({
      title: 'Off-hours login by alice on bastion',
      severity: 'medium',
      category: 'off_hours_login',
    });
  });

  it('opens one incident per rule when a record sets off two, answering one result per record', async () => {
    const countBefore = logEventCount();
    const record = {
      service: 'shop-web',
      status_code: 403,
      message: "GET /item?id=1' OR '1'='1&f=../../../../etc/passwd",
      timestamp: '2026-11-20T11:00:00Z',
      source_ip: '203.0.113.77',
      host: 'web-02',
    };
    const posted = await postLogs(record);
    expect(posted.body.results).toHaveLength(1);
    const primary = await detail(posted.body.incidentId!);
    expect(primary.incident.category).toBe('sql_injection');
    expect(primary.incident.title).toBe('SQL injection attempt from 203.0.113.77 against shop-web on web-02');
    const list = await app.rpc('incidents.list', { limit: 10 });
    const titles = (list.body as { value: { items: { title: string }[] } }).value.items.map((i) => i.title);
    expect(titles).toContain('Path traversal attempt from 203.0.113.77 against shop-web on web-02');
    expect(logEventCount()).toBe(countBefore + 2);
  });

  it('applies a threshold changed in the config to the next request', async () => {
    const burst = (n: number, service: string) =>
      Array.from({ length: n }, (_, i) => ({
        service,
        status_code: 503,
        message: 'upstream timed out',
        timestamp: `2026-11-20T12:00:0${i}Z`,
      }));
    const quiet = await postLogs(burst(3, 'billing'));
    expect(quiet.body.results!.every((r) => r.incidentId === null)).toBe(true);
    app.core.config.update((draft) => {
      draft.detection.http5xxBurst.count = 3;
    });
    try {
      const loud = await postLogs(burst(3, 'payments'));
      expect(loud.body.results!.map((r) => r.incidentId === null)).toEqual([true, true, false]);
      const { incident } = await detail(loud.body.results![2]!.incidentId!);
      expect(incident).toMatchObject({
        title: 'Burst of 5xx errors in payments',
        category: 'http_5xx_burst',
      });
    } finally {
      app.core.config.update((draft) => {
        draft.detection.http5xxBurst.count = 10;
      });
    }
  });

  it('refuses a bad record naming its key, and stores nothing of that request', async () => {
    const countBefore = logEventCount();
    const incidentsBefore = await incidentTotal();

    const inArray = await postLogs([sshFail(0, '192.0.2.200'), { service: 'x', timestamp: 1 }, sshFail(2)]);
    expect(inArray.status).toBe(400);
    expect(inArray.body.error!.code).toBe('bad_request');
    expect(inArray.body.error!.message).toMatch(/^1\.message: /);

    const wrapped = await postLogs({ records: [{ ...sshFail(0), timestamp: 'yesterday' }] });
    expect(wrapped.status).toBe(400);
    expect(wrapped.body.error!.message).toMatch(/^records\.0\.timestamp: must be an ISO 8601 time/);
    const { timestamp: _omitted, ...undated } = sshFail(0);
    const missing = await postLogs(undated);
    expect(missing.status).toBe(400);
    expect(missing.body.error!.message).toBe(
      'timestamp: required: an ISO 8601 time or epoch seconds/milliseconds',
    );

    const single = await postLogs({ ...sshFail(0), status_code: 'abc', source_ip: '999.1.1.1' });
    expect(single.status).toBe(400);
    expect(single.body.error!.message).toMatch(/status_code: /);
    expect(single.body.error!.message).toMatch(/source_ip: must be an IPv4 or IPv6 address/);

    const empty = await postLogs([]);
    expect(empty.status).toBe(400);
    expect(empty.body.error!.message).toMatch(/at least one record/);

    const scalar = await postLogs('"just a string"');
    expect(scalar.status).toBe(400);

    const noToken = await postLogs(sshFail(0), 'wrong-token');
    expect(noToken.status).toBe(401);

    expect(logEventCount()).toBe(countBefore);
    expect(await incidentTotal()).toBe(incidentsBefore);
  });
});
