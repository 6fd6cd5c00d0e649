/**
 * WhatsApp through the real core: linking a gateway session (the QR arrives
 * as whatsapp.status events and via whatsapp.qr, changes, and gives way to
 * "open" once the phone scans it), groups, alerts delivered through the
 * gateway and through the Cloud API, and what an analyst sees when either
 * fails. Fakes of both are real HTTP servers on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { systemClock } from '../../electron/core/clock';
import type { SendContext } from '../../electron/core/notify/channel-adapter';
import { createWhatsAppAdapter } from '../../electron/core/notify/channels/whatsapp';
import { WhatsAppService } from '../../electron/core/notify/whatsapp-sessions';
import { GatewayClient } from '../../electron/core/notify/whatsapp/gateway-client';
import { SendThrottle } from '../../electron/core/notify/whatsapp/throttle';
import type { Logger } from '../../electron/core/logger';
import { SourceError } from '../../electron/core/sources/source-error';
import type { ConfigInput, WhatsAppChannelConfig } from '../../shared/config';
import { parseConfig, whatsappChannelSchema } from '../../shared/config';
import type { Incident, RawEvent } from '../../shared/domain';
import type { ChannelView, EventName, MethodResponse, WhatsAppSession } from '../../shared/ipc/contract';
import type { FakeCloudApi, FakeWhatsAppGateway } from '../helpers/fake-whatsapp-gateway';
import {
  cloudError,
  fixtureGroups,
  startFakeCloudApi,
  startFakeWhatsAppGateway,
  waFixture,
} from '../helpers/fake-whatsapp-gateway';
import type { EventStream, Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, openEventStream, startHeadless } from '../helpers/headless';
import { incidentFixture } from '../helpers/incidents';

const API_KEY = 'gw-key-5Qm2Xv9Lr7Tb';
const ACCESS_TOKEN = 'EAAG-test-token-8Hn3Kd6Wq1Zs';
const PHONE_NUMBER_ID = '106540352242922';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function gateway(options: Parameters<typeof startFakeWhatsAppGateway>[0] = {}) {
  const fake = await startFakeWhatsAppGateway({ apiKey: API_KEY, ...options });
  cleanup.push(() => fake.close());
  return fake;
}

async function cloud() {
  const fake = await startFakeCloudApi({ accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID });
  cleanup.push(() => fake.close());
  return fake;
}

function gatewayChannel(fake: FakeWhatsAppGateway, extra: Record<string, unknown> = {}) {
  return {
    id: 'wa',
    kind: 'whatsapp' as const,
    name: 'WhatsApp',
    provider: 'gateway' as const,
    bridgeUrl: fake.url,
    apiKey: API_KEY,
    session: 'vigil',
    target: '+7 999 000-11-22',
    minSeverity: 'low' as const,
    mask: false,
    ...extra,
  };
}

function cloudChannel(fake: FakeCloudApi, extra: Record<string, unknown> = {}) {
  return {
    id: 'wa-cloud',
    kind: 'whatsapp' as const,
    name: 'WhatsApp Cloud',
    provider: 'cloud' as const,
    cloudApiRoot: fake.root,
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: ACCESS_TOKEN,
    target: '+16505551234',
    minSeverity: 'low' as const,
    mask: false,
    ...extra,
  };
}

async function start(config: ConfigInput): Promise<Headless> {
  const app = await startHeadless({ config, core: { _notifyBackoffBaseMs: 50 } });
  cleanup.push(() => app.stop());
  return app;
}

async function stream(app: Headless): Promise<EventStream> {
  const events = await openEventStream(app.url);
  cleanup.push(() => {
    events.close();
  });
  return events;
}

async function ok<T>(app: Headless, method: string, args: unknown): Promise<T> {
  const res = await app.rpc(method, args);
  expect(res.body, `${method} ${JSON.stringify(res.body)}`).toMatchObject({ ok: true });
  return (res.body as { value: T }).value;
}

async function refused(app: Headless, method: string, args: unknown) {
  const res = await app.rpc(method, args);
  expect(res.body).toMatchObject({ ok: false });
  return { status: res.status, ...(res.body as { error: { code: string; message: string } }).error };
}

async function post(app: Headless, alert: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${app.webhookUrl}/api/alert`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
    body: JSON.stringify(alert),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { incidentId: string }).incidentId;
}

async function until<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

type StatusEvent = { channelId: string; session: WhatsAppSession };
const statusEvents = (events: { name: EventName; data: unknown }[], session: string) =>
  events
    .filter((e) => e.name === 'whatsapp.status')
    .map((e) => e.data as StatusEvent)
    .filter((e) => e.session.name === session);

const outboxOf = async (app: Headless, id: string) =>
  ok<MethodResponse<'channels.outbox'>>(app, 'channels.outbox', { id });
const channelOf = async (app: Headless, id: string) =>
  (await ok<ChannelView[]>(app, 'channels.list', {})).find((c) => c.id === id)!;

describe('WhatsApp gateway sessions', () => {
  it('connects a session: the QR arrives as an event and via whatsapp.qr, changes, and the session opens once linked', async () => {
    const fake = await gateway({ qrRotateMs: 1500 });
    const app = await start({ channels: [gatewayChannel(fake)] });
    const events = await stream(app);

    const connected = await ok<WhatsAppSession>(app, 'whatsapp.connect', { channelId: 'wa', session: 'soc' });
    // The session did not exist: it was created, then started.
    expect(fake.requests.map((r) => r.route).slice(0, 4)).toEqual([
      'listSessions',
      'createSession',
      'connect',
      'qr',
    ]);
    expect(fake.requestsTo('createSession')[0]!.body).toEqual({ name: 'soc' });
    expect(connected).toMatchObject({ name: 'soc', status: 'qr', phone: null });
    const firstQr = connected.qr!;
    expect(firstQr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@[^,]+,[^,]+,[^,]+,[^,]+,1$/);
    expect(fake.issuedQrs('soc')[0]).toBe(firstQr);

    await events.waitFor((all) => statusEvents(all, 'soc').some((e) => e.session.qr === firstQr));
    expect(statusEvents(events.events, 'soc')[0]).toEqual({
      channelId: 'wa',
      session: { name: 'soc', status: 'qr', qr: firstQr, phone: null },
    });

    const read = await ok<WhatsAppSession>(app, 'whatsapp.qr', { channelId: 'wa', session: 'soc' });
    expect(read).toMatchObject({ name: 'soc', status: 'qr' });
    expect(read.qr).toBe(fake.issuedQrs('soc').at(-1));

    // The gateway moves to a new QR; the core's polling notices and pushes it.
    await events.waitFor(
      (all) => statusEvents(all, 'soc').some((e) => e.session.qr !== null && e.session.qr !== firstQr),
      6000,
    );
    const rotated = statusEvents(events.events, 'soc').find((e) => e.session.qr !== firstQr)!.session.qr!;
    expect(fake.issuedQrs('soc')).toContain(rotated);
    expect(rotated).not.toBe(firstQr);

    fake.link('soc', '79990001122');
    await events.waitFor((all) => statusEvents(all, 'soc').some((e) => e.session.status === 'open'), 5000);
    expect(statusEvents(events.events, 'soc').at(-1)).toEqual({
      channelId: 'wa',
      session: { name: 'soc', status: 'open', qr: null, phone: '79990001122' },
    });
    // No event repeats an unchanged state.
    const snapshots = statusEvents(events.events, 'soc').map((e) => JSON.stringify(e.session));
    expect(new Set(snapshots).size).toBe(snapshots.length);

    // Every gateway call carried the API key both ways.
    for (const request of fake.requests) {
      expect(request.apiKey).toBe(API_KEY);
      expect(request.authorization).toBe(`Bearer ${API_KEY}`);
    }

    // Connecting a linked session changes nothing at the gateway.
    const before = fake.requestsTo('connect').length;
    expect(
      await ok<WhatsAppSession>(app, 'whatsapp.connect', { channelId: 'wa', session: 'soc' }),
    ).toMatchObject({
      status: 'open',
      phone: '79990001122',
    });
    expect(fake.requestsTo('connect')).toHaveLength(before);
  });

  it('lists sessions with the QR of those waiting, and lists and refreshes groups', async () => {
    const fake = await gateway({ qrRotateMs: 60_000 });
    fake.addSession('vigil');
    fake.addSession('spare');
    const app = await start({ channels: [gatewayChannel(fake)] });

    await ok(app, 'whatsapp.connect', { channelId: 'wa', session: 'vigil' });
    let sessions = await ok<WhatsAppSession[]>(app, 'whatsapp.sessions', { channelId: 'wa' });
    expect(sessions).toEqual([
      { name: 'vigil', status: 'qr', qr: fake.qrOf('vigil'), phone: null },
      { name: 'spare', status: 'close', qr: null, phone: null },
    ]);

    const notLinked = await refused(app, 'whatsapp.groups', { channelId: 'wa', session: 'vigil' });
    expect(notLinked).toMatchObject({ code: 'conflict', status: 409 });
    expect(notLinked.message).toContain('is not linked: scan its QR in the WhatsApp view');

    fake.link('vigil', '79990001122');
    sessions = await ok<WhatsAppSession[]>(app, 'whatsapp.sessions', { channelId: 'wa' });
    expect(sessions[0]).toEqual({ name: 'vigil', status: 'open', qr: null, phone: '79990001122' });

    const recorded = waFixture<{ id: string; subject: string; participants: unknown[] }>(
      'baileys_group_metadata.CONSTRUCTED.json',
    );
    expect(await ok(app, 'whatsapp.groups', { channelId: 'wa', session: 'vigil' })).toEqual([
      { id: recorded.id, name: recorded.subject, participants: recorded.participants.length },
    ]);

    // The phone joined another group: the gateway's list shows it only after a fetch.
    fake.setPhoneGroups('vigil', fixtureGroups());
    expect(await ok<unknown[]>(app, 'whatsapp.groups', { channelId: 'wa', session: 'vigil' })).toHaveLength(
      1,
    );
    expect(fake.requestsTo('fetchGroups')).toHaveLength(0);
    expect(await ok(app, 'whatsapp.groups', { channelId: 'wa', session: 'vigil', refresh: true })).toEqual([
      { id: '120363000000000001@g.us', name: 'Night shift', participants: 3 },
      { id: recorded.id, name: 'SOC Alerts', participants: 2 },
    ]);
    expect(fake.requestsTo('fetchGroups')).toHaveLength(1);
  });

  it('refuses session calls on a Cloud API channel and explains gateway failures', async () => {
    const fake = await gateway();
    const cloudFake = await cloud();
    const app = await start({
      channels: [
        gatewayChannel(fake),
        cloudChannel(cloudFake),
        { id: 'desk', kind: 'desktop', name: 'Desktop' },
      ],
    });

    for (const [method, args] of [
      ['whatsapp.sessions', { channelId: 'wa-cloud' }],
      ['whatsapp.connect', { channelId: 'wa-cloud', session: 'vigil' }],
      ['whatsapp.qr', { channelId: 'wa-cloud', session: 'vigil' }],
      ['whatsapp.groups', { channelId: 'wa-cloud', session: 'vigil' }],
    ] as const) {
      const error = await refused(app, method, args);
      expect(error).toMatchObject({ code: 'bad_request', status: 400 });
      expect(error.message).toContain('the Cloud API needs no session');
    }
    expect(cloudFake.requests).toHaveLength(0);
    expect(await refused(app, 'whatsapp.sessions', { channelId: 'desk' })).toMatchObject({
      code: 'bad_request',
      message: 'channel desk is not a WhatsApp channel',
    });
    expect(await refused(app, 'whatsapp.sessions', { channelId: 'nope' })).toMatchObject({
      code: 'not_found',
    });

    fake.failNext({ kind: 'status', status: 401 }, 1, 'listSessions');
    const auth = await refused(app, 'whatsapp.sessions', { channelId: 'wa' });
    // Never 'unauthorized': that would look like the console's own session expiring.
    expect(auth).toMatchObject({ code: 'unavailable', status: 503 });
    expect(auth.message).toBe(
      `WhatsApp gateway: ${fake.url}/sessions: HTTP 401 — fake failure 401 — the gateway refused the API key: check the channel’s apiKey`,
    );

    fake.failNext({ kind: 'rate_limit', retryAfterSec: 7 }, 1, 'qr');
    expect(await refused(app, 'whatsapp.qr', { channelId: 'wa', session: 'vigil' })).toMatchObject({
      code: 'rate_limited',
      status: 429,
    });

    const unknown = await refused(app, 'whatsapp.qr', { channelId: 'wa', session: 'ghost' });
    expect(unknown).toMatchObject({ code: 'not_found' });
    expect(unknown.message).toContain('the gateway does not know session "ghost"');

    fake.failNext({ kind: 'html', status: 502 }, 1, 'listSessions');
    const html = await refused(app, 'whatsapp.sessions', { channelId: 'wa' });
    expect(html).toMatchObject({ code: 'unavailable' });
    expect(html.message).toContain('expected JSON, got an HTML page (HTTP 502)');

    fake.failNext({ kind: 'truncated' }, 1, 'listSessions');
    expect((await refused(app, 'whatsapp.sessions', { channelId: 'wa' })).message).toContain(
      'expected JSON, got invalid or cut-off JSON',
    );
  });
});

function silentLogger(lines: string[] = []): Logger {
  const log = (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  };
  const logger: Logger = {
    debug: log,
    info: log,
    warn: log,
    error: log,
    success: log,
    child: () => logger,
  };
  return logger;
}

describe('WhatsApp session polling', () => {
  /** The service on its own with fast polling, over a fixed config. */
  async function service(
    fake: FakeWhatsAppGateway,
    times: { connectWatchMs?: number; viewWatchMs?: number } = {},
  ) {
    const config = parseConfig({ channels: [gatewayChannel(fake)] });
    const emitted: StatusEvent[] = [];
    const logs: string[] = [];
    const wa = new WhatsAppService({
      config: { get: () => config, resolveSecret: (value) => value },
      bus: {
        emit: (name, payload) => {
          if (name === 'whatsapp.status') emitted.push(payload as StatusEvent);
        },
      },
      clock: systemClock,
      logger: silentLogger(logs),
      pollIntervalMs: 40,
      ...times,
    });
    await wa.start();
    cleanup.push(() => wa.stop());
    return { wa, emitted, logs };
  }

  /** Waits until the service says it stopped watching (for `reason`), then checks no poll follows. */
  const stopped = async (fake: FakeWhatsAppGateway, logs: string[], reason: string) => {
    await until(
      () => logs.some((line) => line.includes(`"reason":"${reason}"`)),
      (done) => done,
    );
    const polls = fake.requestsTo('qr').length;
    // Several poll intervals (40 ms) later, still no request.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requestsTo('qr')).toHaveLength(polls);
    return polls;
  };

  it('polls a connecting session, follows its status and QR, and stops once it is linked', async () => {
    const fake = await gateway({ qrRotateMs: 100, qrDelayMs: 150 });
    const { wa, emitted, logs } = await service(fake);
    const first = await wa.connect('wa', 'vigil');
    expect(first).toEqual({ name: 'vigil', status: 'connecting', qr: null, phone: null });
    await until(
      () => emitted.filter((e) => e.session.qr !== null).length,
      (n) => n >= 3,
    );
    expect(emitted[0]!.session.status).toBe('connecting');
    const qrs = emitted.flatMap((e) => (e.session.qr ? [e.session.qr] : []));
    expect(new Set(qrs).size).toBe(qrs.length);
    for (const qr of qrs) expect(fake.issuedQrs('vigil')).toContain(qr);

    fake.link('vigil', '4915112345678');
    await until(
      () => emitted.at(-1)!.session.status,
      (status) => status === 'open',
    );
    expect(emitted.at(-1)).toEqual({
      channelId: 'wa',
      session: { name: 'vigil', status: 'open', qr: null, phone: '4915112345678' },
    });
    const polls = await stopped(fake, logs, 'linked');
    expect(polls).toBeGreaterThanOrEqual(5);
  });

  it('stops polling when the time asked for runs out, and when the service stops', async () => {
    const fake = await gateway({ qrRotateMs: 60_000 });
    const { wa, logs } = await service(fake, { connectWatchMs: 300, viewWatchMs: 10_000 });
    const started = Date.now();
    await wa.connect('wa', 'vigil');
    const polls = await stopped(fake, logs, 'time is up');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    // The connect's own read, then at least one poll.
    expect(polls).toBeGreaterThanOrEqual(2);

    // A look from the view watches it again; a failing gateway is logged once per distinct failure, and polling goes on.
    await wa.qr('wa', 'vigil');
    const answered = () => fake.requestsTo('qr').filter((r) => r.status === 200).length;
    const before = answered();
    fake.failNext({ kind: 'status', status: 500 }, 3, 'qr');
    await until(answered, (n) => n >= before + 1);
    expect(fake.requestsTo('qr').filter((r) => r.status === 500)).toHaveLength(3);
    expect(logs.filter((line) => line.startsWith('could not read a WhatsApp session'))).toEqual([
      expect.stringContaining(`HTTP 500 — fake failure 500`),
    ]);

    await wa.qr('wa', 'vigil');
    await wa.stop();
    const atStop = fake.requestsTo('qr').length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requestsTo('qr')).toHaveLength(atStop);
    await expect(wa.qr('wa', 'vigil')).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('WhatsApp delivery', () => {
  it('delivers a routed alert through the gateway as {number, message, session}, to a phone or a group', async () => {
    const fake = await gateway();
    fake.addSession('vigil');
    fake.link('vigil', '79990001122');
    const app = await start({ channels: [gatewayChannel(fake)] });

    const id = await post(app, {
      type: 'ransomware',
      severity: 'critical',
      rule: 'Ransomware_behaviour',
      target: 'fs-01.corp.example',
      ip: '10.1.2.3',
      source_log: 'vssadmin delete shadows /all /quiet',
    });
    await until(
      () => fake.sends.length,
      (n) => n === 1,
    );
    const sent = fake.sends[0]!;
    expect(Object.keys(fake.requestsTo('send')[0]!.body as object).sort()).toEqual([
      'message',
      'number',
      'session',
    ]);
    expect(sent.number).toBe('79990001122');
    expect(sent.session).toBe('vigil');
    const lines = sent.message.split('\n');
    expect(lines[0]).toBe('🔴 *CRITICAL* · *Ransomware_behaviour on fs-01.corp.example*');
    expect(lines[1]).toBe('_vssadmin delete shadows /all /quiet_');
    expect(sent.message).toContain('\n*Host:* fs-01.corp.example\n');
    expect(sent.message).toMatch(/\n\*Source:\* .+ \(webhook\)\n/);
    expect(sent.message).toContain('\n*Status:* new\n');
    expect(sent.message).toMatch(/\n\*Time:\* \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n/);
    expect(sent.message).toContain('\n*Count:* 1');
    // The raw event, in a monospace block.
    expect(sent.message).toMatch(/\*Last events\*\n.+ UTC\n```\{.*"type":"ransomware".*\}```$/);
    expect(sent.message.length).toBeLessThanOrEqual(4096);

    const { entries, deliveries } = await outboxOf(app, 'wa');
    expect(entries).toMatchObject([{ incidentId: id, state: 'sent', attempts: 1 }]);
    expect(deliveries).toMatchObject([{ ok: true, detail: 'sent to 79990001122 via session vigil' }]);

    // Pick a group as the target, as the WhatsApp view does (the API key is left out and kept).
    const current = await channelOf(app, 'wa');
    await ok(app, 'channels.upsert', {
      channel: {
        id: 'wa',
        kind: 'whatsapp',
        name: current.name,
        minSeverity: current.minSeverity,
        mask: current.mask,
        enabled: current.enabled,
        ...current.settings,
        target: '120363000000000000@g.us',
      },
    });
    const stored = app.core.config.get().channels.find((c) => c.id === 'wa') as WhatsAppChannelConfig;
    expect(stored.target).toBe('120363000000000000@g.us');
    expect(app.core.config.resolveSecret(stored.apiKey)).toBe(API_KEY);
    const test = await ok<{ ok: boolean; message: string }>(app, 'channels.test', { id: 'wa' });
    expect(test).toMatchObject({
      ok: true,
      message: 'sent to group 120363000000000000@g.us via session vigil',
    });
    expect(fake.sends[1]).toMatchObject({ number: '120363000000000000@g.us', session: 'vigil' });
    expect(fake.sends[1]!.message).toContain('🧪 🔵 *INFO* · *Test notification from Vigil*');
  });

  it('masks sensitive values unless the channel shows real ones', async () => {
    const fake = await gateway();
    fake.addSession('vigil');
    fake.link('vigil', '79990001122');
    const channel = gatewayChannel(fake) as Record<string, unknown>;
    delete channel.mask;
    const app = await start({ channels: [channel as ReturnType<typeof gatewayChannel>] });
    expect((await channelOf(app, 'wa')).mask).toBe(true);
    await post(app, {
      type: 'lateral_movement',
      severity: 'high',
      target: 'fin-db-07.corp.example',
      ip: '10.20.30.40',
      source_log: 'psexec from 10.20.30.40 to fin-db-07.corp.example as CORP\\svc_backup',
    });
    await until(
      () => fake.sends.length,
      (n) => n === 1,
    );
    const { message } = fake.sends[0]!;
    for (const real of ['fin-db-07', '10.20.30.40', 'svc_backup']) expect(message).not.toContain(real);
    expect(message).toContain('\n*Host:* HOST_1.DOMAIN_1\n');
    expect(message).toContain('psexec from IP_1 to HOST_1.DOMAIN_1');
    expect(message).toContain('(webhook)');
  });

  it('delivers through the Cloud API with the documented text body', async () => {
    const fake = await cloud();
    const app = await start({ channels: [cloudChannel(fake)] });
    await post(app, { type: 'c2_beacon', severity: 'high', target: 'ws-042', ip: '203.0.113.7' });
    await until(
      () => fake.requests.length,
      (n) => n === 1,
    );
    const request = fake.requests[0]!;
    expect(request.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(request.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    const documented = waFixture<Record<string, unknown>>('cloudapi_send_text_request.json');
    const body = request.body as { text: { body: string; preview_url: boolean } } & Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(documented).sort());
    expect(body).toMatchObject({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'text',
      text: { preview_url: false },
    });
    expect(Object.keys(body.text).sort()).toEqual(['body', 'preview_url']);
    expect(body.text.body).toMatch(/^🟠 \*HIGH\* · \*c2_beacon on ws-042\*\n/);
    expect(body.text.body).toContain('*Host:* ws-042');

    const { deliveries } = await until(
      () => outboxOf(app, 'wa-cloud'),
      (o) => o.deliveries.length === 1,
    );
    expect(deliveries[0]).toMatchObject({ ok: true, detail: 'sent to 16505551234 via the Cloud API' });
  });

  it('turns 401, 429 + Retry-After and 500 into clear channel health errors', async () => {
    const fake = await gateway();
    fake.addSession('vigil');
    fake.link('vigil', '79990001122');
    const app = await start({ channels: [gatewayChannel(fake)] });
    const send = `${fake.url}/send`;

    fake.failNext({ kind: 'status', status: 401 }, 1, 'send');
    let result = await ok<{ ok: boolean; message: string }>(app, 'channels.test', { id: 'wa' });
    const authMessage = `WhatsApp gateway: ${send}: HTTP 401 — fake failure 401 — the gateway refused the API key: check the channel’s apiKey`;
    expect(result).toMatchObject({ ok: false, message: authMessage });
    expect((await channelOf(app, 'wa')).health.lastError).toBe(authMessage);

    fake.failNext({ kind: 'status', status: 500 }, 1, 'send');
    result = await ok(app, 'channels.test', { id: 'wa' });
    expect(result).toMatchObject({
      ok: false,
      message: `WhatsApp gateway: ${send}: HTTP 500 — fake failure 500`,
    });
    expect((await channelOf(app, 'wa')).health.lastError).toBe(
      `WhatsApp gateway: ${send}: HTTP 500 — fake failure 500`,
    );

    // Through the outbox: a 429 pauses the channel until Retry-After has passed.
    fake.failNext({ kind: 'rate_limit', retryAfterSec: 30 }, 1, 'send');
    const failedAt = Date.now();
    await post(app, { type: 'brute_force', severity: 'high', target: 'vpn-1' });
    const { entries } = await until(
      () => outboxOf(app, 'wa'),
      (o) => o.deliveries.length === 1,
    );
    expect(entries[0]).toMatchObject({ state: 'pending', attempts: 1 });
    expect(entries[0]!.lastError).toBe(
      `WhatsApp gateway: ${send}: HTTP 429 — fake failure 429 — the gateway asks to slow down`,
    );
    expect(Date.parse(entries[0]!.nextAttemptAt) - failedAt).toBeGreaterThanOrEqual(29_000);
    expect(fake.sends).toHaveLength(0);
    expect((await channelOf(app, 'wa')).health).toMatchObject({
      pending: 1,
      lastError: entries[0]!.lastError,
    });

    // A session the gateway does not know, or that is not linked, says where to fix it.
    fake.addSession('spare');
    await ok(app, 'channels.upsert', {
      channel: { ...gatewayChannel(fake), session: 'spare', apiKey: '' },
    });
    result = await ok(app, 'channels.test', { id: 'wa' });
    expect(result.message).toContain(
      'HTTP 409 — session spare is not connected — session "spare" is not linked',
    );
  });

  // Needs vendorMessage in sources/http-client.ts to read Graph-style bodies ({error: {message, code}}).
  it('surfaces Cloud API error bodies with a hint', async () => {
    const fake = await cloud();
    const app = await start({ channels: [cloudChannel(fake)] });
    const url = `${fake.root}/${PHONE_NUMBER_ID}/messages`;

    fake.failNext({
      kind: 'status',
      status: 400,
      body: cloudError(
        '(#131047) Re-engagement message',
        131047,
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      ),
    });
    let result = await ok<{ ok: boolean; message: string }>(app, 'channels.test', { id: 'wa-cloud' });
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      `WhatsApp Cloud API: ${url}: HTTP 400 — (#131047) Re-engagement message (code 131047) — more than 24 hours since the recipient last wrote to the business number; free-form text is refused until they write again`,
    );

    await ok(app, 'channels.upsert', { channel: cloudChannel(fake, { accessToken: 'EAAG-expired' }) });
    result = await ok(app, 'channels.test', { id: 'wa-cloud' });
    expect(result.message).toContain(`WhatsApp Cloud API: ${url}: HTTP 401 — Error validating access token`);
    expect(result.message).toContain('(code 190) — the access token expired or was revoked');

    fake.failNext({ kind: 'rate_limit', retryAfterSec: 12 });
    await ok(app, 'channels.upsert', { channel: cloudChannel(fake) });
    result = await ok(app, 'channels.test', { id: 'wa-cloud' });
    expect(result.message).toContain('HTTP 429 — (#130429) Rate limit hit');
  });

  it('refuses a group target on the Cloud API without calling it', async () => {
    const fake = await cloud();
    const app = await start({
      channels: [cloudChannel(fake, { id: 'wa-group', target: '120363000000000000@g.us' })],
    });
    const result = await ok<{ ok: boolean; message: string }>(app, 'channels.test', { id: 'wa-group' });
    expect(result).toMatchObject({
      ok: false,
      message:
        'the Cloud API cannot send to a group: set a phone number as the target, or use the gateway provider for groups',
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('WhatsApp adapter', () => {
  const now = '2026-03-02T08:15:30.000Z';
  const incident: Incident = incidentFixture({
    fingerprint: 'x',
    source: { kind: 'sentinelone', id: 's1', name: 'SentinelOne' },
    vendorId: 'T-1',
    consoleUrl: 'https://s1.example/threats/T-1',
    title: 'Mimikatz *credential* dumping',
    description: 'lsass access',
    severity: 'high',
    status: 'false_positive',
    category: 'credential_access',
    entities: {
      hosts: ['WS-1', 'WS-2', 'WS-3', 'WS-4'],
      users: ['CORP\\alice'],
      ips: [],
      files: [],
      processes: [],
      urls: [],
      domains: [],
    },
    at: now,
    firstSeen: '2026-03-02T08:00:00.000Z',
    count: 40,
    assignee: 'bob',
  });
  const event = (n: number, size: number): RawEvent => ({
    id: `ev${String(n)}`,
    receivedAt: now,
    sourceKind: 'sentinelone',
    sourceId: 's1',
    route: 'poll',
    incidentId: 'inc_1',
    body: JSON.stringify({ n, blob: 'x'.repeat(size) }),
  });
  const ctx = (signal = new AbortController().signal): SendContext => ({
    signal,
    clock: systemClock,
    logger: silentLogger(),
    secret: (value) => value,
    previous: [],
  });

  it('formats the message and keeps the Cloud API body within 4096 characters', async () => {
    const fake = await cloud();
    const channel = whatsappChannelSchema.parse(cloudChannel(fake));
    const adapter = createWhatsAppAdapter(channel);
    expect(adapter.sendsUpdates).toBe(false);
    const analysis = {
      state: 'done' as const,
      summary: 'Credential theft attempt; isolate WS-1.',
      severityAssessment: null,
      mitigationSteps: [],
      investigationSteps: [],
      confidence: 0.82,
      model: 'm',
      promptTokens: 1,
      completionTokens: 1,
      latencyMs: 1,
      cached: false,
      error: null,
      createdAt: now,
    };
    const receipt = await adapter.send(
      {
        purpose: 'incident',
        incident,
        events: [event(1, 300), event(2, 3000), event(3, 3000), event(4, 10)],
        analysis,
        appUrl: 'http://127.0.0.1:8080/#/incidents/inc_1',
      },
      ctx(),
    );
    expect(receipt.refs[0]!.ref).toBe(
      waFixture<{ messages: { id: string }[] }>('cloudapi_send_text_response.json').messages[0]!.id,
    );
    const text = (fake.requests[0]!.body as { text: { body: string } }).text.body;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.split('\n').slice(0, 3)).toEqual([
      // A title with a marker of its own is left plain rather than garbled.
      '🟠 *HIGH* · Mimikatz *credential* dumping',
      '_lsass access_',
      '',
    ]);
    expect(text).toContain('*Host:* WS-1, WS-2, WS-3 (+1 more)\n*User:* CORP\\alice\n');
    expect(text).toContain('*Status:* false positive · bob\n');
    expect(text).toContain('*Time:* 2026-03-02 08:15:30 UTC\n*Count:* 40 (since 2026-03-02 08:00:00 UTC)\n');
    expect(text).toContain(
      '*Console:* https://s1.example/threats/T-1\n*Vigil:* http://127.0.0.1:8080/#/incidents/inc_1\n',
    );
    expect(text).toContain('🤖 *AI summary* (confidence 82 %)\nCredential theft attempt; isolate WS-1.');
    expect(text).toContain('*Last events* (latest 3 of 40)');
    // Each event is cut to 400 characters; the three fit.
    expect(text.match(/```/g)).toHaveLength(6);
    expect(text).toContain('"n":1');
    expect(text).not.toContain('"n":4');

    const huge = { ...incident, title: 'T'.repeat(5000), description: 'd'.repeat(10_000) };
    await adapter.send(
      { purpose: 'update', incident: huge, events: [event(1, 10)], analysis: null, appUrl: null },
      ctx(),
    );
    const second = (fake.requests[1]!.body as { text: { body: string } }).text.body;
    expect(second.startsWith('🔁 *Update* · 🟠 *HIGH* · *TTTT')).toBe(true);
    expect(second).toHaveLength(4096);
    expect(second.endsWith('T…')).toBe(true);
  });

  it('spaces sends from one session at least a second apart, and stops waiting when cancelled', async () => {
    const fake = await gateway();
    fake.addSession('vigil');
    fake.link('vigil', '79990001122');
    const channel = whatsappChannelSchema.parse(gatewayChannel(fake));
    const throttle = new SendThrottle();
    const message = { purpose: 'incident' as const, incident, events: [], analysis: null, appUrl: null };
    await createWhatsAppAdapter(channel, throttle).send(message, ctx());
    const first = Date.now();
    // A fresh adapter sharing the throttle, as the outbox creates one per delivery.
    await createWhatsAppAdapter(channel, throttle).send(message, ctx());
    expect(Date.now() - first).toBeGreaterThanOrEqual(950);
    expect(fake.sends).toHaveLength(2);

    const controller = new AbortController();
    const pending = createWhatsAppAdapter(channel, throttle).send(message, ctx(controller.signal));
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(SourceError);
    expect(fake.sends).toHaveLength(2);

    // Another session is not held back by this one.
    fake.addSession('other');
    fake.link('other', '79990003344');
    const started = Date.now();
    await createWhatsAppAdapter({ ...channel, session: 'other' }, throttle).send(message, ctx());
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('reads the gateway log and refuses a 200 that says it failed', async () => {
    const fake = await gateway();
    fake.addSession('vigil');
    const client = new GatewayClient({ bridgeUrl: `${fake.url}/`, apiKey: API_KEY, clock: systemClock });
    expect(await client.logs()).toEqual(['session vigil created']);
    fake.failNext(
      { kind: 'status', status: 200, body: { success: false, message: 'number not on WhatsApp' } },
      1,
      'send',
    );
    await expect(client.send({ number: '1', message: 'x', session: 'vigil' })).rejects.toMatchObject({
      kind: 'http',
      message: `${fake.url}/send: the gateway refused: number not on WhatsApp`,
    });
  });
});
