/**
 * The seam between the outbox and one kind of channel. An adapter formats
 * and sends a message and reports failures as SourceError (kind 'auth',
 * 'rate_limited' with retryAfterMs, 'http', 'network', 'timeout', 'config',
 * 'malformed'); the outbox owns retries, backoff, dead letters and health.
 */
import type { ChannelConfig } from '../../../shared/config';
import type { Analysis, Incident, RawEvent } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

export interface OutgoingMessage {
  purpose: 'incident' | 'update' | 'test';
  /** Masked unless the channel shows real values. */
  incident: Incident;
  /** The most recent raw events, newest first (masked likewise). */
  events: RawEvent[];
  analysis: Analysis | null;
  /** Where the analyst can open the incident in Vigil, when known. */
  appUrl: string | null;
  /** The zone times are shown in (config ui.timeZone: 'local' or an IANA name); UTC when absent. */
  timeZone?: string;
}

export interface SendContext {
  signal: AbortSignal;
  clock: Clock;
  logger: Logger;
  /** Resolves a secret field (`${ENV}` or `secret:`) to its value. */
  secret(value: string | undefined): string | undefined;
  /** Where this channel sent this incident before (address -> message ref), for edits. */
  previous: { address: string; ref: string }[];
}

export interface SendReceipt {
  /** What to remember per address so a later update can edit the message (Telegram chat -> message id). */
  refs: { address: string; ref: string }[];
  /** A short line for the delivery log: "sent to 2 chats", "HTTP 200". */
  detail: string;
}

export interface ChannelAdapter {
  /** Sends (purpose incident or test) or edits/follows up (purpose update). */
  send(message: OutgoingMessage, ctx: SendContext): Promise<SendReceipt>;
  /** Whether updates (status changes, AI analysis) are delivered; others get only the first message. */
  readonly sendsUpdates: boolean;
}

/** A channel with a life of its own besides sending (Telegram's long polling, WhatsApp sessions). */
export interface ChannelRuntime {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type ChannelFactory<K extends ChannelConfig['kind']> = (
  channel: Extract<ChannelConfig, { kind: K }>,
) => ChannelAdapter;
