/**
 * Write-back of analysts' decisions to the source product, end to end: the
 * real headless core polls a fake SentinelOne console / MaxPatrol Core on
 * 127.0.0.1, a status is changed over the contract (`incidents.setStatus`),
 * and the tests check the action request the fake received (path, body,
 * auth), the fake's own record of the item, and the 'written_back' /
 * 'write_back_failed' timeline entry the core adds once the vendor answered.
 * Polls are driven with `sources.pollNow`; the poll interval is an hour.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Incident, Status, TimelineEntry } from '../../shared/domain';
import type { IncidentDetail, MethodResponse } from '../../shared/ipc/contract';
import type { FakeMaxPatrol } from '../helpers/fake-maxpatrol';
import {
  MP_CLIENT_SECRET,
  MP_PASSWORD,
  MP_USERNAME,
  MP_USER_ID,
  startFakeMaxPatrol,
} from '../helpers/fake-maxpatrol';
import type { FakeSentinelOne, Json, RecordedRequest } from '../helpers/fake-sentinelone';
import { fixtureAlert, makeThreat, stampAlert, startFakeSentinelOne } from '../helpers/fake-sentinelone';
import type { Headless } from '../helpers/headless';
import { startHeadless } from '../helpers/headless';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const WRITE_BACK_ACTIONS = ['written_back', 'write_back_failed'];
const HOOK_TOKEN = 'hook-token-0123456789';

async function call<T>(app: Headless, method: string, args: unknown = {}): Promise<T> {
  const res = await app.rpc(method, args);
  const body = res.body as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${method} failed: ${body.error?.message}`);
  return body.value as T;
}

const detail = (app: Headless, id: string) => call<IncidentDetail>(app, 'incidents.get', { id });

const setStatus = (app: Headless, id: string, status: Status, note?: string) =>
  call<Incident>(app, 'incidents.setStatus', { id, status, ...(note === undefined ? {} : { note }) });

/** Incident ids of the stored incidents, by vendor id. */
async function incidentIds(app: Headless): Promise<Map<string, string>> {
  const list = await call<MethodResponse<'incidents.list'>>(app, 'incidents.list', { limit: 500 });
  const ids = new Map<string, string>();
  for (const item of list.items) {
    const { incident } = await detail(app, item.id);
    if (incident.vendorId) ids.set(incident.vendorId, incident.id);
  }
  return ids;
}

/** The incident's write-back entries once there are `count` of them (polls incidents.get, bounded). */
async function writeBacks(app: Headless, id: string, count = 1, timeoutMs = 5000): Promise<TimelineEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = (await detail(app, id)).timeline.filter((e) => WRITE_BACK_ACTIONS.includes(e.action));
    if (entries.length >= count) return entries;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${count} write-back entries on ${id}; got ${entries.length}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A time `agoMs` before now with SentinelOne's six fractional digits. */
function s1Time(agoMs: number): string {
  return new Date(Date.now() - agoMs).toISOString().replace(/Z$/, '123Z');
}

/** A time `agoMs` before now as a MaxPatrol Core writes it (seven fractional digits). */
function mpTime(agoMs: number): string {
  return `${new Date(Date.now() - agoMs).toISOString().slice(0, 23)}4567Z`;
}

describe('SentinelOne write-back', () => {
  const recorded = JSON.parse(
    readFileSync(join(FIXTURES, 'sentinelone', 'action_requests.json'), 'utf8'),
  ) as Record<string, Json>;
  const ALERT_ID = String((fixtureAlert().alertInfo as Json).alertId);
  const THREATS = {
    ack: '9000000000000000001',
    fp: '9000000000000000002',
    failing: '9000000000000000003',
    gone: '9000000000000000004',
    auth: '9000000000000000005',
    witness: '9000000000000000006',
    disabled: '9000000000000000007',
  };
  let fake: FakeSentinelOne;
  let app: Headless;
  let ids: Map<string, string>;

  /** The action request the recorded client code sends to `route`, for `id`, with `data`. */
  function expectedBody(route: string, id: string, data: Record<string, string>): Json {
    const shape = recorded[`POST /web/api/v2.1${route}`]!;
    expect(Object.keys(data)).toEqual(Object.keys(shape.data as Json));
    return { ...shape, filter: { ...(shape.filter as Json), ids: [id] }, data };
  }

  const actions = (): RecordedRequest[] => fake.requests.filter((r) => r.method === 'POST');

  beforeAll(async () => {
    fake = await startFakeSentinelOne({
      threats: Object.values(THREATS).map((id, i) => makeThreat(id, s1Time(60_000 - i * 1000))),
      alerts: [stampAlert(fixtureAlert(), s1Time(30_000))],
    });
    app = await startHeadless({
      config: {
        sources: [
          {
            id: 's1',
            kind: 'sentinelone',
            name: 'S1',
            baseUrl: fake.url,
            apiToken: 'tok',
            pollIntervalSec: 3600,
          },
          { id: 'hook', kind: 'webhook', name: 'Hook Tool', token: HOOK_TOKEN },
        ],
      },
    });
    const outcome = await call<MethodResponse<'sources.pollNow'>>(app, 'sources.pollNow', { id: 's1' });
    expect(outcome.ok).toBe(true);
    ids = await incidentIds(app);
    expect(ids.size).toBe(Object.keys(THREATS).length + 1);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('acknowledged: sets the threat in progress with the source token and records the line', async () => {
    const id = ids.get(THREATS.ack)!;
    const before = actions().length;
    const updated = await setStatus(app, id, 'acknowledged');
    expect(updated.status).toBe('acknowledged');

    const [entry] = await writeBacks(app, id);
    expect(entry).toMatchObject({
      action: 'written_back',
      actor: 'S1',
      via: 'system',
      detail: 'SentinelOne: incident status in_progress',
    });
    const sent = actions().slice(before);
    expect(sent.map((r) => [r.path, r.authorization, r.status])).toEqual([
      ['/web/api/v2.1/threats/incident', 'ApiToken tok', 200],
    ]);
    expect(sent[0]!.body).toEqual(
      expectedBody('/threats/incident', THREATS.ack, { incidentStatus: 'in_progress' }),
    );
    expect((fake.threat(THREATS.ack)!.threatInfo as Json).incidentStatus).toBe('in_progress');
  });

  it('false_positive: sets the verdict, then resolves', async () => {
    const id = ids.get(THREATS.fp)!;
    const before = actions().length;
    await setStatus(app, id, 'false_positive', 'admin tool');

    const [entry] = await writeBacks(app, id);
    expect(entry).toMatchObject({
      action: 'written_back',
      detail: 'SentinelOne: incident status resolved, verdict false_positive',
    });
    const sent = actions().slice(before);
    expect(sent.map((r) => r.path)).toEqual([
      '/web/api/v2.1/threats/analyst-verdict',
      '/web/api/v2.1/threats/incident',
    ]);
    expect(sent[0]!.body).toEqual(
      expectedBody('/threats/analyst-verdict', THREATS.fp, { analystVerdict: 'false_positive' }),
    );
    expect(sent[1]!.body).toEqual(
      expectedBody('/threats/incident', THREATS.fp, { incidentStatus: 'resolved' }),
    );
    expect(sent.every((r) => r.authorization === 'ApiToken tok')).toBe(true);
    expect(fake.threat(THREATS.fp)!.threatInfo).toMatchObject({
      incidentStatus: 'resolved',
      analystVerdict: 'false_positive',
    });
  });

  it('resolved on a cloud-detection alert uses the alert actions; reopening sets it unresolved', async () => {
    const id = ids.get(ALERT_ID)!;
    const before = actions().length;
    await setStatus(app, id, 'resolved');
    expect((await writeBacks(app, id))[0]).toMatchObject({
      action: 'written_back',
      detail: 'SentinelOne: incident status resolved',
    });
    await setStatus(app, id, 'new');
    expect((await writeBacks(app, id, 2))[1]).toMatchObject({
      action: 'written_back',
      detail: 'SentinelOne: incident status unresolved',
    });

    const sent = actions().slice(before);
    expect(sent.map((r) => r.path)).toEqual([
      '/web/api/v2.1/cloud-detection/alerts/incident',
      '/web/api/v2.1/cloud-detection/alerts/incident',
    ]);
    expect(sent[0]!.body).toEqual(
      expectedBody('/cloud-detection/alerts/incident', ALERT_ID, { incidentStatus: 'resolved' }),
    );
    expect(sent[1]!.body).toEqual(
      expectedBody('/cloud-detection/alerts/incident', ALERT_ID, { incidentStatus: 'unresolved' }),
    );
    expect((fake.alert(ALERT_ID)!.alertInfo as Json).incidentStatus).toBe('unresolved');
  });

  it('a 500 from the console is recorded as a failed write-back; the status change stands', async () => {
    const id = ids.get(THREATS.failing)!;
    fake.failNext({ kind: 'status', status: 500 });
    await setStatus(app, id, 'in_progress');

    const [entry] = await writeBacks(app, id);
    expect(entry!.action).toBe('write_back_failed');
    expect(entry!.detail).toMatch(
      new RegExp(
        `^SentinelOne: could not set incident status in_progress on threat ${THREATS.failing}: .*/web/api/v2\\.1/threats/incident: HTTP 500 — fake failure 500$`,
      ),
    );
    const after = await detail(app, id);
    expect(after.incident.status).toBe('in_progress');
    expect(after.timeline.map((e) => e.action)).toEqual(['created', 'status_changed', 'write_back_failed']);
    expect((fake.threat(THREATS.failing)!.threatInfo as Json).incidentStatus).toBe('unresolved');
  });

  it('"affected: 0" (the threat is gone) is a failure, not a silent success', async () => {
    const id = ids.get(THREATS.gone)!;
    fake.removeThreats(THREATS.gone);
    const before = actions().length;
    await setStatus(app, id, 'false_positive');

    const [entry] = await writeBacks(app, id);
    expect(entry).toMatchObject({
      action: 'write_back_failed',
      detail: `SentinelOne changed nothing: the threat may be gone (no threat ${THREATS.gone} visible to this API token; verdict false_positive not set)`,
    });
    // The status request is not sent once the verdict found nothing.
    expect(
      actions()
        .slice(before)
        .map((r) => r.path),
    ).toEqual(['/web/api/v2.1/threats/analyst-verdict']);
    expect((await detail(app, id)).incident.status).toBe('false_positive');
  });

  it('a refused API token gives a failed write-back that says to check the token', async () => {
    const id = ids.get(THREATS.auth)!;
    fake.setToken('rotated-token');
    try {
      await setStatus(app, id, 'resolved');
      const [entry] = await writeBacks(app, id);
      expect(entry!.action).toBe('write_back_failed');
      expect(entry!.detail).toMatch(/HTTP 401 — Authentication failed: invalid or expired API token/);
      expect(entry!.detail).toMatch(/check the API token .* threat management permissions$/);
    } finally {
      fake.setToken('tok');
    }
    expect((await detail(app, id)).incident.status).toBe('resolved');
    expect(actions().at(-1)).toMatchObject({ authorization: 'ApiToken tok', status: 401 });
  });

  it('an incident from a webhook source gets no write-back', async () => {
    const res = await fetch(`${app.webhookUrl}/hooks/hook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${HOOK_TOKEN}` },
      body: JSON.stringify({ id: 'H-1', title: 'Suspicious login', severity: 'high' }),
    });
    expect(res.status).toBe(202);
    const hookIncident = ((await res.json()) as { incidentId: string }).incidentId;
    const before = actions().length;
    await setStatus(app, hookIncident, 'resolved');
    // A write-back that would happen is started before setStatus returns; one on
    // a SentinelOne incident afterwards shows when it would have been recorded.
    const witness = ids.get(THREATS.witness)!;
    await setStatus(app, witness, 'resolved');
    await writeBacks(app, witness);

    expect(
      actions()
        .slice(before)
        .map((r) => (r.body as { filter: { ids: string[] } }).filter.ids),
    ).toEqual([[THREATS.witness]]);
    const hook = await detail(app, hookIncident);
    expect(hook.incident.status).toBe('resolved');
    expect(hook.timeline.map((e) => e.action)).toEqual(['created', 'status_changed']);
  });

  it('a disabled source gets no write-back', async () => {
    const id = ids.get(THREATS.disabled)!;
    await call(app, 'sources.setEnabled', { id: 's1', enabled: false });
    const before = actions().length;
    await setStatus(app, id, 'resolved');
    await call(app, 'sources.setEnabled', { id: 's1', enabled: true });
    await call(app, 'sources.pollNow', { id: 's1' });
    // Enabled again, a later decision is written back; the one taken while disabled never was.
    await setStatus(app, id, 'closed');
    const entries = await writeBacks(app, id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'written_back',
      detail: 'SentinelOne: incident status resolved',
    });
    expect(actions().slice(before)).toHaveLength(1);
    expect((await detail(app, id)).timeline.map((e) => e.action)).toEqual([
      'created',
      'status_changed',
      'status_changed',
      'written_back',
    ]);
  });
});

describe('MaxPatrol write-back', () => {
  const transitionShape = JSON.parse(
    readFileSync(join(FIXTURES, 'maxpatrol', 'incident_transition_request.json'), 'utf8'),
  ) as Json;
  let fake: FakeMaxPatrol;
  let app: Headless;
  let ids: Map<string, string>;
  const vendor: Record<'ack' | 'fp' | 'resolve' | 'renew' | 'refused' | 'failing' | 'gone', string> = {
    ack: '',
    fp: '',
    resolve: '',
    renew: '',
    refused: '',
    failing: '',
    gone: '',
  };

  const card = (id: string) => fake.incidents.find((i) => i.card.id === id)!;

  beforeAll(async () => {
    fake = await startFakeMaxPatrol();
    Object.keys(vendor).forEach((name, i) => {
      vendor[name as keyof typeof vendor] = String(
        fake.addIncident({ created: mpTime(120_000 - i * 1000), severity: 'High' }).card.id,
      );
    });
    app = await startHeadless({
      config: {
        sources: [
          {
            id: 'mp',
            kind: 'maxpatrol',
            name: 'MP Core',
            baseUrl: fake.baseUrl,
            tokenPort: fake.tokenPort,
            username: MP_USERNAME,
            password: MP_PASSWORD,
            clientSecret: MP_CLIENT_SECRET,
            pollIntervalSec: 3600,
            maxEvents: 0,
          },
        ],
      },
    });
    const outcome = await call<MethodResponse<'sources.pollNow'>>(app, 'sources.pollNow', { id: 'mp' });
    expect(outcome.ok).toBe(true);
    ids = await incidentIds(app);
    expect(ids.size).toBe(Object.keys(vendor).length);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('acknowledged: confirms the incident (Approved) with a comment naming the analyst', async () => {
    const id = ids.get(vendor.ack)!;
    const before = fake.transitionRequests().length;
    await setStatus(app, id, 'acknowledged');

    const [entry] = await writeBacks(app, id);
    expect(entry).toMatchObject({
      action: 'written_back',
      actor: 'MP Core',
      via: 'system',
      detail: 'MaxPatrol: transition Approved, comment "Confirmed by api in Vigil"',
    });
    const sent = fake.transitionRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: `/api/incidents/${vendor.ack}/transitions`, status: 204 });
    expect(sent[0]!.headers.authorization).toMatch(/^Bearer mp-access-\d+$/);
    const body = JSON.parse(sent[0]!.body) as Json;
    expect(Object.keys(body).sort()).toEqual(Object.keys(transitionShape).sort());
    expect(body).toEqual({ id: 'Approved', measures: '', message: 'Confirmed by api in Vigil' });
    expect(card(vendor.ack).card).toMatchObject({ status: 'Approved', isConfirmed: true });
    expect(card(vendor.ack).transitions).toMatchObject([
      {
        prevStatus: 'New',
        nextStatus: 'Approved',
        comment: 'Confirmed by api in Vigil',
        changedBy: { id: MP_USER_ID },
      },
    ]);
  });

  it('false_positive: closes the incident with "Closed as false positive by <actor> in Vigil: <note>"', async () => {
    const id = ids.get(vendor.fp)!;
    const before = fake.transitionRequests().length;
    await setStatus(app, id, 'false_positive', 'vulnerability scanner');

    const [entry] = await writeBacks(app, id);
    const message = 'Closed as false positive by api in Vigil: vulnerability scanner';
    expect(entry).toMatchObject({
      action: 'written_back',
      detail: `MaxPatrol: transition Closed, comment "${message}"`,
    });
    const sent = fake.transitionRequests().slice(before);
    expect(sent.map((r) => [r.url, JSON.parse(r.body) as unknown, r.status])).toEqual([
      [`/api/incidents/${vendor.fp}/transitions`, { id: 'Closed', measures: '', message }, 204],
    ]);
    expect(card(vendor.fp).card.status).toBe('Closed');
  });

  it('resolved moves to Resolved; back to new sends nothing and says so', async () => {
    const id = ids.get(vendor.resolve)!;
    const before = fake.transitionRequests().length;
    await setStatus(app, id, 'resolved');
    expect((await writeBacks(app, id))[0]).toMatchObject({
      action: 'written_back',
      detail: 'MaxPatrol: transition Resolved, comment "Resolved by api in Vigil"',
    });
    await setStatus(app, id, 'new');
    expect((await writeBacks(app, id, 2))[1]).toMatchObject({
      action: 'written_back',
      detail: 'MaxPatrol: nothing sent (MaxPatrol has no transition back to New)',
    });
    const sent = fake.transitionRequests().slice(before);
    expect(sent.map((r) => (JSON.parse(r.body) as Json).id)).toEqual(['Resolved']);
    expect(card(vendor.resolve).card.status).toBe('Resolved');
  });

  it('a 401 renews the token and retries the transition once', async () => {
    const id = ids.get(vendor.renew)!;
    const before = fake.transitionRequests().length;
    const refreshes = fake.tokenRequests('refresh_token').length;
    fake.failNext('transition', { mode: 'unauthorized' });
    await setStatus(app, id, 'in_progress');

    const [entry] = await writeBacks(app, id);
    expect(entry).toMatchObject({
      action: 'written_back',
      detail: 'MaxPatrol: transition InProgress, comment "Taken into work by api in Vigil"',
    });
    const sent = fake.transitionRequests().slice(before);
    expect(sent.map((r) => r.status)).toEqual([401, 204]);
    expect(sent[1]!.headers.authorization).not.toBe(sent[0]!.headers.authorization);
    expect(fake.tokenRequests('refresh_token')).toHaveLength(refreshes + 1);
    expect(card(vendor.renew).card.status).toBe('InProgress');
  });

  it('a 401 that renewal cannot fix is a failed write-back; the status change stands', async () => {
    const id = ids.get(vendor.refused)!;
    fake.failNext('transition', { mode: 'unauthorized' }, 2);
    await setStatus(app, id, 'closed');

    const [entry] = await writeBacks(app, id);
    expect(entry!.action).toBe('write_back_failed');
    expect(entry!.detail).toMatch(
      new RegExp(
        `^MaxPatrol: transition of incident ${vendor.refused} to Closed failed: MaxPatrol refused a freshly issued token \\(.*HTTP 401 — Unauthorized\\); check that the user may use the API$`,
      ),
    );
    const after = await detail(app, id);
    expect(after.incident.status).toBe('closed');
    expect(after.timeline.map((e) => e.action)).toEqual(['created', 'status_changed', 'write_back_failed']);
    expect(card(vendor.refused).card.status).toBe('New');
  });

  it('a 500 from the Core is a failed write-back with the Core message', async () => {
    const id = ids.get(vendor.failing)!;
    fake.failNext('transition', { mode: 'server_error' });
    await setStatus(app, id, 'acknowledged');

    const [entry] = await writeBacks(app, id);
    expect(entry!.action).toBe('write_back_failed');
    expect(entry!.detail).toMatch(
      new RegExp(
        `^MaxPatrol: transition of incident ${vendor.failing} to Approved failed: .*/api/incidents/${vendor.failing}/transitions: HTTP 500 — Internal server error$`,
      ),
    );
    expect((await detail(app, id)).incident.status).toBe('acknowledged');
    expect(card(vendor.failing).card.status).toBe('New');
  });

  it('an incident deleted on the Core says so', async () => {
    const id = ids.get(vendor.gone)!;
    fake.incidents.splice(fake.incidents.indexOf(card(vendor.gone)), 1);
    await setStatus(app, id, 'resolved');

    const [entry] = await writeBacks(app, id);
    expect(entry!.action).toBe('write_back_failed');
    expect(entry!.detail).toMatch(
      /to Resolved failed \(the incident may have been deleted\): .*HTTP 404 — Incident not found$/,
    );
  });
});
