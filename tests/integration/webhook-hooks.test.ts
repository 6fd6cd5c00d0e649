/**
 * POST /hooks/<sourceId> through the real listener of the headless shell:
 * per-source tokens, field mappings, severity scales, and a re-sent alert
 * stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { mapSeverity, valueAt } from '../../electron/core/webhook/routes/hooks-route';
import type { IncidentDetail } from '../../shared/ipc/contract';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

const EDR_TOKEN = 'edr-x-hook-token-0123456789';
const PLAIN_TOKEN = 'plain-hook-token-0123456789';

let app: Headless;

beforeAll(async () => {
  app = await startHeadless({
    config: {
      sources: [
        {
          id: 'edr-x',
          kind: 'webhook',
          name: 'EDR X',
          token: EDR_TOKEN,
          mapping: {
            title: 'alert.name',
            severity: 'alert.level',
            host: 'device.hostname',
            ip: 'src.ip',
            user: 'user.name',
            description: 'alert.details',
            timestamp: 'time',
            id: 'alert.id',
            category: 'alert.type',
          },
        },
        { id: 'plain', kind: 'webhook', name: 'Plain Tool', token: PLAIN_TOKEN },
        {
          id: 'aliased',
          kind: 'webhook',
          name: 'Aliased',
          token: PLAIN_TOKEN,
          mapping: { title: 'event.title', vendorId: 'event.uid', vendorStatus: 'event.state' },
        },
        { id: 'off', kind: 'webhook', name: 'Switched off', enabled: false, token: 'off-hook-token-0123' },
        { id: 'tokenless', kind: 'webhook', name: 'No token yet' },
        { id: 'demo-off', kind: 'demo', name: 'Demo', enabled: false },
      ],
    },
  });
});
afterAll(async () => {
  await app.stop();
});

interface Answer {
  id?: string;
  incidentId?: string | null;
  duplicate?: boolean;
  results?: { id: string; incidentId: string | null; duplicate: boolean }[];
  error?: { code: string; message: string };
}

async function postHook(sourceId: string, payload: unknown, token: string | null = EDR_TOKEN) {
  const res = await fetch(`${app.webhookUrl}/hooks/${sourceId}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

async function detail(id: string): Promise<IncidentDetail> {
  const res = await app.rpc('incidents.get', { id });
  expect(res.status).toBe(200);
  return (res.body as { value: IncidentDetail }).value;
}

async function incidentTotal(): Promise<number> {
  const res = await app.rpc('system.status');
  return (res.body as { value: { counts: { total: number } } }).value.counts.total;
}

const edrAlert = {
  alert: {
    id: 'A-1001',
    name: 'Credential dumping via LSASS access',
    level: 'HIGH',
    type: 'credential_access',
    details: 'procdump.exe opened lsass.exe with PROCESS_VM_READ',
  },
  device: { hostname: 'ws-042.corp.example' },
  src: { ip: '10.20.30.40' },
  user: { name: 'CORP\\jdoe' },
  time: '2026-11-20T09:15:00Z',
};

describe('POST /hooks/:sourceId', () => {
  it('creates the incident from the mapped fields and keeps the body as sent', async () => {
    const body = JSON.stringify(edrAlert);
    const posted = await postHook('edr-x', body);
    expect(posted.status).toBe(202);
    expect(posted.body.duplicate).toBe(false);
    const { incident, events, timeline } = await detail(posted.body.incidentId!);
    expect(incident).toMatchObject({
      title: 'Credential dumping via LSASS access',
      severity: 'high',
      category: 'credential_access',
      description: 'procdump.exe opened lsass.exe with PROCESS_VM_READ',
      vendorId: 'A-1001',
      fingerprint: 'webhook|edr-x|A-1001',
      firstSeen: '2026-11-20T09:15:00.000Z',
      source: { kind: 'webhook', id: 'edr-x', name: 'EDR X' },
      count: 1,
    });
    expect(incident.entities).toMatchObject({
      hosts: ['ws-042.corp.example'],
      ips: ['10.20.30.40'],
      users: ['CORP\\jdoe'],
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ route: '/hooks/edr-x', sourceId: 'edr-x', body });
    expect(timeline[0]).toMatchObject({ action: 'created', actor: 'EDR X', via: 'webhook' });
  });

  it('stores a re-sent alert with the same id once', async () => {
    const before = await incidentTotal();
    const first = await postHook('edr-x', { ...edrAlert, alert: { ...edrAlert.alert, id: 'A-2002' } });
    const again = await postHook('edr-x', { ...edrAlert, alert: { ...edrAlert.alert, id: 'A-2002' } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({
      id: first.body.id,
      incidentId: first.body.incidentId,
      duplicate: true,
    });
    const { incident, events } = await detail(first.body.incidentId!);
    expect(incident.count).toBe(1);
    expect(events).toHaveLength(1);
    expect(await incidentTotal()).toBe(before + 1);
  });

  it("shows received alerts in the source's health", async () => {
    const list = async () =>
      ((await app.rpc('sources.list')).body as { value: { id: string; health: { eventsTotal: number } }[] })
        .value;
    const before = (await list()).find((s) => s.id === 'edr-x')!.health.eventsTotal;
    await postHook('edr-x', { ...edrAlert, alert: { ...edrAlert.alert, id: 'A-3003' } });
    await postHook('edr-x', { ...edrAlert, alert: { ...edrAlert.alert, id: 'A-3003' } });
    const after = (await list()).find((s) => s.id === 'edr-x')!.health;
    expect(after).toMatchObject({ eventsTotal: before + 1, state: 'ok' });
  });

  it('accepts an array, maps severity scales and words, and names the source when there is no title', async () => {
    const alerts = [
      {
        alert: { id: 'B-1', level: 5, type: 'ransomware' },
        device: { hostname: 'fs-01' },
        time: 1_794_000_000,
      },
      { alert: { id: 'B-2', level: '2', name: 'Odd login' } },
      { alert: { id: 'B-3', level: 'Warning', name: 'Disk almost full' }, time: 1_794_000_000_000 },
      { alert: { id: 'B-4', level: 'purple', name: 'Unknown level' } },
      { alert: { id: 'B-1', level: 5, type: 'ransomware' }, device: { hostname: 'fs-01' } },
    ];
    const posted = await postHook('edr-x', alerts);
    expect(posted.status).toBe(202);
    const results = posted.body.results!;
    expect(results).toHaveLength(5);
    // The fifth repeats the first's id inside the same request: stored once.
    expect(results[4]).toMatchObject({ id: results[0]!.id, duplicate: true });

    const incidents = await Promise.all(results.slice(0, 4).map((r) => detail(r.incidentId!)));
    expect(incidents.map((d) => d.incident.severity)).toEqual(['critical', 'low', 'medium', 'medium']);
    expect(incidents[0]!.incident.title).toBe('ransomware alert from EDR X on fs-01');
    expect(incidents[0]!.incident.firstSeen).toBe(new Date(1_794_000_000_000).toISOString());
    expect(incidents[0]!.events[0]!.body).toBe(JSON.stringify(alerts[0]));
    expect(incidents[3]!.incident.tags).toContain('vendor-severity:purple');
  });

  it('reads top-level fields of the same name when the source has no mapping', async () => {
    const posted = await postHook(
      'plain',
      { title: 'Port scan detected', severity: 'Error', host: 'fw-01', ip: '198.51.100.9' },
      PLAIN_TOKEN,
    );
    expect(posted.status).toBe(202);
    const { incident } = await detail(posted.body.incidentId!);
    expect(incident).toMatchObject({ title: 'Port scan detected', severity: 'high', vendorId: null });
    expect(incident.entities).toMatchObject({ hosts: ['fw-01'], ips: ['198.51.100.9'] });

    const bare = await postHook('plain', { something: 'happened' }, PLAIN_TOKEN);
    expect((await detail(bare.body.incidentId!)).incident).toMatchObject({
      title: 'Alert from Plain Tool',
      severity: 'medium',
    });
  });

  it('also takes the incident property names vendorId and vendorStatus as mapping keys', async () => {
    const alert = { event: { title: 'Beacon to known C2', uid: 'evt-77', state: 'open' } };
    const first = await postHook('aliased', alert, PLAIN_TOKEN);
    const { incident } = await detail(first.body.incidentId!);
    expect(incident).toMatchObject({
      title: 'Beacon to known C2',
      vendorId: 'evt-77',
      vendorStatus: 'open',
      fingerprint: 'webhook|aliased|evt-77',
    });
    expect((await postHook('aliased', alert, PLAIN_TOKEN)).body.duplicate).toBe(true);
  });

  it('accepts only the source token: another source, the listener token or none is 401', async () => {
    const before = await incidentTotal();
    expect((await postHook('edr-x', edrAlert, 'wrong-token')).status).toBe(401);
    expect((await postHook('edr-x', edrAlert, PLAIN_TOKEN)).status).toBe(401);
    expect((await postHook('edr-x', edrAlert, TEST_WEBHOOK_TOKEN)).status).toBe(401);
    const none = await postHook('edr-x', edrAlert, null);
    expect(none.status).toBe(401);
    expect(none.body.error!.message).toMatch(/missing token/);
    expect(await incidentTotal()).toBe(before);
  });

  it('answers 404 for an unknown, disabled or non-webhook source, and 503 for one without a token', async () => {
    const unknown = await postHook('nope', edrAlert);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error!.message).toMatch(/no webhook source "nope"/);
    const disabled = await postHook('off', edrAlert, 'off-hook-token-0123');
    expect(disabled.status).toBe(404);
    expect(disabled.body.error!.message).toMatch(/"off" is disabled/);
    expect((await postHook('demo-off', edrAlert)).status).toBe(404);
    const tokenless = await postHook('tokenless', edrAlert);
    expect(tokenless.status).toBe(503);
    expect(tokenless.body.error!.message).toMatch(/"tokenless" has no token/);
  });

  it('refuses bodies that are not alert objects, naming the bad item', async () => {
    const scalar = await postHook('edr-x', '42');
    expect(scalar.status).toBe(400);
    const mixed = await postHook('edr-x', [edrAlert, 'oops']);
    expect(mixed.status).toBe(400);
    expect(mixed.body.error!.message).toMatch(/^1: must be a JSON object/);
    expect((await postHook('edr-x', [])).status).toBe(400);
  });
});

describe('severity and path mapping', () => {
  it.each([
    ['critical', 'critical'],
    ['CRIT', 'critical'],
    ['Emergency', 'critical'],
    ['error', 'high'],
    ['warning', 'medium'],
    ['notice', 'low'],
    ['informational', 'info'],
    [1, 'info'],
    [2, 'low'],
    [3, 'medium'],
    [4, 'high'],
    [5, 'critical'],
    ['4', 'high'],
    [0, 'info'],
    [6, 'medium'],
    [7.5, 'high'],
    [9, 'critical'],
    [10, 'critical'],
    [2.5, 'low'],
    [85, 'critical'],
    [30, 'medium'],
  ] as const)('maps %j to %s', (input, expected) => expect(mapSeverity(input)).toBe(expected));

  it('reads nothing it should not', () => {
    expect(mapSeverity('purple')).toBeNull();
    expect(mapSeverity(-1)).toBeNull();
    expect(mapSeverity({ level: 3 })).toBeNull();
    expect(valueAt({ a: { b: [{ c: 'x' }] } }, 'a.b.0.c')).toBe('x');
    expect(valueAt({ a: {} }, 'a.__proto__')).toBeUndefined();
    expect(valueAt({ a: 'text' }, 'a.length')).toBeUndefined();
  });
});
