/**
 * Telegram end to end. The channel adapter and Bot API client against a fake
 * Bot API (tests/fixtures/telegram/fake-bot-api.ts); the whole core against
 * the telegram-test-api emulator, whose clients send commands and press
 * buttons; and, against the fake again, what the emulator cannot show: a 429
 * with retry_after, and a restart that must neither repeat nor miss updates.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import TelegramServer from 'telegram-test-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { systemClock } from '../../electron/core/clock';
import { silentLogger } from '../../electron/core/logger';
import type { OutgoingMessage, SendContext } from '../../electron/core/notify/channel-adapter';
import type { TelegramAdapterDeps } from '../../electron/core/notify/channels/telegram';
import { createTelegramAdapter } from '../../electron/core/notify/channels/telegram';
import { SourceError } from '../../electron/core/sources/source-error';
import type { TelegramChannelConfig } from '../../shared/config';
import { telegramChannelSchema } from '../../shared/config';
import type { Incident } from '../../shared/domain';
import type { IncidentDetail, MethodResponse } from '../../shared/ipc/contract';
import type { FakeBotApi } from '../fixtures/telegram/fake-bot-api';
import { messageUpdate, startFakeBotApi, tgFixture } from '../fixtures/telegram/fake-bot-api';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';
import { beaconFixture } from '../helpers/incidents';

async function until<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 8000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function incident(overrides: Partial<Incident> = {}): Incident {
  return beaconFixture({
    id: 'inc_0190000000000000aaaa0001',
    fingerprint: 'alert|x',
    title: 'Beacon <to> c2 & more',
    at: '2026-01-01T10:00:00.000Z',
    ...overrides,
  });
}

describe('telegram adapter against a fake Bot API', () => {
  let fake: FakeBotApi;
  beforeAll(async () => {
    fake = await startFakeBotApi();
  });
  afterAll(async () => {
    await fake.close();
  });

  function adapterDeps(approved: string[]) {
    const remembered: string[] = [];
    const unreachable: string[] = [];
    const deps: TelegramAdapterDeps = {
      approvedChats: () => approved,
      timeZone: () => 'Asia/Tokyo',
      remember: (incidentId, channelId, chatId, messageId) =>
        remembered.push(`${incidentId}/${channelId}/${chatId}/${messageId}`),
      unreachable: (_channelId, chatId, reason) => unreachable.push(`${chatId}: ${reason}`),
    };
    return { deps, remembered, unreachable };
  }

  const channel = (overrides: Partial<TelegramChannelConfig> = {}): TelegramChannelConfig =>
    telegramChannelSchema.parse({
      id: 'tg',
      kind: 'telegram',
      name: 'TG',
      botToken: fake.token,
      apiRoot: fake.url,
      chatId: '-100500',
      ...overrides,
    });

  const ctx = (previous: { address: string; ref: string }[] = []): SendContext => ({
    signal: new AbortController().signal,
    clock: systemClock,
    logger: silentLogger,
    secret: (value) => value,
    previous,
  });

  const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    purpose: 'incident',
    incident: incident(),
    events: [],
    analysis: null,
    appUrl: null,
    ...overrides,
  });

  it('sends HTML with the incident buttons to every approved chat and the configured one', async () => {
    const { deps, remembered } = adapterDeps(['555', '-100500']);
    const adapter = createTelegramAdapter(channel(), deps);
    expect(adapter.sendsUpdates).toBe(true);
    const receipt = await adapter.send(message(), ctx());
    const sent = fake.messages.slice(-2);
    expect(sent.map((m) => m.chat_id)).toEqual(['555', '-100500']);
    expect(receipt.refs).toEqual(sent.map((m) => ({ address: m.chat_id, ref: String(m.message_id) })));
    expect(receipt.detail).toBe('sent to 2 chats');
    expect(remembered).toEqual(
      sent.map((m) => `inc_0190000000000000aaaa0001/tg/${m.chat_id}/${m.message_id}`),
    );
    expect(sent[0]!.parse_mode).toBe('HTML');
    expect(sent[0]!.text).toContain('🟠 <b>HIGH</b> · <b>Beacon &lt;to&gt; c2 &amp; more</b>');
    expect(sent[0]!.text).toContain('Time: 2026-01-01 19:00:00 Asia/Tokyo');
    expect(sent[0]!.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '✅ Acknowledge', callback_data: 'ack:inc_0190000000000000aaaa0001' },
          { text: '🚫 Close as false positive', callback_data: 'fp:inc_0190000000000000aaaa0001' },
        ],
        [{ text: '🔄 Refresh', callback_data: 'ref:inc_0190000000000000aaaa0001' }],
      ],
    });
    // The request carries the fields of the recorded incident message.
    const recorded = Object.keys(tgFixture('sendMessage_request_incident_keyboard.json')).filter(
      (k) => k !== '_note',
    );
    const request = fake.calls.filter((c) => c.method === 'sendMessage').at(-1)!.body;
    for (const key of recorded) expect(request).toHaveProperty(key);
  });

  it('edits for updates, treats "not modified" as done and replaces a message that is gone', async () => {
    const { deps, remembered } = adapterDeps(['555']);
    const adapter = createTelegramAdapter(channel(), deps);
    const first = await adapter.send(message(), ctx());
    const acked = message({ purpose: 'update', incident: incident({ status: 'acknowledged' }) });
    const second = await adapter.send(acked, ctx(first.refs));
    expect(second).toEqual({ refs: first.refs, detail: 'updated 2 messages' });
    const edited = fake.messages.find((m) => m.message_id === Number(first.refs[0]!.ref))!;
    expect(edited.edits).toBe(1);
    expect(edited.text).toContain('Status: 👀 Acknowledged');
    expect(JSON.stringify(edited.reply_markup)).not.toContain('ack:');
    const editRequest = fake.calls.filter((c) => c.method === 'editMessageText').at(-1)!.body;
    const recorded = Object.keys(tgFixture('editMessageText_request.json')).filter((k) => k !== '_note');
    for (const key of recorded) expect(editRequest).toHaveProperty(key);

    // The same content again: Telegram says "not modified", which is success.
    const third = await adapter.send(acked, ctx(first.refs));
    expect(third.detail).toBe('updated 2 messages');
    expect(edited.edits).toBe(1);

    // A message that cannot be edited any more is sent anew.
    const before = remembered.length;
    const gone = [{ address: '555', ref: '999999' }, first.refs[1]!];
    const fourth = await adapter.send(
      message({ purpose: 'update', incident: incident({ status: 'in_progress' }) }),
      ctx(gone),
    );
    expect(fourth.detail).toBe('sent to 1 chat, updated 1 message');
    expect(fourth.refs[0]!.ref).not.toBe('999999');
    expect(remembered.slice(before)).toEqual([`inc_0190000000000000aaaa0001/tg/555/${fourth.refs[0]!.ref}`]);
  });

  it('maps 429 to rate_limited with retry_after, surfaces Telegram descriptions and never the token', async () => {
    const adapter = createTelegramAdapter(channel(), adapterDeps([]).deps);
    fake.failNext('sendMessage', { kind: 'rate_limit', retryAfterSec: 35 });
    const limited = await adapter.send(message(), ctx()).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(SourceError);
    expect(limited).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 35_000,
      message: 'Telegram sendMessage: Too Many Requests: retry after 35',
    });

    fake.failNext('sendMessage', { kind: 'html', status: 502 });
    const html = (await adapter.send(message(), ctx()).catch((error: unknown) => error)) as SourceError;
    expect(html.message).toBe('Telegram sendMessage: expected JSON, got an HTML page (HTTP 502)');

    const wrong = createTelegramAdapter(channel({ botToken: '999:wrong-token' }), adapterDeps([]).deps);
    const auth = (await wrong.send(message(), ctx()).catch((error: unknown) => error)) as SourceError;
    expect(auth).toMatchObject({
      kind: 'auth',
      message: 'Telegram sendMessage: Unauthorized (check the bot token)',
    });
    for (const error of [limited as SourceError, html, auth]) {
      expect(error.message).not.toContain(fake.token);
      expect(error.message).not.toContain('wrong-token');
    }

    const noToken = createTelegramAdapter(channel({ botToken: undefined }), adapterDeps([]).deps);
    await expect(noToken.send(message(), ctx())).rejects.toMatchObject({ kind: 'config' });
    const noChat = createTelegramAdapter(channel({ chatId: undefined }), adapterDeps([]).deps);
    await expect(noChat.send(message(), ctx())).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringContaining('no chat to send to') as string,
    });
  });

  it('skips chats that refuse the bot (403) and fails for good only when all do', async () => {
    const { deps, unreachable } = adapterDeps(['555', '777']);
    const adapter = createTelegramAdapter(channel({ chatId: undefined }), deps);
    fake.blocked.add('777');
    const receipt = await adapter.send(message(), ctx());
    expect(receipt.refs.map((r) => r.address)).toEqual(['555']);
    expect(receipt.detail).toBe(
      'sent to 1 chat, 1 refused (chat 777: Forbidden: bot was blocked by the user)',
    );
    expect(unreachable).toEqual(['777: Forbidden: bot was blocked by the user']);

    fake.blocked.add('555');
    const all = await adapter.send(message(), ctx()).catch((error: unknown) => error);
    expect(all).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('every chat refused') as string,
    });
    fake.blocked.clear();
  });

  it('retries only the chats that failed: what went out is remembered and not sent twice', async () => {
    const { deps, remembered } = adapterDeps(['555', '556']);
    const adapter = createTelegramAdapter(channel({ chatId: undefined }), deps);
    fake.failNext(
      'sendMessage',
      { kind: 'status', status: 500, description: 'Internal Server Error' },
      '556',
    );
    const failed = await adapter.send(message(), ctx()).catch((error: unknown) => error);
    expect(failed).toMatchObject({
      kind: 'http',
      message: '1 of 2 chats failed: Telegram sendMessage: Internal Server Error',
    });
    expect(remembered).toHaveLength(1);
    const [, , chatId, ref] = remembered[0]!.split('/');
    const before = fake.messagesIn('555').length;
    // The outbox retries with the refs remembered so far.
    const retried = await adapter.send(message(), ctx([{ address: chatId!, ref: ref! }]));
    expect(retried.detail).toBe('sent to 1 chat, updated 1 message');
    expect(fake.messagesIn('555')).toHaveLength(before);
    expect(fake.messagesIn('556')).toHaveLength(1);
  });

  it('sends a test message without buttons and keeps no refs', async () => {
    const adapter = createTelegramAdapter(channel(), adapterDeps([]).deps);
    const receipt = await adapter.send(
      message({ purpose: 'test', incident: incident({ id: 'inc_test', title: 'Test notification' }) }),
      ctx(),
    );
    expect(receipt).toEqual({ refs: [], detail: 'sent to 1 chat' });
    expect(fake.messages.at(-1)).toMatchObject({ reply_markup: null });
    expect(fake.messages.at(-1)!.text).toContain('🧪');
  });
});

// ---- the whole core against the telegram-test-api emulator ----

interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}
interface EmulatorBotMessage {
  botToken: string;
  messageId: number;
  message: { chat_id: string | number; text: string; parse_mode?: string; reply_markup?: InlineKeyboard };
}
interface EmulatorClient {
  makeCommand(text: string): object;
  sendCommand(message: object): Promise<unknown>;
  makeCallbackQuery(data: string, options?: object): object;
  sendCallback(message: object): Promise<unknown>;
}
interface Emulator {
  config: { port: number; apiURL: string };
  storage: { botMessages: EmulatorBotMessage[] };
  start(): Promise<void>;
  stop(): Promise<boolean>;
  getClient(
    token: string,
    options: {
      chatId: number;
      userId: number;
      userName: string;
      firstName: string;
      type?: string;
      chatTitle?: string;
    },
  ): EmulatorClient;
}

const ADMIN_CHAT = 9001;
const TEAM_CHAT = -100500;

describe('telegram bot in the core, against the telegram-test-api emulator', () => {
  let emulator: Emulator;
  let app: Headless | null = null;
  let tokenSeq = 0;

  beforeAll(async () => {
    emulator = new TelegramServer({ host: '127.0.0.1', port: 1 }) as unknown as Emulator;
    // The emulator treats port 0 as "unset"; listen on an ephemeral port and tell its clients where.
    emulator.config.port = 0;
    await emulator.start();
    const { port } = (emulator as unknown as { server: Server }).server.address() as AddressInfo;
    emulator.config.apiURL = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await emulator.stop();
  });
  afterEach(async () => {
    await app?.stop();
    app = null;
  });

  /** A core whose Telegram channel talks to the emulator with a token of its own (the emulator keeps messages per token). */
  async function start(options: { mask?: boolean } = {}) {
    const token = `${1000 + ++tokenSeq}:emulated-token`;
    app = await startHeadless({
      config: {
        channels: [
          {
            id: 'tg',
            kind: 'telegram',
            name: 'SOC Telegram',
            minSeverity: 'low',
            mask: options.mask ?? false,
            botToken: token,
            apiRoot: emulator.config.apiURL,
            adminChatId: String(ADMIN_CHAT),
            chatId: String(TEAM_CHAT),
          },
        ],
        ui: { timeZone: 'Europe/Moscow' },
      },
    });
    const target = app;
    const client = (chatId: number, userName: string, firstName: string, type = 'private') =>
      emulator.getClient(token, {
        chatId,
        userId: Math.abs(chatId) + 1,
        userName,
        firstName,
        type,
        chatTitle: firstName,
      });
    const inChat = (chatId: number) =>
      emulator.storage.botMessages.filter(
        (m) => m.botToken === token && String(m.message.chat_id) === String(chatId),
      );
    const waitFor = (chatId: number, match: (text: string) => boolean, what: string) =>
      until(
        () => inChat(chatId).find((m) => match(m.message.text)),
        (m) => m !== undefined,
        what,
      ) as Promise<EmulatorBotMessage>;
    const admin = client(ADMIN_CHAT, 'boss', 'Big');
    /** Sends a command and waits for the answer that `match` recognises. */
    const command = async (
      who: EmulatorClient,
      chatId: number,
      text: string,
      match: (reply: string) => boolean,
    ) => {
      const before = inChat(chatId).length;
      await who.sendCommand(who.makeCommand(text));
      return until(
        () =>
          inChat(chatId)
            .slice(before)
            .find((m) => match(m.message.text)),
        (m) => m !== undefined,
        `the answer to ${text}`,
      ) as Promise<EmulatorBotMessage>;
    };
    /** Updates are handled in order: once the admin's /ping is answered, everything sent before it was handled. */
    const settle = () => command(admin, ADMIN_CHAT, '/ping', (t) => t.startsWith('pong'));
    const post = async (alert: Record<string, unknown>) => {
      const res = await fetch(`${target.webhookUrl}/api/alert`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
        body: JSON.stringify(alert),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { incidentId: string }).incidentId;
    };
    const detail = async (id: string) =>
      ((await target.rpc('incidents.get', { id })).body as { value: IncidentDetail }).value;
    return { app: target, token, client, inChat, waitFor, admin, command, settle, post, detail };
  }

  it('posts an alert as an HTML message with the buttons its status allows', async () => {
    const t = await start();
    const id = await t.post({
      type: 'ransomware',
      severity: 'critical',
      rule: 'Ransom <note> & co',
      target: 'fs-01',
      timestamp: '2026-01-10T10:00:00Z',
    });
    const sent = await t.waitFor(TEAM_CHAT, (text) => text.includes(id), 'the incident message');
    expect(sent.message.parse_mode).toBe('HTML');
    const text = sent.message.text;
    expect(text).toContain('🔴 <b>CRITICAL</b> · <b>Ransom &lt;note&gt; &amp; co on fs-01</b>');
    expect(text).toContain(`ID: <code>${id}</code>`);
    expect(text).toContain('Time: 2026-01-10 13:00:00 Europe/Moscow');
    expect(text).toContain('Status: 🆕 New');
    expect(text).toContain('Type: ransomware');
    expect(text).toContain('Host: <code>fs-01</code>');
    expect(text).toContain('<b>Events</b>');
    expect(text).toContain(
      'type=ransomware, severity=critical, rule=Ransom &lt;note&gt; &amp; co, target=fs-01',
    );
    expect(sent.message.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '✅ Acknowledge', callback_data: `ack:${id}` },
          { text: '🚫 Close as false positive', callback_data: `fp:${id}` },
        ],
        [{ text: '🔄 Refresh', callback_data: `ref:${id}` }],
      ],
    });
    // Not to the admin chat: it is not approved for incidents.
    expect(t.inChat(ADMIN_CHAT)).toEqual([]);
  });

  it('acknowledges from an approved chat, names the user on the timeline and edits the message; refuses others', async () => {
    const t = await start();
    const id = await t.post({ type: 'c2_beacon', severity: 'high', target: 'ws-9' });
    const sent = await t.waitFor(TEAM_CHAT, (text) => text.includes(id), 'the incident message');
    const ann = t.client(TEAM_CHAT, 'ann', 'Ann', 'supergroup');
    await ann.sendCallback(ann.makeCallbackQuery(`ack:${id}`, { message: { message_id: sent.messageId } }));

    const acked = await until(
      () => t.detail(id),
      (d) => d.incident.status === 'acknowledged',
      'the acknowledgement',
    );
    expect(acked.timeline.at(-1)).toMatchObject({
      actor: 'Telegram: @ann (Ann)',
      via: 'telegram',
      action: 'status_changed',
      detail: 'new -> acknowledged',
    });
    // The outbox's update edits the message: new status, no Acknowledge button.
    await until(
      () => sent.message.text,
      (text) => text.includes('Status: 👀 Acknowledged'),
      'the edited message',
    );
    expect(sent.message.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: '🚫 Close as false positive', callback_data: `fp:${id}` }],
        [{ text: '🔄 Refresh', callback_data: `ref:${id}` }],
      ],
    });
    expect(t.inChat(TEAM_CHAT)).toHaveLength(1);

    // Someone in a chat that is not approved presses a button: nothing changes.
    const eve = t.client(777, 'eve', 'Eve');
    await eve.sendCallback(eve.makeCallbackQuery(`fp:${id}`, { message: { message_id: sent.messageId } }));
    await t.settle();
    const after = await t.detail(id);
    expect(after.incident.status).toBe('acknowledged');
    expect(after.timeline).toHaveLength(acked.timeline.length);
    expect(t.inChat(777)).toEqual([]);
  });

  it('masks what it sends when the channel masks, also when a button re-renders the message', async () => {
    const t = await start({ mask: true });
    const id = await t.post({
      type: 'credential_theft',
      severity: 'high',
      target: 'ws-fin-014.corp.example.com',
      ip: '10.20.30.40',
    });
    const sent = await t.waitFor(TEAM_CHAT, (text) => text.includes(id), 'the masked incident message');
    expect(sent.message.text).not.toContain('ws-fin-014');
    expect(sent.message.text).not.toContain('10.20.30.40');
    expect(sent.message.text).toMatch(/Host: <code>HOST_\d+/);
    const ann = t.client(TEAM_CHAT, 'ann', 'Ann', 'supergroup');
    await ann.sendCallback(ann.makeCallbackQuery(`ref:${id}`, { message: { message_id: sent.messageId } }));
    await ann.sendCallback(ann.makeCallbackQuery(`ack:${id}`, { message: { message_id: sent.messageId } }));
    await until(
      () => sent.message.text,
      (text) => text.includes('Status: 👀 Acknowledged'),
      'the edited message',
    );
    expect(sent.message.text).not.toContain('ws-fin-014');
    expect(sent.message.text).toMatch(/Host: <code>HOST_\d+/);
  });

  it('lets a new chat ask, the admin allow it, and then sends it the next incident', async () => {
    const t = await start();
    const newcomer = t.client(4242, 'carl', 'Carl');
    await newcomer.sendCommand(newcomer.makeCommand('/start'));
    const ask = await t.waitFor(ADMIN_CHAT, (text) => text.includes('wants incidents'), 'the admin request');
    expect(ask.message.text).toContain('Chat <b>Carl</b> (<code>4242</code>) wants incidents.');
    expect(ask.message.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '✅ Allow', callback_data: 'allow:4242' },
          { text: '🙈 Ignore', callback_data: 'ignore:4242' },
          { text: '⛔ Block', callback_data: 'block:4242' },
        ],
      ],
    });
    await t.waitFor(
      4242,
      (text) => text.includes('sent to the administrator'),
      'the acknowledgement of the request',
    );
    const pending = (await t.app.rpc('telegram.chats', { channelId: 'tg' })).body as {
      value: MethodResponse<'telegram.chats'>;
    };
    expect(pending.value).toMatchObject([{ chatId: '4242', title: 'Carl', state: 'pending' }]);

    // Only the admin chat may decide.
    await newcomer.sendCallback(
      newcomer.makeCallbackQuery('allow:4242', { message: { message_id: ask.messageId } }),
    );
    await t.settle();
    expect(
      ((await t.app.rpc('telegram.chats', { channelId: 'tg' })).body as typeof pending).value[0]!.state,
    ).toBe('pending');

    await t.admin.sendCallback(
      t.admin.makeCallbackQuery('allow:4242', { message: { message_id: ask.messageId } }),
    );
    await t.waitFor(4242, (text) => text.includes('now receives Vigil incidents'), 'the approval notice');
    await until(
      () => ask.message.text,
      (text) => text.includes('allowed by Telegram: @boss (Big)'),
      'the admin message to show the decision',
    );
    const chats = ((await t.app.rpc('telegram.chats', { channelId: 'tg' })).body as typeof pending).value;
    expect(chats).toMatchObject([{ chatId: '4242', state: 'approved', decidedBy: 'Telegram: @boss (Big)' }]);

    const id = await t.post({ type: 'exfiltration', severity: 'high', target: 'db-1' });
    const delivered = await t.waitFor(4242, (text) => text.includes(id), 'the incident in the new chat');
    expect(delivered.message.reply_markup?.inline_keyboard.flat().map((b) => b.callback_data)).toEqual([
      `ack:${id}`,
      `fp:${id}`,
      `ref:${id}`,
    ]);
    await t.waitFor(TEAM_CHAT, (text) => text.includes(id), 'the incident in the configured chat');
  });

  it('runs the commands for the admin, refuses them for others, and ignores a blocked chat', async () => {
    const t = await start();
    const carl = t.client(4242, 'carl', 'Carl');
    await carl.sendCommand(carl.makeCommand('/start'));
    await t.waitFor(ADMIN_CHAT, (text) => text.includes('wants incidents'), 'the admin request');
    // Approved from the console this time: the chat and the admin are told.
    const decided = await t.app.rpc('telegram.decide', {
      channelId: 'tg',
      chatId: '4242',
      decision: 'approved',
    });
    expect(decided.body).toEqual({ ok: true, value: { ok: true } });
    await t.waitFor(4242, (text) => text.includes('now receives Vigil incidents'), 'the approval notice');
    await t.waitFor(ADMIN_CHAT, (text) => text.includes('in the console'), 'the console decision notice');

    const pong = await t.command(t.admin, ADMIN_CHAT, '/ping', (r) => r.startsWith('pong'));
    expect(pong.message.text).toMatch(/^pong — Vigil 0\.0\.0-test, up \d+s$/);
    const help = await t.command(t.admin, ADMIN_CHAT, '/help', (r) => r.includes('/ping'));
    expect(help.message.text).toContain('/debug');
    const accepted = await t.command(t.admin, ADMIN_CHAT, '/accepted', (r) => r.includes('Approved chats'));
    expect(accepted.message.text).toContain('• <b>Carl</b> (<code>4242</code>) — /deny4242 · /ban4242');

    await t.command(carl, 4242, '/ping', (r) => r.startsWith('pong'));
    for (const text of ['/accepted', '/banned', '/debug', '/ban4242', '/unban4242']) {
      const refused = await t.command(carl, 4242, text, (r) => r.startsWith('⛔'));
      expect(refused.message.text).toBe(`⛔ Only the admin chat may use /${/^\/([a-z]+)/.exec(text)![1]}.`);
    }

    const banned = await t.command(t.admin, ADMIN_CHAT, '/ban4242', (r) => r.includes('4242'));
    expect(banned.message.text).toBe('⛔ Chat <b>Carl</b> (<code>4242</code>) blocked.');
    const list = await t.command(t.admin, ADMIN_CHAT, '/banned', (r) => r.includes('Blocked chats'));
    expect(list.message.text).toContain('• <b>Carl</b> (<code>4242</code>) — /unban4242');

    // A blocked chat gets nothing: no incidents, no answers.
    const before = t.inChat(4242).length;
    const id = await t.post({ type: 'lateral_movement', severity: 'critical', target: 'dc-1' });
    await t.waitFor(TEAM_CHAT, (text) => text.includes(id), 'the incident in the configured chat');
    await carl.sendCommand(carl.makeCommand('/ping'));
    await carl.sendCommand(carl.makeCommand('/start'));
    await t.settle();
    expect(t.inChat(4242)).toHaveLength(before);

    const unbanned = await t.command(t.admin, ADMIN_CHAT, '/unban4242', (r) => r.includes('unblocked'));
    expect(unbanned.message.text).toContain('(<code>4242</code>) unblocked (it may ask again).');
    const debug = await t.command(t.admin, ADMIN_CHAT, '/debug', (r) => r.startsWith('🩺'));
    expect(debug.message.text).toContain('🩺 <b>SOC Telegram</b> (<code>tg</code>)');
    expect(debug.message.text).toContain('Queue: pending 0 · held 0 · dead 0 · sent 1');
    expect(debug.message.text).toContain('Delivered: 1');
    expect(debug.message.text).toContain('Chats: approved 0 · pending 0 · ignored 1 · blocked 0');
  });
});

// ---- what the emulator cannot do: 429 and offset-honouring restarts ----

describe('telegram bot in the core, against the fake Bot API', () => {
  let fake: FakeBotApi;
  beforeAll(async () => {
    fake = await startFakeBotApi({ token: '424242:fake-core-token' });
  });
  afterAll(async () => {
    await fake.close();
  });

  const config = (extra: Record<string, unknown> = {}) => ({
    channels: [
      {
        id: 'tg',
        kind: 'telegram' as const,
        name: 'SOC Telegram',
        minSeverity: 'low' as const,
        mask: false,
        botToken: fake.token,
        apiRoot: fake.url,
        adminChatId: '9001',
        ...extra,
      },
    ],
  });

  it('honours retry_after on a 429 before sending again', async () => {
    const app = await startHeadless({ config: config({ chatId: '-100600' }) });
    try {
      // Longer than the outbox's own first backoff (2 s ± 20 %), so only retry_after explains the wait.
      fake.failNext('sendMessage', { kind: 'rate_limit', retryAfterSec: 3 }, '-100600');
      const res = await fetch(`${app.webhookUrl}/api/alert`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
        body: JSON.stringify({ type: 'worm', severity: 'critical', target: 'ws-1' }),
      });
      expect(res.status).toBe(202);
      await until(
        () => fake.messagesIn('-100600').length,
        (n) => n === 1,
        'the delivery after the rate limit',
        10_000,
      );
      const attempts = fake.calls.filter((c) => c.method === 'sendMessage' && c.body.chat_id === '-100600');
      expect(attempts).toHaveLength(2);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(3000);
      const outbox = (await app.rpc('channels.outbox', { id: 'tg' })).body as {
        value: MethodResponse<'channels.outbox'>;
      };
      expect(outbox.value.entries).toMatchObject([{ state: 'sent', attempts: 2, purpose: 'incident' }]);
      expect(outbox.value.deliveries.map((d) => [d.ok, d.detail])).toEqual([
        [true, 'sent to 1 chat'],
        [false, 'Telegram sendMessage: Too Many Requests: retry after 3'],
      ]);
    } finally {
      await app.stop();
    }
  });

  it('neither repeats nor misses updates across a restart on the same data dir', async () => {
    const dir = tempDir();
    try {
      let app = await startHeadless({ config: config(), dataDir: dir.path });
      fake.push(
        messageUpdate(
          { id: 555, type: 'private' },
          { id: 555, username: 'ann', first_name: 'Ann' },
          '/start',
        ),
      );
      const asks = (chatId: string) =>
        fake.messagesIn('9001').filter((m) => m.text.includes(`(<code>${chatId}</code>) wants incidents`));
      await until(
        () => asks('555').length,
        (n) => n === 1,
        'the first request',
      );
      await app.stop();

      const pollsBefore = fake.offsets().length;
      const missed = fake.push(
        messageUpdate(
          { id: 666, type: 'private' },
          { id: 666, username: 'eve', first_name: 'Eve' },
          '/start',
        ),
      );
      app = await startHeadless({ config: config(), dataDir: dir.path });
      try {
        await until(
          () => asks('666').length,
          (n) => n === 1,
          'the update sent while stopped',
        );
        expect(fake.offsets()[pollsBefore]).toBe(missed);
        expect(asks('555')).toHaveLength(1);
        const chats = (
          (await app.rpc('telegram.chats', { channelId: 'tg' })).body as {
            value: MethodResponse<'telegram.chats'>;
          }
        ).value;
        expect(chats.map((c) => [c.chatId, c.state])).toEqual([
          ['555', 'pending'],
          ['666', 'pending'],
        ]);
      } finally {
        await app.stop();
      }
    } finally {
      dir.remove();
    }
  });
});
