/** Contract handlers for channels, silences, WhatsApp sessions and Telegram chats. */
import { randomBytes } from 'node:crypto';

import type { ChannelConfig } from '../../../shared/config';
import { SECRET_PATHS, channelConfigSchema, formatIssues, incidentMatchSchema } from '../../../shared/config';
import type { ChannelView } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { Clock } from '../clock';
import type { EventBus } from '../event-bus';
import type { ConfigStore } from '../config/config-store';
import type { IncidentsRepo } from '../db/repos/incidents-repo';
import type { OutboxRepo } from '../db/repos/outbox-repo';
import type { NotificationService } from '../notify/notification-service';
import type { TelegramBotService } from '../notify/telegram-bots';
import type { WhatsAppService } from '../notify/whatsapp-sessions';
import type { Handlers } from './dispatcher';

/** Secret fields of a channel, top-level or nested (`smtp.password`), from SECRET_PATHS `channels.*.<path>`. */
const CHANNEL_SECRET_PATHS: readonly string[][] = SECRET_PATHS.filter((p) => p.startsWith('channels.*.')).map(
  (p) => p.slice('channels.*.'.length).split('.'),
);
const BASE_FIELDS = new Set(['id', 'kind', 'name', 'enabled', 'minSeverity', 'mask']);

function getPath(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    value,
  );
}

function setPath(value: Record<string, unknown>, path: string[], next: unknown): void {
  let node = value;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = next;
}

function deletePath(value: Record<string, unknown>, path: string[]): void {
  const parent = getPath(value, path.slice(0, -1));
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[path.at(-1)!];
}

export interface NotifyHandlerDeps {
  bus: EventBus;
  config: ConfigStore;
  outbox: OutboxRepo;
  incidents: IncidentsRepo;
  notifications: NotificationService;
  telegram: TelegramBotService;
  whatsapp: WhatsAppService;
  clock: Clock;
}

type NotifyMethods =
  | 'channels.list'
  | 'channels.upsert'
  | 'channels.remove'
  | 'channels.test'
  | 'channels.outbox'
  | 'channels.retry'
  | 'silences.add'
  | 'silences.remove'
  | 'whatsapp.sessions'
  | 'whatsapp.connect'
  | 'whatsapp.qr'
  | 'whatsapp.groups'
  | 'telegram.chats'
  | 'telegram.decide';

export function channelView(channel: ChannelConfig, config: ConfigStore, outbox: OutboxRepo): ChannelView {
  const settings = structuredClone(channel) as Record<string, unknown>;
  const secrets: Record<string, boolean> = {};
  for (const path of CHANNEL_SECRET_PATHS) {
    const value = getPath(settings, path);
    if (value === undefined) continue;
    secrets[path.join('.')] = Boolean(config.resolveSecret(value as string));
    deletePath(settings, path);
  }
  for (const key of BASE_FIELDS) delete settings[key];
  const state = outbox.channelState(channel.id);
  const counts = outbox.counts(channel.id);
  return {
    id: channel.id,
    kind: channel.kind,
    name: channel.name,
    enabled: channel.enabled,
    minSeverity: channel.minSeverity,
    mask: channel.mask,
    settings,
    secrets,
    health: { ...state, pending: counts.pending + counts.sending, held: counts.held, dead: counts.dead },
  };
}

export function createNotifyHandlers(deps: NotifyHandlerDeps): Pick<Handlers, NotifyMethods> {
  const find = (id: string) => {
    const channel = deps.config.get().channels.find((c) => c.id === id);
    if (!channel) throw new ContractError('not_found', `no channel ${id}`);
    return channel;
  };
  const view = (channel: ChannelConfig) => channelView(channel, deps.config, deps.outbox);

  return {
    'channels.list': () => deps.config.get().channels.map(view),

    'channels.upsert': ({ channel: input, create }) => {
      const existing = deps.config.get().channels.find((c) => c.id === input.id);
      if (create && existing)
        throw new ContractError('bad_request', 'channel.id: another channel already uses this id');
      const merged = structuredClone(input);
      for (const path of CHANNEL_SECRET_PATHS) {
        // A form never sees stored secrets, so an empty field means "keep it".
        const given = getPath(merged, path);
        const kept = existing ? getPath(existing, path) : undefined;
        if ((given === undefined || given === '') && kept !== undefined) setPath(merged, path, kept);
      }
      const parsed = channelConfigSchema.safeParse(merged);
      if (!parsed.success) throw new ContractError('bad_request', formatIssues(parsed.error, 'channel'));
      const config = deps.config.update((draft) => {
        const index = draft.channels.findIndex((c) => c.id === parsed.data.id);
        if (index >= 0) draft.channels[index] = parsed.data;
        else draft.channels.push(parsed.data);
      });
      deps.bus.emit('channels.changed', { id: parsed.data.id });
      return view(config.channels.find((c) => c.id === parsed.data.id)!);
    },

    'channels.remove': ({ id }) => {
      find(id);
      deps.config.update((draft) => {
        draft.channels = draft.channels.filter((c) => c.id !== id);
      });
      deps.bus.emit('channels.changed', { id });
      return { removed: true };
    },

    'channels.test': ({ id }) => {
      find(id);
      return deps.notifications.test(id);
    },

    'channels.outbox': ({ id, limit }) => {
      find(id);
      const titles = new Map<string, string | null>();
      const title = (incidentId: string | null) => {
        if (!incidentId) return null;
        if (!titles.has(incidentId)) titles.set(incidentId, deps.incidents.get(incidentId)?.title ?? null);
        return titles.get(incidentId) ?? null;
      };
      return {
        entries: deps.outbox.list(id, limit).map((e) => ({
          id: e.id,
          incidentId: e.incidentId,
          incidentTitle: title(e.incidentId),
          purpose: e.purpose,
          state: e.state,
          attempts: e.attempts,
          nextAttemptAt: e.nextAttemptAt,
          lastError: e.lastError,
          reason: e.reason,
          createdAt: e.createdAt,
          sentAt: e.sentAt,
        })),
        deliveries: deps.outbox.deliveries(id, limit),
      };
    },

    'channels.retry': ({ outboxId }) => ({ retried: deps.notifications.retry(outboxId) }),

    'silences.add': ({ owner, reason, minutes, match }) => {
      const parsed = incidentMatchSchema.safeParse(match);
      if (!parsed.success) throw new ContractError('bad_request', formatIssues(parsed.error, 'match'));
      const id = `silence-${randomBytes(4).toString('hex')}`;
      const expiresAt = new Date(deps.clock.now() + minutes * 60_000).toISOString();
      deps.config.update((draft) => {
        const now = deps.clock.now();
        // Expired silences are dropped as new ones arrive, so the list stays short.
        draft.routing.silences = draft.routing.silences.filter((s) => Date.parse(s.expiresAt) > now);
        draft.routing.silences.push({ id, owner, reason: reason ?? '', expiresAt, match: parsed.data });
      });
      return { id, expiresAt };
    },

    'silences.remove': ({ id }) => {
      const before = deps.config.get().routing.silences.length;
      const config = deps.config.update((draft) => {
        draft.routing.silences = draft.routing.silences.filter((s) => s.id !== id);
      });
      return { removed: config.routing.silences.length < before };
    },

    'whatsapp.sessions': ({ channelId }) => {
      find(channelId);
      return deps.whatsapp.sessions(channelId);
    },
    'whatsapp.connect': ({ channelId, session }) => {
      find(channelId);
      return deps.whatsapp.connect(channelId, session);
    },
    'whatsapp.qr': ({ channelId, session }) => {
      find(channelId);
      return deps.whatsapp.qr(channelId, session);
    },
    'whatsapp.groups': ({ channelId, session, refresh }) => {
      find(channelId);
      return deps.whatsapp.groups(channelId, session, refresh ?? false);
    },

    'telegram.chats': ({ channelId }) => {
      find(channelId);
      return deps.telegram.chats(channelId);
    },
    'telegram.decide': ({ channelId, chatId, decision }, ctx) => {
      find(channelId);
      return { ok: deps.telegram.decide(channelId, chatId, decision, ctx.actor) };
    },
  };
}
