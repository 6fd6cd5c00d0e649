/**
 * The Telegram bot service against an in-memory Bot API (no network): chat
 * approval, who may do what, commands, buttons, membership changes, the
 * persisted update offset, console decisions and reconciliation on config
 * changes. Real SQLite repos, real IncidentActions, a manual clock.
 */
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../electron/core/clock';
import { memoryBackend } from '../../electron/core/config/config-backend';
import { ConfigStore } from '../../electron/core/config/config-store';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createKvRepo } from '../../electron/core/db/repos/kv-repo';
import { createOutboxRepo } from '../../electron/core/db/repos/outbox-repo';
import { createRawEventsRepo } from '../../electron/core/db/repos/raw-events-repo';
import { createTelegramChatsRepo } from '../../electron/core/db/repos/telegram-chats-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { EventBus } from '../../electron/core/event-bus';
import { IncidentActions } from '../../electron/core/incidents/incident-actions';
import { silentLogger } from '../../electron/core/logger';
import type { BotApi, CallOptions } from '../../electron/core/notify/telegram/bot-api';
import { TelegramError } from '../../electron/core/notify/telegram/bot-api';
import { TelegramBotService } from '../../electron/core/notify/telegram-bots';
import { Sanitizer } from '../../electron/core/sanitizer/sanitizer';
import { createFileKeyCipher } from '../../electron/core/secrets/file-key-cipher';
import { createSecretStore } from '../../electron/core/secrets/secret-store';
import type { ConfigInput } from '../../shared/config';
import type { Incident } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import type { Json, TgChatInfo, TgPerson } from '../fixtures/telegram/fake-bot-api';
import { callbackUpdate, membershipUpdate, messageUpdate } from '../fixtures/telegram/fake-bot-api';
import { tempDir } from '../helpers/temp-dir';
import { memoryDb } from '../helpers/test-db';
import { beaconFixture } from '../helpers/incidents';

const BOT_ID = 7000001;
const ADMIN: TgChatInfo = { id: 900, type: 'private' };
const BOSS: TgPerson = { id: 900, username: 'boss', first_name: 'Big', last_name: 'Boss' };
const ANN_CHAT: TgChatInfo = { id: 555, type: 'private' };
const ANN: TgPerson = { id: 555, username: 'ann', first_name: 'Ann', last_name: 'Lee' };
const GROUP: TgChatInfo = { id: -100123, type: 'supergroup', title: 'SOC <night> shift' };
const EVE_CHAT: TgChatInfo = { id: 666, type: 'private' };
const EVE: TgPerson = { id: 666, username: 'eve', first_name: 'Eve' };

interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

/** A Bot API in memory: honours offset, holds empty polls until an update or an abort. */
class MemoryBotApi implements BotApi {
  readonly calls: ApiCall[] = [];
  private updates: (Json & { update_id: number })[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private wake: (() => void) | null = null;
  readonly failures: { method: string; error: Error }[] = [];

  push(update: Json): number {
    const update_id = this.nextUpdateId++;
    this.updates.push({ update_id, ...update });
    this.wake?.();
    return update_id;
  }

  async call<T>(method: string, params: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
    this.calls.push({ method, params, at: Date.now() });
    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure >= 0) throw this.failures.splice(failure, 1)[0]!.error;
    switch (method) {
      case 'getMe':
        return { id: BOT_ID, is_bot: true, username: 'vigil_bot' } as T;
      case 'getUpdates': {
        const offset = Number(params.offset);
        this.updates = this.updates.filter((u) => u.update_id >= offset);
        if (this.updates.length === 0 && !options.signal?.aborted) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            options.signal?.addEventListener('abort', () => resolve());
            setTimeout(resolve, 500);
          });
        }
        if (options.signal?.aborted) throw new Error('aborted');
        return this.updates.filter((u) => u.update_id >= offset) as T;
      }
      case 'sendMessage':
        return { message_id: this.nextMessageId++ } as T;
      default:
        return true as T;
    }
  }

  sent(chatId: number | string): string[] {
    return this.calls
      .filter((c) => c.method === 'sendMessage' && c.params.chat_id === String(chatId))
      .map((c) => c.params.text as string);
  }

  to(chatId: number | string): ApiCall[] {
    return this.calls.filter((c) => c.params.chat_id === String(chatId));
  }

  answers(): string[] {
    return this.calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.params.text as string);
  }
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return beaconFixture({
    id,
    fingerprint: `alert|${id}`,
    title: `c2 beacon ${id}`,
    ...overrides,
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function setup(
  channel: Record<string, unknown> = {},
  shared?: { db?: ReturnType<typeof memoryDb>; api?: MemoryBotApi; sanitize?: boolean },
) {
  const dir = tempDir();
  const db = shared?.db ?? memoryDb();
  const secrets = createSecretStore(
    join(dir.path, 'secrets.json'),
    createFileKeyCipher(join(dir.path, 'key')),
  );
  const document: ConfigInput = {
    channels: [
      {
        id: 'tg',
        kind: 'telegram',
        name: 'SOC bot',
        minSeverity: 'low',
        mask: false,
        botToken: '123:abc',
        adminChatId: '900',
        ...channel,
      },
    ],
    ui: { timeZone: 'UTC' },
  };
  const config = new ConfigStore(memoryBackend(document), secrets, {}, silentLogger);
  const clock = new ManualClock();
  const bus = new EventBus();
  const pushed: string[] = [];
  bus.on((name) => pushed.push(name));
  const incidents = createIncidentsRepo(db);
  const timeline = createTimelineRepo(db);
  const chats = createTelegramChatsRepo(db);
  const kv = createKvRepo(db);
  const outbox = createOutboxRepo(db);
  const actions = new IncidentActions({
    db,
    incidents,
    timeline,
    bus,
    clock,
    logger: silentLogger,
    onCountsChanged: () => undefined,
    writeBack: () => null,
  });
  const api = shared?.api ?? new MemoryBotApi();
  const tokens: string[] = [];
  const service = new TelegramBotService({
    config,
    chats,
    kv,
    outbox,
    incidents,
    rawEvents: createRawEventsRepo(db),
    actions,
    clock,
    logger: silentLogger,
    bus,
    version: '9.9.9',
    ...(shared?.sanitize ? { sanitizer: new Sanitizer(() => config.get().sanitizer) } : {}),
    createApi: (_root, token) => {
      tokens.push(token);
      return api;
    },
    options: { pollTimeoutSec: 1, emptyPollDelayMs: 0, retryBaseMs: 10, retryMaxMs: 50 },
  });
  await service.start();
  stops.push(async () => {
    await service.stop('test');
    dir.remove();
  });
  /** Pushes an update and waits until the bot has handled it (its offset is stored). */
  const send = async (update: Json) => {
    const id = api.push(update);
    await until(() => Number(kv.get('telegram:tg:offset')) > id, `update ${id}`);
  };
  return {
    db,
    config,
    clock,
    bus,
    pushed,
    incidents,
    timeline,
    chats,
    kv,
    outbox,
    api,
    service,
    send,
    tokens,
  };
}

describe('telegram bot: chat approval', () => {
  it('asks the admin about a new chat and approves it with the Allow button', async () => {
    const t = await setup();
    await t.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    expect(t.chats.get('tg', '555')).toMatchObject({ state: 'pending', title: 'Ann' });
    expect(t.pushed).toContain('channels.changed');
    const ask = t.api.to(900).find((c) => c.method === 'sendMessage')!;
    expect(ask.params.text).toContain('Chat <b>Ann</b> (<code>555</code>) wants incidents');
    expect(ask.params.text).toContain('asked by @ann (Ann Lee)');
    expect(ask.params.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '✅ Allow', callback_data: 'allow:555' },
          { text: '🙈 Ignore', callback_data: 'ignore:555' },
          { text: '⛔ Block', callback_data: 'block:555' },
        ],
      ],
    });
    expect(t.api.sent(555)).toEqual([
      'Your request was sent to the administrator. You will hear from me once it is approved.',
    ]);
    // Asking again does not bother the admin again.
    await t.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    expect(t.api.sent(900)).toHaveLength(1);
    expect(t.api.sent(555).at(-1)).toContain('still waiting');

    await t.send(callbackUpdate(ADMIN, BOSS, 1000, 'allow:555'));
    expect(t.chats.get('tg', '555')).toMatchObject({
      state: 'approved',
      decidedBy: 'Telegram: @boss (Big Boss)',
    });
    expect(t.service.adapterDeps.approvedChats('tg')).toEqual(['555']);
    expect(t.api.sent(555).at(-1)).toContain('This chat now receives Vigil incidents from <b>SOC bot</b>');
    expect(t.api.answers()).toEqual(['Chat allowed']);
    const edit = t.api.calls.find((c) => c.method === 'editMessageText')!;
    expect(edit.params).toMatchObject({
      chat_id: '900',
      message_id: 1000,
      reply_markup: { inline_keyboard: [] },
    });
    expect(edit.params.text).toContain('allowed by Telegram: @boss (Big Boss)');
  });

  it('lets only the admin chat decide, and asks about groups the bot is added to', async () => {
    const t = await setup();
    await t.send(membershipUpdate(GROUP, ANN, BOT_ID, 'member'));
    expect(t.chats.get('tg', '-100123')).toMatchObject({ state: 'pending', title: 'SOC <night> shift' });
    expect(t.api.sent(900)[0]).toContain('Chat <b>SOC &lt;night&gt; shift</b> (<code>-100123</code>)');
    expect(t.api.sent(900)[0]).toContain('/accept_100123');

    await t.send(callbackUpdate(EVE_CHAT, EVE, 1, 'allow:-100123'));
    expect(t.api.answers()).toEqual(['⛔ Not allowed: only the admin chat decides on chats.']);
    expect(t.chats.get('tg', '-100123')!.state).toBe('pending');

    // Another bot's membership and a private chat's are not requests.
    await t.send(membershipUpdate({ id: -5, type: 'group', title: 'x' }, ANN, 42, 'member'));
    await t.send(membershipUpdate(EVE_CHAT, EVE, BOT_ID, 'member'));
    expect(t.chats.list('tg').map((c) => c.chatId)).toEqual(['-100123']);

    // The older service message for the same thing: the bot among new_chat_members.
    await t.send(
      messageUpdate({ id: -77, type: 'group', title: 'Blue team' }, ANN, '', {
        new_chat_members: [{ id: BOT_ID, is_bot: true, first_name: 'Vigil' }],
      }),
    );
    expect(t.chats.get('tg', '-77')).toMatchObject({ state: 'pending', title: 'Blue team' });
    expect(t.api.sent(900).at(-1)).toContain('Chat <b>Blue team</b> (<code>-77</code>) wants incidents');

    await t.send(messageUpdate(ADMIN, BOSS, '/accept_100123'));
    expect(t.chats.get('tg', '-100123')!.state).toBe('approved');
    expect(t.api.sent(900).at(-1)).toBe(
      '✅ Chat <b>SOC &lt;night&gt; shift</b> (<code>-100123</code>) allowed.',
    );

    // Removed from the group: it stops getting incidents and may be asked about again later.
    await t.send(membershipUpdate(GROUP, ANN, BOT_ID, 'kicked'));
    expect(t.chats.get('tg', '-100123')).toMatchObject({
      state: 'ignored',
      decidedBy: 'Telegram: the chat removed the bot',
    });
    expect(t.api.sent(900).at(-1)).toContain('removed the bot');
  });

  it('keeps ignored chats silent until the re-ask interval, and blocked chats silent for good', async () => {
    const t = await setup();
    await t.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    await t.send(callbackUpdate(ADMIN, BOSS, 1000, 'ignore:555'));
    expect(t.chats.get('tg', '555')!.state).toBe('ignored');
    const before = t.api.calls.length;
    await t.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    await t.send(messageUpdate(ANN_CHAT, ANN, '/ping'));
    expect(t.api.calls.slice(before).filter((c) => c.method !== 'getUpdates')).toEqual([]);
    t.clock.advance(60 * 60_000 + 1);
    await t.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    expect(t.chats.get('tg', '555')!.state).toBe('pending');
    expect(t.api.sent(900).filter((text) => text.includes('wants incidents'))).toHaveLength(2);

    await t.send(callbackUpdate(ADMIN, BOSS, 1000, 'block:555'));
    expect(t.chats.get('tg', '555')!.state).toBe('blocked');
    const blockedAt = t.api.calls.length;
    t.clock.advance(2 * 60 * 60_000);
    await t.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    await t.send(messageUpdate(ANN_CHAT, ANN, '/ping'));
    await t.send(callbackUpdate(ANN_CHAT, ANN, 5, 'ack:inc_1'));
    expect(t.api.calls.slice(blockedAt).filter((c) => c.method !== 'getUpdates')).toEqual([]);
    expect(t.chats.get('tg', '555')!.state).toBe('blocked');
  });
});

describe('telegram bot: commands', () => {
  it('answers /ping and /help in approved chats and refuses admin commands there', async () => {
    const t = await setup();
    t.chats.save('tg', {
      chatId: '555',
      title: 'Ann',
      state: 'approved',
      requestedAt: '2026-01-01T00:00:00.000Z',
      decidedAt: '2026-01-01T00:00:00.000Z',
      decidedBy: 'test',
    });
    t.clock.advance(3725_000);
    await t.send(messageUpdate(ANN_CHAT, ANN, '/ping'));
    expect(t.api.sent(555).at(-1)).toBe('pong — Vigil 9.9.9, up 1h 2m 5s');
    await t.send(messageUpdate(ANN_CHAT, ANN, '/help@vigil_bot'));
    expect(t.api.sent(555).at(-1)).toContain('/ping — is Vigil up?');
    expect(t.api.sent(555).at(-1)).not.toContain('/debug');
    for (const command of ['/accepted', '/banned', '/debug', '/ban42', '/accept_100123']) {
      await t.send(messageUpdate(ANN_CHAT, ANN, command));
      expect(t.api.sent(555).at(-1)).toBe(
        `⛔ Only the admin chat may use /${command.slice(1).match(/^[a-z]+/)![0]}.`,
      );
    }
    expect(t.chats.get('tg', '42')).toBeNull();
    // Addressed to another bot: not ours to answer.
    const count = t.api.sent(555).length;
    await t.send(messageUpdate(ANN_CHAT, ANN, '/ping@other_bot'));
    expect(t.api.sent(555)).toHaveLength(count);
    // A stranger is pointed at /start.
    await t.send(messageUpdate(EVE_CHAT, EVE, '/ping'));
    expect(t.api.sent(666)).toEqual([
      'This chat does not receive Vigil incidents. Send /start to ask the administrator.',
    ]);
  });

  it('gives the admin lists, decisions by id (negative with _ or -) and /debug', async () => {
    const t = await setup();
    await t.send(messageUpdate(GROUP, ANN, '/start'));
    await t.send(messageUpdate(ADMIN, BOSS, '/accept-100123'));
    await t.send(messageUpdate(ADMIN, BOSS, '/accept42'));
    expect(t.chats.get('tg', '42')).toMatchObject({ state: 'approved', title: 'chat 42' });
    await t.send(messageUpdate(ADMIN, BOSS, '/accepted'));
    const list = t.api.sent(900).at(-1)!;
    expect(list).toContain('<b>Approved chats</b> (2):');
    expect(list).toContain(
      '• <b>SOC &lt;night&gt; shift</b> (<code>-100123</code>) — /deny_100123 · /ban_100123',
    );
    expect(list).toContain('• <b>chat 42</b> (<code>42</code>) — /deny42 · /ban42');

    await t.send(messageUpdate(ADMIN, BOSS, '/ban_100123'));
    expect(t.chats.get('tg', '-100123')).toMatchObject({
      state: 'blocked',
      decidedBy: 'Telegram: @boss (Big Boss)',
    });
    await t.send(messageUpdate(ADMIN, BOSS, '/banned'));
    expect(t.api.sent(900).at(-1)).toContain('(<code>-100123</code>) — /unban_100123');
    await t.send(messageUpdate(ADMIN, BOSS, '/unban42'));
    expect(t.api.sent(900).at(-1)).toBe('Chat <code>42</code> is not blocked.');
    await t.send(messageUpdate(ADMIN, BOSS, '/unban_100123'));
    expect(t.chats.get('tg', '-100123')!.state).toBe('ignored');
    expect(t.api.sent(900).at(-1)).toContain('unblocked (it may ask again)');
    await t.send(messageUpdate(ADMIN, BOSS, '/ban'));
    expect(t.api.sent(900).at(-1)).toContain('Usage: /ban&lt;chat id&gt;');

    t.outbox.enqueue({
      incidentId: null,
      channelId: 'tg',
      purpose: 'test',
      nextAttemptAt: '2026-01-01T00:00:00.000Z',
      now: '2026-01-01T00:00:00.000Z',
    });
    t.outbox.saveChannelState('tg', {
      lastDelivery: null,
      lastError: 'Telegram sendMessage: Forbidden: bot was blocked by the user',
      lastErrorAt: '2026-01-01T00:00:00.000Z',
      deliveredTotal: 3,
    });
    await t.send(messageUpdate(ADMIN, BOSS, '/debug'));
    const debug = t.api.sent(900).at(-1)!;
    expect(debug).toContain('🩺 <b>SOC bot</b> (<code>tg</code>) — Vigil 9.9.9');
    expect(debug).toContain('Bot: @vigil_bot');
    expect(debug).toContain('Queue: pending 1 · held 0 · dead 0 · sent 0');
    expect(debug).toContain('Delivered: 3 · last never');
    expect(debug).toContain(
      'Last delivery error: Telegram sendMessage: Forbidden: bot was blocked by the user (2026-01-01 00:00:00)',
    );
    expect(debug).toContain('Chats: approved 1 · pending 0 · ignored 1 · blocked 0');
  });
});

describe('telegram bot: incident buttons', () => {
  it('acknowledges and closes as false positive for approved chats, naming the Telegram user', async () => {
    const t = await setup();
    t.incidents.insert(incident('inc_1'));
    t.chats.save('tg', {
      chatId: '555',
      title: 'Ann',
      state: 'approved',
      requestedAt: '2026-01-01T00:00:00.000Z',
      decidedAt: null,
      decidedBy: null,
    });
    await t.send(callbackUpdate(ANN_CHAT, ANN, 77, 'ack:inc_1'));
    expect(t.incidents.get('inc_1')!.status).toBe('acknowledged');
    expect(t.timeline.listForIncident('inc_1').at(-1)).toMatchObject({
      actor: 'Telegram: @ann (Ann Lee)',
      via: 'telegram',
      action: 'status_changed',
      detail: 'new -> acknowledged',
    });
    expect(t.pushed).toContain('incidents.changed');
    // The edit of every chat's message comes from the outbox update; nothing edits here.
    expect(t.api.calls.filter((c) => c.method === 'editMessageText')).toEqual([]);

    // A stale Acknowledge does not reopen anything; the message is brought up to date.
    await t.send(callbackUpdate(ANN_CHAT, ANN, 77, 'ack:inc_1'));
    expect(t.api.answers()).toEqual(['✅ Acknowledged', 'Already 👀 Acknowledged']);
    const refresh = t.api.calls.find((c) => c.method === 'editMessageText')!;
    expect(refresh.params).toMatchObject({ chat_id: '555', message_id: 77, parse_mode: 'HTML' });
    expect(refresh.params.text).toContain('Status: 👀 Acknowledged');
    expect(refresh.params.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: '🚫 Close as false positive', callback_data: 'fp:inc_1' }],
        [{ text: '🔄 Refresh', callback_data: 'ref:inc_1' }],
      ],
    });

    await t.send(callbackUpdate(ANN_CHAT, ANN, 77, 'fp:inc_1'));
    expect(t.incidents.get('inc_1')!.status).toBe('false_positive');
    await t.send(callbackUpdate(ANN_CHAT, ANN, 77, 'ref:inc_1'));
    expect(t.api.answers().slice(2)).toEqual(['🚫 Closed as false positive', 'Status: 🚫 False positive']);
    await t.send(callbackUpdate(ANN_CHAT, ANN, 77, 'ack:inc_gone'));
    expect(t.api.answers().at(-1)).toBe('This incident no longer exists in Vigil.');
  });

  it('re-renders masked for a masking channel, and not at all without a sanitizer', async () => {
    const t = await setup({ mask: true, chatId: '555' }, { sanitize: true });
    t.incidents.insert(
      incident('inc_3', { entities: { ...emptyEntities(), hosts: ['ws-fin-014.corp.example.com'] } }),
    );
    await t.send(callbackUpdate(ANN_CHAT, ANN, 9, 'ref:inc_3'));
    const edit = t.api.calls.find((c) => c.method === 'editMessageText')!;
    expect(edit.params.text).not.toContain('ws-fin-014');
    expect(edit.params.text).toMatch(/Host: <code>HOST_\d+/);

    const bare = await setup({ mask: true, chatId: '555' });
    bare.incidents.insert(incident('inc_3'));
    await bare.send(callbackUpdate(ANN_CHAT, ANN, 9, 'ref:inc_3'));
    expect(bare.api.answers()).toEqual(['Status: 🆕 New']);
    expect(bare.api.calls.filter((c) => c.method === 'editMessageText')).toEqual([]);
  });

  it('refuses presses from chats that are not approved and changes nothing', async () => {
    const t = await setup({ chatId: '-100999' });
    t.incidents.insert(incident('inc_2'));
    await t.send(callbackUpdate(EVE_CHAT, EVE, 5, 'ack:inc_2'));
    await t.send(callbackUpdate(EVE_CHAT, EVE, 5, 'fp:inc_2'));
    expect(t.incidents.get('inc_2')!.status).toBe('new');
    expect(t.timeline.listForIncident('inc_2')).toEqual([]);
    expect(t.api.answers()).toEqual([
      '⛔ Not allowed: this chat is not approved for Vigil incidents.',
      '⛔ Not allowed: this chat is not approved for Vigil incidents.',
    ]);
    expect(t.api.calls.find((c) => c.method === 'answerCallbackQuery')!.params.show_alert).toBe(true);
    // The configured chatId counts as approved.
    await t.send(callbackUpdate({ id: -100999, type: 'supergroup', title: 'SOC' }, EVE, 6, 'ack:inc_2'));
    expect(t.incidents.get('inc_2')!.status).toBe('acknowledged');
    expect(t.timeline.listForIncident('inc_2').at(-1)!.actor).toBe('Telegram: @eve (Eve)');
  });
});

describe('telegram bot service', () => {
  it('keeps the update offset in the database so a restart neither repeats nor misses updates', async () => {
    const db = memoryDb();
    const api = new MemoryBotApi();
    const first = await setup({}, { db, api });
    await first.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    await first.service.stop('restart');
    // Arrives while Vigil is down.
    const missedId = api.push(messageUpdate(EVE_CHAT, EVE, '/start'));
    const offsetsBefore = api.calls.filter((c) => c.method === 'getUpdates').length;
    const second = await setup({}, { db, api });
    await until(() => Number(second.kv.get('telegram:tg:offset')) > missedId, 'the missed update');
    const polls = api.calls.filter((c) => c.method === 'getUpdates').slice(offsetsBefore);
    expect(polls[0]!.params.offset).toBe(missedId);
    expect(api.sent(900).filter((text) => text.includes('(<code>555</code>) wants'))).toHaveLength(1);
    expect(api.sent(900).filter((text) => text.includes('(<code>666</code>) wants'))).toHaveLength(1);
  });

  it('backs off after a failed poll as long as Telegram asks, and recovers', async () => {
    const api = new MemoryBotApi();
    api.failures.push(
      {
        method: 'getMe',
        error: new TelegramError('network', 'Telegram getMe: connection refused', null, null),
      },
      {
        method: 'getUpdates',
        error: new TelegramError(
          'rate_limited',
          'Telegram getUpdates: Too Many Requests: retry after 1',
          null,
          429,
          300,
        ),
      },
    );
    const t = await setup({}, { db: memoryDb(), api });
    await t.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    expect(t.chats.get('tg', '555')!.state).toBe('pending');
    const methods = api.calls.map((c) => c.method);
    expect(methods.slice(0, 4)).toEqual(['getMe', 'getMe', 'getUpdates', 'getUpdates']);
    const polls = api.calls.filter((c) => c.method === 'getUpdates');
    expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(295);
    expect(t.service.health('tg')).toMatchObject({ username: 'vigil_bot', lastError: null });
    expect(t.service.health('tg')!.lastErrorAt).not.toBeNull();
  });

  it('decides from the console, telling the chat and the admin', async () => {
    const t = await setup();
    await t.send(messageUpdate(ANN_CHAT, ANN, '/start'));
    expect(t.service.decide('tg', 'nope', 'approved', 'analyst')).toBe(false);
    expect(t.service.decide('other', '555', 'approved', 'analyst')).toBe(false);
    expect(t.service.decide('tg', '555', 'approved', 'analyst')).toBe(true);
    expect(t.service.chats('tg')).toMatchObject([{ chatId: '555', state: 'approved', decidedBy: 'analyst' }]);
    await until(() => t.api.sent(900).length === 2, 'the admin notice');
    expect(t.api.sent(555).at(-1)).toContain('This chat now receives Vigil incidents');
    expect(t.api.sent(900).at(-1)).toBe(
      '✅ Chat <b>Ann</b> (<code>555</code>) was allowed by analyst in the console.',
    );

    t.service.adapterDeps.unreachable('tg', '555', 'Forbidden: bot was blocked by the user');
    expect(t.chats.get('tg', '555')).toMatchObject({
      state: 'ignored',
      decidedBy: 'Telegram: Forbidden: bot was blocked by the user',
    });
    expect(t.service.adapterDeps.approvedChats('tg')).toEqual([]);
  });

  it('starts, replaces and stops bots as the config changes', async () => {
    const t = await setup();
    await until(() => t.tokens.length === 1, 'the first bot');
    t.config.update((draft) => {
      const channel = draft.channels[0]!;
      if (channel.kind === 'telegram') channel.adminChatId = '901';
    });
    expect(t.tokens).toEqual(['123:abc']);
    t.config.update((draft) => {
      const channel = draft.channels[0]!;
      if (channel.kind === 'telegram') channel.botToken = '456:def';
    });
    await until(() => t.tokens.length === 2, 'the replacement bot');
    expect(t.tokens[1]).toBe('456:def');
    t.config.update((draft) => {
      draft.channels[0]!.enabled = false;
    });
    expect(t.service.health('tg')).toBeNull();
  });

  it('moves a decision when a group becomes a supergroup', async () => {
    const t = await setup();
    t.chats.save('tg', {
      chatId: '-5',
      title: 'SOC',
      state: 'approved',
      requestedAt: '2026-01-01T00:00:00.000Z',
      decidedAt: null,
      decidedBy: null,
    });
    await t.send(
      messageUpdate({ id: -5, type: 'group', title: 'SOC' }, ANN, '', { migrate_to_chat_id: -1009 }),
    );
    expect(t.chats.get('tg', '-1009')!.state).toBe('approved');
    expect(t.chats.get('tg', '-5')!.state).toBe('ignored');
  });
});
