/**
 * One Telegram bot (one channel): long polling with the offset kept in the
 * database, chat approval by the admin chat, commands, and the buttons under
 * incident messages. Updates are handled one at a time in order; each
 * update's offset is stored once it has been handled, so a restart neither
 * repeats nor misses one. Stopping aborts the long poll.
 *
 * Who may do what:
 * - blocked chats are ignored completely: no answer to anything;
 * - ignored chats get no answers either, but may ask again with /start (or
 *   by adding the bot again); the admin hears of a chat at most once per
 *   `reaskIntervalMs`, so a chat cannot flood the admin;
 * - approved chats (and the configured chatId) get incidents, may press the
 *   incident buttons and use /help and /ping;
 * - only the admin chat (adminChatId) decides on chats and runs the admin
 *   commands.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { TelegramChannelConfig } from '../../../../shared/config';
import type { Status } from '../../../../shared/domain';
import { ContractError } from '../../../../shared/ipc/result';
import type { Clock } from '../../clock';
import type { KvRepo } from '../../db/repos/kv-repo';
import type { OutboxRepo } from '../../db/repos/outbox-repo';
import type { TelegramChat, TelegramChatState, TelegramChatsRepo } from '../../db/repos/telegram-chats-repo';
import type { IncidentsRepo } from '../../db/repos/incidents-repo';
import type { EventBus } from '../../event-bus';
import type { IncidentActions } from '../../incidents/incident-actions';
import type { Logger } from '../../logger';
import { SourceError } from '../../sources/source-error';
import type { BotApi } from './bot-api';
import { TelegramError } from './bot-api';
import type { ChatIdCommand } from './commands';
import { ADMIN_COMMANDS, chatCommand, parseChatId, parseCommand } from './commands';
import type { InlineKeyboard, RenderedMessage } from './format';
import {
  chatTitle,
  decisionKeyboard,
  escapeHtml,
  formatTime,
  parseCallback,
  statusLabel,
  telegramActor,
} from './format';
import type { TgCallbackQuery, TgChat, TgChatMemberUpdated, TgMessage, TgUpdate, TgUser } from './updates';
import { ALLOWED_UPDATES, tgUpdateSchema } from './updates';

export interface BotOptions {
  /** getUpdates long-poll timeout (Telegram holds the request this long when there is nothing). */
  pollTimeoutSec: number;
  /** Pause after an empty answer that came back early (an emulator or proxy that does not long-poll). */
  emptyPollDelayMs: number;
  /** First pause after a failed poll; doubles up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often the admin may be asked about the same chat. */
  reaskIntervalMs: number;
}

export const DEFAULT_BOT_OPTIONS: BotOptions = {
  pollTimeoutSec: 25,
  emptyPollDelayMs: 250,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  reaskIntervalMs: 60 * 60_000,
};

export interface BotDeps {
  channelId: string;
  api: BotApi;
  /** The channel as configured now (null once removed or switched off). */
  channel(): TelegramChannelConfig | null;
  chats: TelegramChatsRepo;
  kv: KvRepo;
  outbox: OutboxRepo;
  incidents: IncidentsRepo;
  actions: IncidentActions;
  clock: Clock;
  logger: Logger;
  bus: EventBus;
  version: string;
  startedAt: number;
  timeZone(): string;
  /** The incident message as the outbox would send it on this channel (masked likewise), or null. */
  render(channel: TelegramChannelConfig, incidentId: string): RenderedMessage | null;
  options: BotOptions;
}

export interface BotHealth {
  username: string | null;
  lastPollAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

interface Me {
  id: number;
  username?: string;
}

export type ChatDecision = Exclude<TelegramChatState, 'pending'>;

const DECISION_WORDS: Record<ChatDecision, { done: string; emoji: string }> = {
  approved: { done: 'allowed', emoji: '✅' },
  ignored: { done: 'ignored', emoji: '🙈' },
  blocked: { done: 'blocked', emoji: '⛔' },
};

const CALLBACK_DECISIONS = { allow: 'approved', ignore: 'ignored', block: 'blocked' } as const;
const COMMAND_DECISIONS: Record<ChatIdCommand, ChatDecision> = {
  accept: 'approved',
  deny: 'ignored',
  ban: 'blocked',
  unban: 'ignored',
};
const CLOSED: readonly Status[] = ['closed', 'false_positive', 'resolved'];

export class TelegramBot {
  private readonly controller = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private me: Me | null = null;
  private readonly askedAt = new Map<string, number>();
  readonly health: BotHealth = { username: null, lastPollAt: null, lastError: null, lastErrorAt: null };

  constructor(private readonly deps: BotDeps) {}

  private get offsetKey(): string {
    return `telegram:${this.deps.channelId}:offset`;
  }

  /** Starts polling once `after` settles (the previous bot of this channel has stopped). */
  start(after: Promise<void> = Promise.resolve()): void {
    this.loop = after.then(() => this.run());
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  /** The stored getUpdates offset (the next update id wanted). */
  offset(): number {
    return Number(this.deps.kv.get(this.offsetKey) ?? '0') || 0;
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  private async run(): Promise<void> {
    const { api, logger, options } = this.deps;
    let failures = 0;
    while (!this.signal.aborted) {
      try {
        if (!this.me) await this.identify();
        const started = performance.now();
        const raw = await api.call<unknown>(
          'getUpdates',
          { offset: this.offset(), timeout: options.pollTimeoutSec, allowed_updates: ALLOWED_UPDATES },
          { signal: this.signal, timeoutMs: (options.pollTimeoutSec + 15) * 1000 },
        );
        this.health.lastPollAt = this.now();
        if (failures > 0) logger.info('Telegram polling works again');
        failures = 0;
        this.health.lastError = null;
        const updates = Array.isArray(raw) ? raw : [];
        for (const update of updates) {
          await this.handleRaw(update);
        }
        if (updates.length === 0 && performance.now() - started < options.emptyPollDelayMs) {
          await sleep(options.emptyPollDelayMs, undefined, { signal: this.signal });
        }
      } catch (error) {
        if (this.signal.aborted) break;
        failures++;
        const message = (error as Error).message ?? String(error);
        this.health.lastError = message;
        this.health.lastErrorAt = this.now();
        if (failures === 1) logger.warn('Telegram polling failed', { error: message });
        const retryAfter = error instanceof SourceError ? (error.retryAfterMs ?? 0) : 0;
        const pause = Math.max(
          retryAfter,
          Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (failures - 1)),
        );
        await sleep(pause, undefined, { signal: this.signal }).catch(() => undefined);
      }
    }
  }

  /** Learns the bot's id and name; a different bot behind the channel starts from a fresh offset. */
  private async identify(): Promise<void> {
    const me = await this.deps.api.call<Me>('getMe', {}, { signal: this.signal });
    const key = `telegram:${this.deps.channelId}:bot`;
    const known = this.deps.kv.get(key);
    if (known !== null && known !== String(me.id)) {
      this.deps.logger.info('the channel has a different bot now; starting from its first update');
      this.deps.kv.put(this.offsetKey, '0');
    }
    this.deps.kv.put(key, String(me.id));
    this.me = me;
    this.health.username = me.username ?? null;
  }

  private async handleRaw(raw: unknown): Promise<void> {
    const parsed = tgUpdateSchema.safeParse(raw);
    const id = parsed.success
      ? parsed.data.update_id
      : typeof (raw as { update_id?: unknown } | null)?.update_id === 'number'
        ? (raw as { update_id: number }).update_id
        : null;
    if (id === null) {
      this.deps.logger.warn('skipped a Telegram update without an id');
      return;
    }
    if (parsed.success) {
      try {
        await this.handle(parsed.data);
      } catch (error) {
        // One bad update must not stop the bot or be retried forever.
        this.deps.logger.error('could not handle a Telegram update', { update: id, error });
      }
    } else {
      this.deps.logger.warn('skipped a Telegram update of an unexpected shape', { update: id });
    }
    this.deps.kv.put(this.offsetKey, String(Math.max(this.offset(), id + 1)));
  }

  private async handle(update: TgUpdate): Promise<void> {
    const channel = this.deps.channel();
    if (!channel) return;
    if (update.message) await this.onMessage(channel, update.message);
    else if (update.callback_query) await this.onCallback(channel, update.callback_query);
    else if (update.my_chat_member) await this.onMembership(channel, update.my_chat_member);
  }

  // ---- messages and commands ----

  private async onMessage(channel: TelegramChannelConfig, message: TgMessage): Promise<void> {
    const chatId = message.chat.id;
    if (message.migrate_to_chat_id !== undefined) {
      this.migrate(chatId, String(message.migrate_to_chat_id));
      return;
    }
    const record = this.deps.chats.get(this.deps.channelId, chatId);
    if (record?.state === 'blocked') return;
    const isAdmin = chatId === channel.adminChatId;
    if (this.me && message.new_chat_members?.some((member) => member.id === this.me?.id)) {
      await this.request(channel, message.chat, message.from ?? null);
      return;
    }
    const command = parseCommand(message.text, this.me?.username ?? null);
    if (!command) return;
    if (command.name === 'start') {
      await this.request(channel, message.chat, message.from ?? null);
      return;
    }
    const receives = record?.state === 'approved' || chatId === channel.chatId;
    if (!isAdmin && !receives) {
      if (record?.state === 'ignored') return;
      await this.reply(
        chatId,
        record?.state === 'pending'
          ? 'Your request is waiting for the administrator’s approval.'
          : 'This chat does not receive Vigil incidents. Send /start to ask the administrator.',
      );
      return;
    }
    const isAdminCommand = (ADMIN_COMMANDS as readonly string[]).includes(command.name);
    if (isAdminCommand && !isAdmin) {
      await this.reply(chatId, `⛔ Only the admin chat may use /${escapeHtml(command.name)}.`);
      return;
    }
    switch (command.name) {
      case 'help':
        await this.reply(chatId, this.helpText(channel, isAdmin));
        return;
      case 'ping':
        await this.reply(chatId, `pong — Vigil ${escapeHtml(this.deps.version)}, up ${this.uptime()}`);
        return;
      case 'accepted':
        await this.reply(chatId, this.listText('approved'));
        return;
      case 'banned':
        await this.reply(chatId, this.listText('blocked'));
        return;
      case 'debug':
        await this.reply(chatId, this.debugText(channel));
        return;
      case 'accept':
      case 'deny':
      case 'ban':
      case 'unban':
        await this.chatCommand(channel, chatId, command.name, command.arg, message.from ?? null);
        return;
      default:
        if (message.chat.type === 'private' || isAdmin) {
          await this.reply(chatId, 'I don’t know that command. /help lists what I understand.');
        }
    }
  }

  /** A chat asks for incidents (/start, or the bot was added to it). */
  private async request(channel: TelegramChannelConfig, chat: TgChat, from: TgUser | null): Promise<void> {
    const chatId = chat.id;
    const record = this.deps.chats.get(this.deps.channelId, chatId);
    if (record?.state === 'blocked') return;
    if (record?.state === 'approved' || chatId === channel.chatId) {
      await this.reply(chatId, 'This chat already receives Vigil incidents. /help lists what I understand.');
      return;
    }
    const now = this.deps.clock.now();
    const recentlyAsked = now - (this.askedAt.get(chatId) ?? -Infinity) < this.deps.options.reaskIntervalMs;
    if (record?.state === 'ignored' && recentlyAsked) return;
    const title = chatTitle(chat);
    this.save({
      chatId,
      title,
      state: 'pending',
      requestedAt: record?.state === 'pending' ? record.requestedAt : this.now(),
      decidedAt: null,
      decidedBy: null,
    });
    if (recentlyAsked) {
      await this.reply(chatId, 'Your request is still waiting for the administrator’s approval.');
      return;
    }
    this.askedAt.set(chatId, now);
    if (channel.adminChatId && channel.adminChatId !== chatId) {
      const who = from ? ` · asked by ${escapeHtml(telegramActor(from).replace(/^Telegram: /, ''))}` : '';
      const commands = (['accept', 'deny', 'ban'] as const)
        .map((name) => chatCommand(name, chatId))
        .join(' · ');
      await this.reply(
        channel.adminChatId,
        `🔔 Chat <b>${escapeHtml(title)}</b> (<code>${escapeHtml(chatId)}</code>) wants incidents.\n` +
          `Type: ${escapeHtml(chat.type ?? 'unknown')}${who}\nOr answer ${commands}`,
        decisionKeyboard(chatId),
      );
      await this.reply(
        chatId,
        'Your request was sent to the administrator. You will hear from me once it is approved.',
      );
    } else if (channel.adminChatId === chatId) {
      await this.reply(
        chatId,
        `This is the admin chat. Approve it with ${chatCommand('accept', chatId)} to receive incidents here too.`,
      );
    } else {
      this.deps.logger.info('a Telegram chat asks for incidents; decide in the console', {
        chat: chatId,
        title,
      });
      await this.reply(chatId, 'Your request is waiting for approval in the Vigil console.');
    }
  }

  private async chatCommand(
    channel: TelegramChannelConfig,
    adminChat: string,
    name: ChatIdCommand,
    arg: string,
    from: TgUser | null,
  ): Promise<void> {
    const target = parseChatId(arg);
    if (!target) {
      await this.reply(
        adminChat,
        `Usage: /${name}&lt;chat id&gt;, e.g. /${name}123456 or /${name}_100123 for group -100123.`,
      );
      return;
    }
    const record = this.deps.chats.get(this.deps.channelId, target);
    if (name === 'unban' && record?.state !== 'blocked') {
      await this.reply(adminChat, `Chat <code>${escapeHtml(target)}</code> is not blocked.`);
      return;
    }
    const decision = COMMAND_DECISIONS[name];
    const by = from ? telegramActor(from) : 'Telegram admin';
    await this.decide(channel, target, decision, by, { create: true });
    const title = this.deps.chats.get(this.deps.channelId, target)?.title ?? target;
    const done = name === 'unban' ? 'unblocked (it may ask again)' : DECISION_WORDS[decision].done;
    await this.reply(
      adminChat,
      `${DECISION_WORDS[decision].emoji} Chat <b>${escapeHtml(title)}</b> (<code>${escapeHtml(target)}</code>) ${done}.`,
    );
  }

  /**
   * Records a decision on a chat and tells the chat when it was approved
   * (ignored and blocked chats are not told). `create` lets the admin decide
   * on a chat id that never asked.
   */
  async decide(
    channel: TelegramChannelConfig,
    chatId: string,
    decision: ChatDecision,
    by: string,
    options: { create?: boolean; fromConsole?: boolean } = {},
  ): Promise<boolean> {
    const record = this.deps.chats.get(this.deps.channelId, chatId);
    if (!record && !options.create) return false;
    this.save({
      chatId,
      title: record?.title ?? `chat ${chatId}`,
      state: decision,
      requestedAt: record?.requestedAt ?? this.now(),
      decidedAt: this.now(),
      decidedBy: by,
    });
    // An ignored chat may ask again once the interval has passed since the decision; any other
    // decision ends the wait.
    if (decision === 'ignored') this.askedAt.set(chatId, this.deps.clock.now());
    else this.askedAt.delete(chatId);
    if (decision === 'approved' && record?.state !== 'approved') {
      await this.reply(
        chatId,
        `✅ This chat now receives Vigil incidents from <b>${escapeHtml(channel.name)}</b>. /help lists what I understand.`,
      );
    }
    if (options.fromConsole && channel.adminChatId && channel.adminChatId !== chatId) {
      const title = record?.title ?? chatId;
      await this.reply(
        channel.adminChatId,
        `${DECISION_WORDS[decision].emoji} Chat <b>${escapeHtml(title)}</b> (<code>${escapeHtml(chatId)}</code>) was ${DECISION_WORDS[decision].done} by ${escapeHtml(by)} in the console.`,
      );
    }
    return true;
  }

  private save(chat: TelegramChat): void {
    this.deps.chats.save(this.deps.channelId, chat);
    this.deps.bus.emit('channels.changed', { id: this.deps.channelId });
  }

  /** A group became a supergroup: its decision moves to the new id. */
  private migrate(from: string, to: string): void {
    const record = this.deps.chats.get(this.deps.channelId, from);
    if (!record || this.deps.chats.get(this.deps.channelId, to)) return;
    this.deps.chats.save(this.deps.channelId, { ...record, chatId: to });
    this.save({
      ...record,
      state: 'ignored',
      decidedAt: this.now(),
      decidedBy: `Telegram: migrated to ${to}`,
    });
    this.deps.logger.info('a Telegram group moved to a new id', { from, to });
  }

  // ---- membership ----

  private async onMembership(channel: TelegramChannelConfig, update: TgChatMemberUpdated): Promise<void> {
    if (!this.me || update.new_chat_member.user.id !== this.me.id) return;
    const chatId = update.chat.id;
    const status = update.new_chat_member.status;
    if (status === 'member' || status === 'administrator') {
      // In a private chat the person also sends /start, which asks; asking twice would be noise.
      if (update.chat.type !== 'private') await this.request(channel, update.chat, update.from);
      return;
    }
    if (status !== 'left' && status !== 'kicked') return;
    const record = this.deps.chats.get(this.deps.channelId, chatId);
    if (!record || record.state === 'blocked' || record.state === 'ignored') return;
    const how = update.chat.type === 'private' ? 'blocked the bot' : 'removed the bot';
    this.save({ ...record, state: 'ignored', decidedAt: this.now(), decidedBy: `Telegram: the chat ${how}` });
    if (channel.adminChatId && channel.adminChatId !== chatId) {
      await this.reply(
        channel.adminChatId,
        `ℹ️ Chat <b>${escapeHtml(record.title)}</b> (<code>${escapeHtml(chatId)}</code>) ${how}; it no longer gets incidents.`,
      );
    }
  }

  // ---- buttons ----

  private async onCallback(channel: TelegramChannelConfig, query: TgCallbackQuery): Promise<void> {
    const chatId = query.message?.chat.id ?? null;
    const record = chatId ? this.deps.chats.get(this.deps.channelId, chatId) : null;
    if (record?.state === 'blocked') return;
    const parsed = parseCallback(query.data);
    if (!parsed || !chatId) {
      await this.answer(query.id, 'This button no longer works.');
      return;
    }
    const isAdmin = chatId === channel.adminChatId;
    if (parsed.action === 'allow' || parsed.action === 'ignore' || parsed.action === 'block') {
      if (!isAdmin) {
        await this.answer(query.id, '⛔ Not allowed: only the admin chat decides on chats.', true);
        return;
      }
      const decision = CALLBACK_DECISIONS[parsed.action];
      const by = telegramActor(query.from);
      await this.decide(channel, parsed.id, decision, by, { create: true });
      const title = this.deps.chats.get(this.deps.channelId, parsed.id)?.title ?? parsed.id;
      await this.answer(query.id, `Chat ${DECISION_WORDS[decision].done}`);
      if (query.message?.message_id !== undefined) {
        await this.editQuiet(
          chatId,
          query.message.message_id,
          `${DECISION_WORDS[decision].emoji} Chat <b>${escapeHtml(title)}</b> (<code>${escapeHtml(parsed.id)}</code>) ${DECISION_WORDS[decision].done} by ${escapeHtml(by)}.`,
          { inline_keyboard: [] },
        );
      }
      return;
    }
    const receives = record?.state === 'approved' || chatId === channel.chatId || isAdmin;
    if (!receives) {
      await this.answer(query.id, '⛔ Not allowed: this chat is not approved for Vigil incidents.', true);
      return;
    }
    const incident = this.deps.incidents.get(parsed.id);
    if (!incident) {
      await this.answer(query.id, 'This incident no longer exists in Vigil.');
      return;
    }
    const ctx = { actor: telegramActor(query.from), via: 'telegram' as const };
    let answer: string;
    let changed = false;
    try {
      if (parsed.action === 'ack' && incident.status === 'new') {
        this.deps.actions.setStatus(incident.id, 'acknowledged', ctx);
        answer = '✅ Acknowledged';
        changed = true;
      } else if (parsed.action === 'fp' && !CLOSED.includes(incident.status)) {
        this.deps.actions.setStatus(incident.id, 'false_positive', ctx);
        answer = '🚫 Closed as false positive';
        changed = true;
      } else if (parsed.action === 'ref') {
        answer = `Status: ${statusLabel(incident.status)}`;
      } else {
        answer = `Already ${statusLabel(incident.status)}`;
      }
    } catch (error) {
      const message = error instanceof ContractError ? error.message : 'the change failed';
      this.deps.logger.warn('a Telegram button could not change the incident', {
        incident: incident.id,
        error,
      });
      await this.answer(query.id, `Could not change the incident: ${message}`, true);
      return;
    }
    await this.answer(query.id, answer);
    // A change reaches every chat through the outbox (an 'update' edit); a refresh or a stale
    // button only needs this message brought up to date.
    if (!changed && query.message?.message_id !== undefined) {
      const rendered = this.deps.render(channel, incident.id);
      if (rendered) {
        await this.editQuiet(
          chatId,
          query.message.message_id,
          rendered.text,
          rendered.replyMarkup ?? { inline_keyboard: [] },
        );
      }
    }
  }

  // ---- texts ----

  private helpText(channel: TelegramChannelConfig, isAdmin: boolean): string {
    const lines = [
      `<b>Vigil</b> — incidents from <b>${escapeHtml(channel.name)}</b>.`,
      'Buttons under an incident acknowledge it or close it as a false positive.',
      '/ping — is Vigil up?',
      '/help — this list',
    ];
    if (isAdmin) {
      lines.push(
        '',
        '<b>Admin</b>',
        '/accepted — approved chats',
        '/banned — blocked chats',
        '/accept&lt;id&gt; · /deny&lt;id&gt; · /ban&lt;id&gt; · /unban&lt;id&gt; — decide on a chat (group -100123: /accept_100123)',
        '/debug — channel health, queue and last errors',
      );
    }
    return lines.join('\n');
  }

  private listText(state: 'approved' | 'blocked'): string {
    const chats = this.deps.chats.list(this.deps.channelId).filter((chat) => chat.state === state);
    const heading = state === 'approved' ? 'Approved chats' : 'Blocked chats';
    if (chats.length === 0) return `${heading}: none.`;
    const lines = chats.map((chat) => {
      const actions =
        state === 'approved'
          ? `${chatCommand('deny', chat.chatId)} · ${chatCommand('ban', chat.chatId)}`
          : chatCommand('unban', chat.chatId);
      return `• <b>${escapeHtml(chat.title)}</b> (<code>${escapeHtml(chat.chatId)}</code>) — ${actions}`;
    });
    return [`<b>${heading}</b> (${chats.length}):`, ...lines].join('\n');
  }

  private debugText(channel: TelegramChannelConfig): string {
    const zone = this.deps.timeZone();
    const at = (iso: string | null) => (iso ? formatTime(iso, zone) : 'never');
    const counts = this.deps.outbox.counts(channel.id);
    const state = this.deps.outbox.channelState(channel.id);
    const chats = this.deps.chats.list(this.deps.channelId);
    const count = (s: TelegramChatState) => chats.filter((chat) => chat.state === s).length;
    return [
      `🩺 <b>${escapeHtml(channel.name)}</b> (<code>${escapeHtml(channel.id)}</code>) — Vigil ${escapeHtml(this.deps.version)}, up ${this.uptime()}`,
      `Bot: @${escapeHtml(this.health.username ?? '?')} · last poll ${at(this.health.lastPollAt)} · offset ${this.offset()}`,
      `Poll error: ${this.health.lastError ? `${escapeHtml(this.health.lastError)} (${at(this.health.lastErrorAt)})` : 'none'}`,
      `Queue: pending ${counts.pending + counts.sending} · held ${counts.held} · dead ${counts.dead} · sent ${counts.sent}`,
      `Delivered: ${state.deliveredTotal} · last ${at(state.lastDelivery)}`,
      `Last delivery error: ${state.lastError ? `${escapeHtml(state.lastError)} (${at(state.lastErrorAt)})` : 'none'}`,
      `Chats: approved ${count('approved')} · pending ${count('pending')} · ignored ${count('ignored')} · blocked ${count('blocked')}`,
    ].join('\n');
  }

  private uptime(): string {
    let seconds = Math.max(0, Math.floor((this.deps.clock.now() - this.deps.startedAt) / 1000));
    const days = Math.floor(seconds / 86_400);
    seconds -= days * 86_400;
    const hours = Math.floor(seconds / 3600);
    seconds -= hours * 3600;
    const minutes = Math.floor(seconds / 60);
    seconds -= minutes * 60;
    return [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes ? `${minutes}m` : '', `${seconds}s`]
      .filter(Boolean)
      .join(' ');
  }

  // ---- Bot API calls that must not fail the update ----

  /** Sends an HTML message; failures are logged, not thrown (an answer is a courtesy). */
  private async reply(chatId: string, html: string, keyboard?: InlineKeyboard): Promise<void> {
    try {
      await this.deps.api.call(
        'sendMessage',
        {
          chat_id: chatId,
          text: html,
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(keyboard ? { reply_markup: keyboard } : {}),
        },
        { signal: this.signal },
      );
    } catch (error) {
      if (!this.signal.aborted) {
        this.deps.logger.warn('could not send a Telegram message', {
          chat: chatId,
          error: (error as Error).message,
        });
      }
    }
  }

  private async answer(callbackId: string, text: string, alert = false): Promise<void> {
    try {
      await this.deps.api.call(
        'answerCallbackQuery',
        { callback_query_id: callbackId, text: text.slice(0, 200), show_alert: alert, cache_time: 0 },
        { signal: this.signal },
      );
    } catch (error) {
      if (!this.signal.aborted) {
        this.deps.logger.warn('could not answer a Telegram button', { error: (error as Error).message });
      }
    }
  }

  /** Edits a message; "not modified" is what a no-op edit answers and is fine. */
  private async editQuiet(
    chatId: string,
    messageId: number,
    html: string,
    keyboard: InlineKeyboard,
  ): Promise<void> {
    try {
      await this.deps.api.call(
        'editMessageText',
        {
          chat_id: chatId,
          message_id: messageId,
          text: html,
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          reply_markup: keyboard,
        },
        { signal: this.signal },
      );
    } catch (error) {
      if (this.signal.aborted) return;
      if (error instanceof TelegramError && /message is not modified/i.test(error.description ?? '')) return;
      this.deps.logger.warn('could not edit a Telegram message', {
        chat: chatId,
        error: (error as Error).message,
      });
    }
  }
}
