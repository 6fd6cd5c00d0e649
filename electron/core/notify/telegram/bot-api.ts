/**
 * The Telegram Bot API over requestJson: one POST with a JSON body per
 * method, the `{ok, result}` envelope unwrapped, and every failure a
 * TelegramError carrying Telegram's own description and error code. The bot
 * token is part of the URL path, so it is scrubbed from every message.
 */
import type { Clock } from '../../clock';
import { requestJson } from '../../sources/http-client';
import type { SourceErrorKind } from '../../sources/source-error';
import { SourceError } from '../../sources/source-error';

/** A Bot API failure: `description` and `errorCode` as Telegram sent them, when it answered. */
export class TelegramError extends SourceError {
  constructor(
    kind: SourceErrorKind,
    message: string,
    readonly description: string | null,
    readonly errorCode: number | null,
    retryAfterMs?: number,
  ) {
    super(kind, message, retryAfterMs, errorCode ?? undefined);
  }
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface BotApi {
  call<T>(method: string, params: Record<string, unknown>, options?: CallOptions): Promise<T>;
}

interface Envelope {
  ok?: unknown;
  result?: unknown;
  description?: unknown;
  error_code?: unknown;
  parameters?: { retry_after?: unknown } | null;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** A client for one bot at `apiRoot` (https://api.telegram.org or an emulator). */
export function createBotApi(apiRoot: string, token: string, clock: Clock): BotApi {
  const root = apiRoot.replace(/\/+$/, '');
  return {
    async call<T>(method: string, params: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
      const url = `${root}/bot${token}/${method}`;
      let body: unknown;
      try {
        const response = await requestJson(
          url,
          {
            method: 'POST',
            body: params,
            timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            ...(options.signal ? { signal: options.signal } : {}),
          },
          clock,
        );
        body = response.body;
      } catch (error) {
        throw translate(error, method, url, token);
      }
      const envelope = (body && typeof body === 'object' ? body : {}) as Envelope;
      if (envelope.ok === true) return envelope.result as T;
      if (envelope.ok === false) {
        const description = typeof envelope.description === 'string' ? envelope.description : null;
        const code = typeof envelope.error_code === 'number' ? envelope.error_code : null;
        const retryAfter = envelope.parameters?.retry_after;
        throw apiError(
          method,
          code,
          description,
          typeof retryAfter === 'number' ? retryAfter * 1000 : undefined,
        );
      }
      throw new TelegramError(
        'malformed',
        `Telegram ${method}: the answer is not a Bot API response`,
        null,
        null,
      );
    },
  };
}

/** Telegram's "retry after N" (also in the description of a 429) in milliseconds. */
function retryAfterFrom(description: string | null): number | undefined {
  const match = description ? /retry after (\d+)/i.exec(description) : null;
  return match ? Number(match[1]) * 1000 : undefined;
}

function apiError(
  method: string,
  code: number | null,
  description: string | null,
  retryAfterMs: number | undefined,
): TelegramError {
  const text = `Telegram ${method}: ${description ?? `error ${code ?? '?'}`}`;
  if (code === 429) {
    return new TelegramError(
      'rate_limited',
      text,
      description,
      code,
      retryAfterMs ?? retryAfterFrom(description),
    );
  }
  // 401 is a revoked or mistyped token; Telegram answers 404 when the token is not even shaped like one.
  if (code === 401 || code === 404) {
    return new TelegramError('auth', `${text} (check the bot token)`, description, code);
  }
  if (code === 403) return new TelegramError('auth', text, description, code);
  return new TelegramError('http', text, description, code);
}

/**
 * requestJson already turned the failure into a SourceError naming the URL;
 * this swaps the URL (which holds the token) for the method and lifts
 * Telegram's description out of the HTTP error it quoted.
 */
function translate(error: unknown, method: string, url: string, token: string): Error {
  if (!(error instanceof SourceError)) {
    return new TelegramError('network', `Telegram ${method}: ${scrub(String(error), token)}`, null, null);
  }
  const parsed = new URL(url);
  const target = `${parsed.origin}${parsed.pathname}`;
  const message = scrub(error.message.split(target).join(`Telegram ${method}`), token);
  if (error.status !== undefined && error.status >= 400 && error.kind !== 'malformed') {
    const quoted = / — (.*)$/s.exec(message)?.[1] ?? null;
    if (quoted !== null || error.status === 429) {
      return apiError(method, error.status, quoted, error.retryAfterMs ?? retryAfterFrom(quoted));
    }
  }
  return new TelegramError(error.kind, message, null, error.status ?? null, error.retryAfterMs);
}

function scrub(text: string, token: string): string {
  return token ? text.split(token).join('<token>') : text;
}
