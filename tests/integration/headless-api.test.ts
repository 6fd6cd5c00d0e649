/**
 * The headless shell end to end over real HTTP on 127.0.0.1: webhook intake,
 * the contract over /api/rpc, push events over SSE, and every refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { IncidentDetail, MethodResponse, SettingsView } from '../../shared/ipc/contract';
import type { Headless } from '../helpers/headless';
import {
  TEST_API_TOKEN,
  TEST_PIN,
  TEST_WEBHOOK_TOKEN,
  openEventStream,
  startHeadless,
} from '../helpers/headless';

let app: Headless;

beforeAll(async () => {
  app = await startHeadless({ config: { webhook: { maxBodyBytes: 4096 } } });
});
afterAll(async () => {
  await app.stop();
});

async function postAlert(body: string, headers: Record<string, string> = {}, path = '/api/alert') {
  const res = await fetch(`${app.webhookUrl}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}`,
      ...headers,
    },
    body,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const alert = {
  ip: '203.0.113.50',
  type: 'ssh_bruteforce',
  severity: 'high',
  timestamp: '2026-11-20T10:00:00Z',
  rule: 'SSH brute force',
  source_log: 'sshd: Failed password for invalid user admin from 203.0.113.50',
  target: 'web-01.example.com',
};

describe('webhook -> incident -> contract -> SSE', () => {
  it('answers 202 after storing, lists the incident over RPC and pushes it over SSE', async () => {
    const stream = await openEventStream(app.url);
    try {
      const posted = await postAlert(JSON.stringify(alert));
      expect(posted.status).toBe(202);
      expect(posted.body).toMatchObject({ duplicate: false });
      expect(posted.body.id).toMatch(/^evt_/);
      expect(posted.body.incidentId).toMatch(/^inc_/);

      const list = await app.rpc('incidents.list', {});
      expect(list.status).toBe(200);
      const value = (list.body as { ok: true; value: MethodResponse<'incidents.list'> }).value;
      expect(value.items[0]).toMatchObject({
        id: posted.body.incidentId,
        title: 'SSH brute force on web-01.example.com',
        severity: 'high',
        status: 'new',
        host: 'web-01.example.com',
      });

      await stream.waitFor((events) =>
        events.some(
          (e) =>
            e.name === 'incidents.changed' &&
            (e.data as { item: { id: string } }).item.id === posted.body.incidentId,
        ),
      );
      await stream.waitFor((events) => events.some((e) => e.name === 'system.counts'));
    } finally {
      stream.close();
    }
  });

  it('groups a repeat into the same incident and says it was a duplicate', async () => {
    const again = await postAlert(JSON.stringify(alert));
    expect(again.status).toBe(202);
    expect(again.body.duplicate).toBe(true);
    const detail = await app.rpc('incidents.get', { id: again.body.incidentId });
    const value = (detail.body as { value: IncidentDetail }).value;
    expect(value.incident.count).toBe(2);
    expect(value.events).toHaveLength(2);
    expect(JSON.parse(value.events[0]!.body)).toEqual(alert);
  });

  it('accepts the token as X-Vigil-Token and as ?token=', async () => {
    const viaHeader = await postAlert(JSON.stringify({ type: 'port_scan' }), {
      Authorization: '',
      'X-Vigil-Token': TEST_WEBHOOK_TOKEN,
    });
    expect(viaHeader.status).toBe(202);
    const viaQuery = await postAlert(
      JSON.stringify({ type: 'port_scan', target: 'db-02' }),
      { Authorization: '' },
      `/api/alert?token=${TEST_WEBHOOK_TOKEN}`,
    );
    expect(viaQuery.status).toBe(202);
  });

  it('changes status with a timeline entry naming who and through what', async () => {
    const posted = await postAlert(JSON.stringify({ type: 'malware', severity: 'critical', target: 'ws-7' }));
    const changed = await app.rpc('incidents.setStatus', {
      id: posted.body.incidentId,
      status: 'acknowledged',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ok: true, value: { status: 'acknowledged' } });
    const detail = (await app.rpc('incidents.get', { id: posted.body.incidentId })).body as {
      value: IncidentDetail;
    };
    expect(detail.value.timeline.at(-1)).toMatchObject({
      actor: 'api',
      via: 'api',
      action: 'status_changed',
      detail: 'new -> acknowledged',
    });
  });
});

describe('webhook refusals', () => {
  it('refuses bad JSON, a bad schema, no or wrong token, an oversized body and unknown routes, clearly', async () => {
    const badJson = await postAlert('{"type": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ error: { code: 'bad_request' } });
    expect(String((badJson.body.error as { message: string }).message)).toMatch(/not valid JSON/);

    const badSchema = await postAlert(JSON.stringify({ severity: 'apocalyptic', ip: '999.1.1.1' }));
    expect(badSchema.status).toBe(400);
    const message = (badSchema.body.error as { message: string }).message;
    expect(message).toMatch(/type: required/);
    expect(message).toMatch(/severity: must be one of info, low, medium, high, critical/);
    expect(message).toMatch(/ip: must be an IPv4 or IPv6 address/);
    const wrongType = await postAlert(JSON.stringify({ type: 7 }));
    expect((wrongType.body.error as { message: string }).message).toBe('type: must be a string');

    const noToken = await postAlert(JSON.stringify(alert), { Authorization: '' });
    expect(noToken.status).toBe(401);
    const wrongToken = await postAlert(JSON.stringify(alert), { Authorization: 'Bearer nope' });
    expect(wrongToken.status).toBe(401);

    const huge = await postAlert(JSON.stringify({ ...alert, source_log: 'x'.repeat(10_000) }));
    expect(huge.status).toBe(413);

    const notUtf8 = await fetch(`${app.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    });
    expect(notUtf8.status).toBe(400);

    const unknown = await postAlert('{}', {}, '/api/nothing');
    expect(unknown.status).toBe(404);
  });

  it('stores nothing from rejected input', async () => {
    const before = ((await app.rpc('system.status')).body as { value: { counts: { total: number } } }).value
      .counts.total;
    await postAlert('{"type": ');
    await postAlert(JSON.stringify({ severity: 'x' }));
    await postAlert(JSON.stringify(alert), { Authorization: 'Bearer wrong' });
    const after = ((await app.rpc('system.status')).body as { value: { counts: { total: number } } }).value
      .counts.total;
    expect(after).toBe(before);
  });
});

describe('contract over HTTP', () => {
  it('answers unknown methods and bad arguments with contract errors', async () => {
    const unknown = await app.rpc('incidents.explode', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'unknown_method' } });

    const badArgs = await app.rpc('incidents.list', { limit: 'lots' });
    expect(badArgs.status).toBe(400);
    expect(badArgs.body).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((badArgs.body as { error: { message: string } }).error.message).toMatch(/^limit:/);

    const missing = await app.rpc('incidents.get', { id: 'inc_missing' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const badCursor = await app.rpc('incidents.list', { cursor: 'garbage' });
    expect(badCursor.body).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const notJson = await fetch(`${app.url}/api/rpc/incidents.list`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_API_TOKEN}` },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses calls without credentials, and cookie calls without the client header', async () => {
    const anonymous = await fetch(`${app.url}/api/rpc/incidents.list`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    const events = await fetch(`${app.url}/api/events`);
    expect(events.status).toBe(401);
    const wrongBearer = await fetch(`${app.url}/api/rpc/incidents.list`, {
      method: 'POST',
      headers: { Authorization: 'Bearer wrong' },
      body: '{}',
    });
    expect(wrongBearer.status).toBe(401);
  });

  it('logs a browser in with the PIN: HttpOnly SameSite=Strict cookie, CSRF header required', async () => {
    const session = (await (await fetch(`${app.url}/api/session`)).json()) as Record<string, unknown>;
    expect(session).toEqual({ authenticated: false, pinRequired: true });

    const wrong = await fetch(`${app.url}/api/login`, {
      method: 'POST',
      headers: { 'X-Vigil-Client': 'web' },
      body: JSON.stringify({ pin: '0000' }),
    });
    expect(wrong.status).toBe(401);

    const login = await fetch(`${app.url}/api/login`, {
      method: 'POST',
      headers: { 'X-Vigil-Client': 'web' },
      body: JSON.stringify({ pin: TEST_PIN }),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^vigil_session=[\w-]{20,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;

    const withHeader = await fetch(`${app.url}/api/rpc/setup.get`, {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Vigil-Client': 'web' },
      body: '{}',
    });
    expect(withHeader.status).toBe(200);
    const withoutHeader = await fetch(`${app.url}/api/rpc/setup.get`, {
      method: 'POST',
      headers: { Cookie: cookie },
      body: '{}',
    });
    expect(withoutHeader.status).toBe(401);
    const sse = await fetch(`${app.url}/api/events`, { headers: { Cookie: cookie } });
    expect(sse.status).toBe(200);
    await sse.body?.cancel();

    await fetch(`${app.url}/api/logout`, { method: 'POST', headers: { Cookie: cookie } });
    const afterLogout = await fetch(`${app.url}/api/rpc/setup.get`, {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Vigil-Client': 'web' },
      body: '{}',
    });
    expect(afterLogout.status).toBe(401);
  });
});

describe('demo feed', () => {
  it('starts from setup, produces incidents at once and reports healthy', async () => {
    const stream = await openEventStream(app.url);
    try {
      const started = await app.rpc('setup.startDemo', { ratePerMinute: 600 });
      expect(started.body).toMatchObject({ ok: true, value: { kind: 'demo', enabled: true } });
      const setup = (await app.rpc('setup.get')).body;
      expect(setup).toMatchObject({ ok: true, value: { setupDone: true, demoRunning: true } });
      await stream.waitFor(
        (events) => events.filter((e) => e.name === 'incidents.changed').length >= 6,
        5000,
      );
      const demo = await app.rpc('incidents.list', { sourceKind: ['demo'] });
      const value = (demo.body as { value: MethodResponse<'incidents.list'> }).value;
      expect(value.total).toBeGreaterThanOrEqual(1);
      const sources = (await app.rpc('sources.list')).body as { value: MethodResponse<'sources.list'> };
      expect(sources.value[0]).toMatchObject({ id: 'demo', health: { state: 'ok', consecutiveFailures: 0 } });

      const disabled = await app.rpc('sources.setEnabled', { id: 'demo', enabled: false });
      expect(disabled.body).toMatchObject({
        ok: true,
        value: { enabled: false, health: { state: 'disabled' } },
      });
    } finally {
      stream.close();
    }
  });
});

describe('sources over the contract', () => {
  it('adds a source with its secret sealed, keeps the secret on edit, refuses a taken id on create', async () => {
    const source = {
      id: 'di-x',
      kind: 'deepinstinct',
      name: 'DI',
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'k-123456',
    };
    const created = await app.rpc('sources.upsert', { source, create: true });
    expect(created.body).toMatchObject({
      ok: true,
      value: { id: 'di-x', secrets: { apiKey: true }, settings: { baseUrl: 'http://127.0.0.1:9' } },
    });
    expect(JSON.stringify(created.body)).not.toContain('k-123456');

    const again = await app.rpc('sources.upsert', { source, create: true });
    expect(again.body).toMatchObject({ ok: false, error: { code: 'bad_request', message: /^source\.id:/ } });

    const edited = await app.rpc('sources.upsert', {
      source: { ...source, name: 'Deep Instinct', apiKey: '' },
    });
    expect(edited.body).toMatchObject({
      ok: true,
      value: { name: 'Deep Instinct', secrets: { apiKey: true } },
    });

    const bad = await app.rpc('sources.upsert', { source: { ...source, baseUrl: 'ftp://x' } });
    expect(bad.body).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: /source\.baseUrl:/ },
    });

    const test = await app.rpc('sources.test', { id: 'di-x' });
    expect(test.body).toMatchObject({ ok: true, value: { ok: false, message: /connection refused/ } });

    expect((await app.rpc('sources.remove', { id: 'di-x' })).body).toEqual({
      ok: true,
      value: { removed: true },
    });
    expect((await app.rpc('sources.test', { id: 'di-x' })).body).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('settings over the contract', () => {
  it('shows secrets only as set, keeps them when sent empty, and names a bad key', async () => {
    const initial = (await app.rpc('settings.get')).body as { value: SettingsView };
    expect(initial.value.webhook.tokenSet).toBe(true);
    expect(JSON.stringify(initial.value)).not.toContain(TEST_WEBHOOK_TOKEN);

    const updated = await app.rpc('settings.update', {
      patch: { ai: { model: 'llama3.1', apiKey: 'sk-test-123456' }, ui: { timeZone: 'Europe/Moscow' } },
    });
    expect(updated.body).toMatchObject({
      ok: true,
      value: { ai: { model: 'llama3.1', apiKeySet: true }, ui: { timeZone: 'Europe/Moscow' } },
    });
    expect(JSON.stringify(updated.body)).not.toContain('sk-test-123456');

    const kept = await app.rpc('settings.update', { patch: { ai: { apiKey: '' } } });
    expect(kept.body).toMatchObject({ ok: true, value: { ai: { apiKeySet: true } } });

    const bad = await app.rpc('settings.update', { patch: { ui: { timeZone: 'Nowhere/Never' } } });
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'bad_request', message: /ui\.timeZone/ } });
    const unknown = await app.rpc('settings.update', { patch: { sources: { x: 1 } } });
    expect(unknown.body).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: /patch\.sources/ },
    });
    const status = (await app.rpc('system.status')).body as { value: { timeZone: string } };
    expect(status.value.timeZone).toBe('Europe/Moscow');
  });
});
