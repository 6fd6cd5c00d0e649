/**
 * Telegram two-way bots: one long-polling bot per enabled Telegram channel
 * that has a bot token, started, replaced and stopped as the config changes.
 * Also the chats' decisions for the console (`telegram.chats`,
 * `telegram.decide`) and what the channel adapter needs to know about them
 * (`adapterDeps`). See telegram/bot.ts for who may do what.
 */
import type { Config, TelegramChannelConfig } from '../../../shared/config';
import type { Analysis, Incident } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { ConfigStore } from '../config/config-store';
import type { IncidentsRepo } from '../db/repos/incidents-repo';
import type { KvRepo } from '../db/repos/kv-repo';
import type { OutboxRepo } from '../db/repos/outbox-repo';
import type { RawEventsRepo } from '../db/repos/raw-events-repo';
import type { TelegramChat, TelegramChatState, TelegramChatsRepo } from '../db/repos/telegram-chats-repo';
import type { EventBus } from '../event-bus';
import type { IncidentActions } from '../incidents/incident-actions';
import type { Logger } from '../logger';
import type { Sanitizer } from '../sanitizer/sanitizer';
import type { Service, ServiceState } from '../service-host';
import type { OutgoingMessage } from './channel-adapter';
import type { TelegramAdapterDeps } from './channels/telegram';
import type { BotApi } from './telegram/bot-api';
import { createBotApi } from './telegram/bot-api';
import type { BotHealth, BotOptions } from './telegram/bot';
import { DEFAULT_BOT_OPTIONS, TelegramBot } from './telegram/bot';
import type { RenderedMessage } from './telegram/format';
import { renderIncident } from './telegram/format';

/** Raw events a message is rendered from at most (the channel shows `eventsInMessage` of them). */
const MESSAGE_EVENTS = 20;

export interface TelegramBotDeps {
  config: ConfigStore;
  chats: TelegramChatsRepo;
  kv: KvRepo;
  outbox: OutboxRepo;
  incidents: IncidentsRepo;
  rawEvents: RawEventsRepo;
  actions: IncidentActions;
  clock: Clock;
  logger: Logger;
  bus: EventBus;
  /** Shown by /ping and /debug. */
  version?: string;
  /** Masks a re-rendered message like the outbox does; without it a masked channel is not re-rendered here. */
  sanitizer?: Sanitizer;
  analysisFor?(incident: Incident): Analysis | null;
  appUrl?(incidentId: string): string | null;
  /** Polling timings (tests shorten them). */
  options?: Partial<BotOptions>;
  /** The Bot API client for a bot (tests pass an in-memory one). */
  createApi?: (apiRoot: string, token: string, clock: Clock) => BotApi;
}

interface Running {
  bot: TelegramBot;
  signature: string;
}

export class TelegramBotService implements Service {
  readonly name = 'telegram';
  state: ServiceState = 'stopped';
  private readonly bots = new Map<string, Running>();
  /** Stops under way, so a replacement bot waits for its predecessor (one poller per token). */
  private readonly stopping = new Map<string, Promise<void>>();
  private unsubscribe: (() => void) | null = null;
  private startedAt = 0;
  private readonly options: BotOptions;

  /** What the Telegram channel adapter needs from here; pass it to createTelegramAdapter. */
  readonly adapterDeps: TelegramAdapterDeps;

  constructor(private readonly deps: TelegramBotDeps) {
    this.options = { ...DEFAULT_BOT_OPTIONS, ...deps.options };
    this.adapterDeps = {
      approvedChats: (channelId) =>
        deps.chats
          .list(channelId)
          .filter((chat) => chat.state === 'approved')
          .map((chat) => chat.chatId),
      timeZone: () => deps.config.get().ui.timeZone,
      remember: (incidentId, channelId, chatId, messageId) =>
        deps.outbox.putSentRef(
          incidentId,
          channelId,
          chatId,
          messageId,
          new Date(deps.clock.now()).toISOString(),
        ),
      unreachable: (channelId, chatId, reason) => this.unreachable(channelId, chatId, reason),
    };
  }

  start(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    this.state = 'running';
    this.startedAt = this.deps.clock.now();
    this.unsubscribe = this.deps.config.onChange((config) => this.reconcile(config));
    this.reconcile(this.deps.config.get());
    return Promise.resolve();
  }

  async stop(_reason?: string): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const [channelId, running] of this.bots) this.retire(channelId, running);
    this.bots.clear();
    await Promise.all(this.stopping.values());
    this.state = 'stopped';
  }

  /** Chats that asked for this channel's incidents, and what was decided. */
  chats(channelId: string): TelegramChat[] {
    return this.deps.chats.list(channelId);
  }

  /**
   * A decision from the console. The chat is told when it is approved, and
   * the admin chat hears of every decision. False for an unknown chat.
   */
  decide(
    channelId: string,
    chatId: string,
    decision: Exclude<TelegramChatState, 'pending'>,
    by: string,
  ): boolean {
    const channel = this.channel(channelId);
    const record = this.deps.chats.get(channelId, chatId);
    if (!channel || !record) return false;
    const bot = this.bots.get(channelId)?.bot;
    if (bot) {
      void bot.decide(channel, chatId, decision, by, { fromConsole: true });
    } else {
      const now = new Date(this.deps.clock.now()).toISOString();
      this.deps.chats.save(channelId, { ...record, state: decision, decidedAt: now, decidedBy: by });
      this.deps.bus.emit('channels.changed', { id: channelId });
    }
    return true;
  }

  /** Polling health of a channel's bot, or null when none runs. */
  health(channelId: string): BotHealth | null {
    return this.bots.get(channelId)?.bot.health ?? null;
  }

  private channel(channelId: string): TelegramChannelConfig | null {
    const channel = this.deps.config.get().channels.find((c) => c.id === channelId);
    return channel?.kind === 'telegram' ? channel : null;
  }

  private reconcile(config: Config): void {
    if (this.state !== 'running') return;
    const wanted = new Map<string, { signature: string; token: string; channel: TelegramChannelConfig }>();
    const tokens = new Set<string>();
    for (const channel of config.channels) {
      if (channel.kind !== 'telegram' || !channel.enabled) continue;
      let token: string | undefined;
      try {
        token = this.deps.config.resolveSecret(channel.botToken);
      } catch (error) {
        this.deps.logger.warn('the Telegram bot token cannot be read', { channel: channel.id, error });
      }
      if (!token) continue;
      if (tokens.has(token)) {
        // Telegram lets one poller per token; a second would knock the first off (409).
        this.deps.logger.warn('two Telegram channels share a bot token; only the first one polls', {
          channel: channel.id,
        });
        continue;
      }
      tokens.add(token);
      wanted.set(channel.id, { signature: `${channel.apiRoot}\n${token}`, token, channel });
    }
    for (const [channelId, running] of this.bots) {
      if (wanted.get(channelId)?.signature === running.signature) continue;
      this.retire(channelId, running);
      this.bots.delete(channelId);
    }
    for (const [channelId, { signature, token, channel }] of wanted) {
      if (this.bots.has(channelId)) continue;
      const bot = new TelegramBot({
        channelId,
        api: (this.deps.createApi ?? createBotApi)(channel.apiRoot, token, this.deps.clock),
        channel: () => this.channel(channelId),
        chats: this.deps.chats,
        kv: this.deps.kv,
        outbox: this.deps.outbox,
        incidents: this.deps.incidents,
        actions: this.deps.actions,
        clock: this.deps.clock,
        logger: this.deps.logger.child(channelId),
        bus: this.deps.bus,
        version: this.deps.version ?? 'unknown',
        startedAt: this.startedAt,
        timeZone: () => this.deps.config.get().ui.timeZone,
        render: (target, incidentId) => this.render(target, incidentId),
        options: this.options,
      });
      this.bots.set(channelId, { bot, signature });
      bot.start(this.stopping.get(channelId));
      this.deps.logger.info('Telegram bot started', { channel: channelId });
    }
  }

  private retire(channelId: string, running: Running): void {
    const previous = this.stopping.get(channelId) ?? Promise.resolve();
    const done = previous
      .then(() => running.bot.stop())
      .catch((error: unknown) => this.deps.logger.error('Telegram bot did not stop cleanly', { error }))
      .finally(() => {
        if (this.stopping.get(channelId) === done) this.stopping.delete(channelId);
      });
    this.stopping.set(channelId, done);
  }

  /** A chat that refused a message stops receiving until it asks again (it is "ignored", not blocked). */
  private unreachable(channelId: string, chatId: string, reason: string): void {
    const record = this.deps.chats.get(channelId, chatId);
    if (record?.state !== 'approved') return;
    this.deps.chats.save(channelId, {
      ...record,
      state: 'ignored',
      decidedAt: new Date(this.deps.clock.now()).toISOString(),
      decidedBy: `Telegram: ${reason}`.slice(0, 300),
    });
    this.deps.bus.emit('channels.changed', { id: channelId });
    this.deps.logger.warn('a Telegram chat refuses the bot; it no longer gets incidents', {
      channelId,
      chatId,
      reason,
    });
  }

  /** The incident message the outbox would send on this channel now, masked likewise; null if it cannot be. */
  private render(channel: TelegramChannelConfig, incidentId: string): RenderedMessage | null {
    const incident = this.deps.incidents.get(incidentId);
    if (!incident) return null;
    let message: OutgoingMessage = {
      purpose: 'update',
      incident,
      events: this.deps.rawEvents.listForIncident(incident.id, MESSAGE_EVENTS),
      analysis: this.deps.analysisFor?.(incident) ?? null,
      appUrl: this.deps.appUrl?.(incident.id) ?? null,
    };
    if (channel.mask) {
      if (!this.deps.sanitizer) return null;
      try {
        const masked = this.deps.sanitizer.mask(
          { incident: message.incident, events: message.events, analysis: message.analysis },
          incident.entities,
        ).value;
        message = { ...message, ...masked };
      } catch (error) {
        this.deps.logger.debug('cannot mask a Telegram message for a refresh', { error });
        return null;
      }
    } else if (this.deps.sanitizer) {
      // Real values on this channel, but never a victim's credentials (sanitizer/README.md).
      message = {
        ...message,
        ...this.deps.sanitizer.redactSecrets({
          incident: message.incident,
          events: message.events,
          analysis: message.analysis,
        }),
      };
    }
    return renderIncident(message, {
      timeZone: this.deps.config.get().ui.timeZone,
      eventsInMessage: channel.eventsInMessage,
    });
  }
}
