/**
 * JSON over HTTP for vendor clients, with every failure turned into a
 * SourceError that says what happened: a timeout, a refused connection, an
 * expired token (401/403), throttling (429 with its Retry-After), a server
 * error, or an answer that is not the JSON we asked for (an HTML login or
 * proxy error page, a truncated body).
 */
import type { Clock } from '../clock';
import { SourceError } from './source-error';

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a URLSearchParams (form) body. */
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | null, clock: Clock): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - clock.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

export async function requestJson(url: string, options: RequestOptions, clock: Clock): Promise<JsonResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const isForm = options.body instanceof URLSearchParams;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
  const target = safeTarget(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body:
        options.body === undefined
          ? undefined
          : isForm
            ? (options.body as URLSearchParams)
            : JSON.stringify(options.body),
      signal,
      redirect: 'error',
    });
  } catch (error) {
    if (timeout.aborted)
      throw new SourceError(
        'timeout',
        `${target}: no answer within ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`,
      );
    if (options.signal?.aborted) throw new SourceError('network', `${target}: cancelled`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new SourceError(
      'network',
      `${target}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  }

  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new SourceError('network', `${target}: the answer was cut off (${(error as Error).message})`);
  }
  const contentType = response.headers.get('content-type') ?? '';
  let body: unknown = undefined;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      const kind = contentType.includes('html') ? 'an HTML page' : `non-JSON ${contentType || 'text'}`;
      const status = response.ok ? '' : ` (HTTP ${response.status})`;
      throw new SourceError(
        response.ok ? 'malformed' : statusKind(response.status),
        `${target}: expected JSON, got ${kind}${status}`,
        retryAfter(response, clock),
      );
    }
  }
  if (!response.ok) {
    const detail = vendorMessage(body);
    throw new SourceError(
      statusKind(response.status),
      `${target}: HTTP ${response.status}${detail ? ` — ${detail}` : ''}`,
      retryAfter(response, clock),
    );
  }
  return { status: response.status, headers: response.headers, body };
}

function retryAfter(response: Response, clock: Clock): number | undefined {
  return parseRetryAfter(response.headers.get('retry-after'), clock);
}

function statusKind(status: number): SourceError['kind'] {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  return 'http';
}

/** The human part of a vendor error body, whatever its shape. */
function vendorMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  const errors = record.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const first = errors[0] as Record<string, unknown>;
    const text = first.detail ?? first.title ?? first.message;
    if (typeof text === 'string') return text.slice(0, 300);
  }
  for (const key of ['error_description', 'message', 'error', 'detail', 'description']) {
    if (typeof record[key] === 'string') return record[key].slice(0, 300);
  }
  return null;
}

/** The URL without its query, which may carry tokens. */
function safeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the vendor';
  }
}
