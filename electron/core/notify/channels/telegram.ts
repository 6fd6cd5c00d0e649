/**
 * Telegram channel: the incident as an HTML message with Acknowledge / Close
 * as false positive / Refresh buttons, to every approved chat plus the
 * configured chatId. Updates edit the messages sent before. Each message is
 * remembered the moment it is sent, so a retry after a partial failure edits
 * instead of repeating it; a chat that refuses the bot (403) is reported and
 * skipped, and only when every chat refuses does the entry fail for good.
 */
import type { TelegramChannelConfig } from '../../../../shared/config';
import { SourceError } from '../../sources/source-error';
import type { ChannelAdapter, OutgoingMessage, SendContext, SendReceipt } from '../channel-adapter';
import type { BotApi } from '../telegram/bot-api';
import { TelegramError, createBotApi } from '../telegram/bot-api';
import type { RenderedMessage } from '../telegram/format';
import { renderIncident } from '../telegram/format';

/** What the adapter needs from the bot service (chats decided in Telegram or the console). */
export interface TelegramAdapterDeps {
  /** Chats approved to receive this channel's incidents. */
  approvedChats(channelId: string): string[];
  /** The zone times are shown in (config ui.timeZone). */
  timeZone(): string;
  /** Records a sent message at once (the outbox records the receipt only when the whole send succeeds). */
  remember(incidentId: string, channelId: string, chatId: string, messageId: string): void;
  /** A chat refused the bot (blocked it, removed it, or does not exist). */
  unreachable(channelId: string, chatId: string, reason: string): void;
}

/** Without the bot service (tests, a channel checked in isolation): the configured chat only, times in UTC. */
const standalone: TelegramAdapterDeps = {
  approvedChats: () => [],
  timeZone: () => 'UTC',
  remember: () => undefined,
  unreachable: () => undefined,
};

const NOT_MODIFIED = /message is not modified/i;
const CANNOT_EDIT = /message to edit not found|message can't be edited|message_id_invalid/i;

/** The Telegram adapter for a channel; `deps` come from TelegramBotService.adapterDeps. */
export function createTelegramAdapter(
  channel: TelegramChannelConfig,
  deps: TelegramAdapterDeps = standalone,
): ChannelAdapter {
  return {
    sendsUpdates: true,
    send: (message, ctx) => send(channel, deps, message, ctx),
  };
}

async function send(
  channel: TelegramChannelConfig,
  deps: TelegramAdapterDeps,
  message: OutgoingMessage,
  ctx: SendContext,
): Promise<SendReceipt> {
  const token = ctx.secret(channel.botToken);
  if (!token) throw new SourceError('config', 'no bot token: set the Telegram channel’s bot token');
  const recipients = [
    ...new Set([...deps.approvedChats(channel.id), ...(channel.chatId ? [channel.chatId] : [])]),
  ];
  if (recipients.length === 0) {
    throw new SourceError(
      'config',
      'no chat to send to: approve a chat (it sends /start to the bot) or set the channel’s chat id',
    );
  }
  const previous = new Map(message.purpose === 'test' ? [] : ctx.previous.map((p) => [p.address, p.ref]));
  // An update edits where the incident was shown; a chat approved since then waits for the next incident.
  const targets =
    message.purpose === 'update' && previous.size > 0
      ? recipients.filter((chatId) => previous.has(chatId))
      : recipients;
  if (targets.length === 0) return { refs: [], detail: 'no message to update in the approved chats' };

  const api = createBotApi(channel.apiRoot, token, ctx.clock);
  const rendered = renderIncident(message, {
    timeZone: deps.timeZone(),
    eventsInMessage: channel.eventsInMessage,
  });
  const incidentId = message.purpose === 'test' ? null : message.incident.id;
  const refs: { address: string; ref: string }[] = [];
  const refused: string[] = [];
  const failed: SourceError[] = [];
  let sent = 0;
  let edited = 0;

  for (const chatId of targets) {
    try {
      const ref = previous.get(chatId);
      const outcome = ref
        ? await edit(api, chatId, ref, rendered, ctx.signal)
        : { messageId: await sendNew(api, chatId, rendered, ctx.signal), fresh: true };
      if (outcome.fresh) {
        sent++;
        if (incidentId) deps.remember(incidentId, channel.id, chatId, outcome.messageId);
      } else {
        edited++;
      }
      refs.push({ address: chatId, ref: outcome.messageId });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      // The channel pauses as a whole; what went out so far is remembered and not sent again.
      if (error instanceof SourceError && error.kind === 'rate_limited') throw error;
      if (error instanceof TelegramError && (error.errorCode === 403 || error.errorCode === 400)) {
        const reason = error.description ?? error.message;
        if (error.errorCode === 403) deps.unreachable(channel.id, chatId, reason);
        refused.push(`chat ${chatId}: ${reason}`);
        ctx.logger.warn('a Telegram chat refused the message', { chat: chatId, reason });
        continue;
      }
      failed.push(
        error instanceof SourceError
          ? error
          : new SourceError('network', `Telegram: ${(error as Error).message ?? String(error)}`),
      );
    }
  }

  if (failed.length > 0) {
    const first = failed[0]!;
    const done = sent + edited;
    const prefix =
      done > 0 || refused.length > 0 ? `${failed.length} of ${targets.length} chats failed: ` : '';
    throw new SourceError(first.kind, `${prefix}${first.message}`, first.retryAfterMs, first.status);
  }
  if (refs.length === 0)
    throw new SourceError('config', `every chat refused the message — ${refused.join('; ')}`);
  return { refs: incidentId ? refs : [], detail: describe(sent, edited, refused) };
}

async function sendNew(
  api: BotApi,
  chatId: string,
  rendered: RenderedMessage,
  signal: AbortSignal,
): Promise<string> {
  const result = await api.call<{ message_id?: unknown }>(
    'sendMessage',
    {
      chat_id: chatId,
      text: rendered.text,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(rendered.replyMarkup ? { reply_markup: rendered.replyMarkup } : {}),
    },
    { signal },
  );
  const messageId = result?.message_id;
  if (typeof messageId !== 'number' && typeof messageId !== 'string') {
    throw new SourceError('malformed', 'Telegram sendMessage: the answer has no message_id');
  }
  return String(messageId);
}

/** Edits a sent message; one that cannot be edited any more is replaced by a new one. */
async function edit(
  api: BotApi,
  chatId: string,
  ref: string,
  rendered: RenderedMessage,
  signal: AbortSignal,
): Promise<{ messageId: string; fresh: boolean }> {
  try {
    await api.call(
      'editMessageText',
      {
        chat_id: chatId,
        message_id: Number(ref),
        text: rendered.text,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup: rendered.replyMarkup ?? { inline_keyboard: [] },
      },
      { signal },
    );
    return { messageId: ref, fresh: false };
  } catch (error) {
    if (!(error instanceof TelegramError) || error.errorCode !== 400) throw error;
    const description = error.description ?? '';
    if (NOT_MODIFIED.test(description)) return { messageId: ref, fresh: false };
    if (CANNOT_EDIT.test(description))
      return { messageId: await sendNew(api, chatId, rendered, signal), fresh: true };
    throw error;
  }
}

function describe(sent: number, edited: number, refused: string[]): string {
  const parts: string[] = [];
  if (sent > 0) parts.push(`sent to ${sent} chat${sent === 1 ? '' : 's'}`);
  if (edited > 0) parts.push(`updated ${edited} message${edited === 1 ? '' : 's'}`);
  if (refused.length > 0) parts.push(`${refused.length} refused (${refused.join('; ')})`);
  return parts.join(', ');
}
