/**
 * JSON over HTTP for vendor clients, with every failure turned into a
 * SourceError that says what happened: a timeout, a refused connection, an
 * expired token (401/403), throttling (429 with its Retry-After), a server
 * error, or an answer that is not the JSON we asked for (an HTML login or
 * proxy error page, a truncated body).
 */
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

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
  /** Accept a self-signed or otherwise unverifiable certificate (a source's verifyTls: false). */
  insecureTls?: boolean;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Answers larger than this are refused rather than buffered: no vendor page is this big. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

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
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const isForm = options.body instanceof URLSearchParams;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
  const payload =
    options.body === undefined
      ? undefined
      : isForm
        ? (options.body as URLSearchParams).toString()
        : JSON.stringify(options.body);
  if (isForm) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const target = safeTarget(url);
  let response: RawResponse;
  try {
    response = await send(
      url,
      options.method ?? 'GET',
      headers,
      payload,
      signal,
      options.insecureTls ?? false,
    );
  } catch (error) {
    if (timeout.aborted)
      throw new SourceError('timeout', `${target}: no answer within ${timeoutMs / 1000} s`);
    if (options.signal?.aborted) throw new SourceError('network', `${target}: cancelled`);
    if (error instanceof SourceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceError(
      'network',
      `${target}: ${describeNetworkError(code, (error as Error).message, '; fix the certificate or turn off TLS verification for this source')}`,
    );
  }
  if (response.status >= 300 && response.status < 400) {
    throw new SourceError(
      'http',
      `${target}: redirected (HTTP ${response.status}) to ${response.headers.get('location') ?? '?'}; check the base URL`,
    );
  }
  const text = response.text;
  const contentType = response.headers.get('content-type') ?? '';
  let body: unknown = undefined;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      const kind = contentType.includes('html')
        ? 'an HTML page'
        : contentType.includes('json')
          ? 'invalid or cut-off JSON'
          : `non-JSON ${contentType || 'text'}`;
      const ok = response.status < 400;
      const status = ok ? '' : ` (HTTP ${response.status})`;
      throw new SourceError(
        ok ? 'malformed' : statusKind(response.status),
        `${target}: expected JSON, got ${kind}${status}`,
        retryAfter(response, clock),
        response.status,
      );
    }
  }
  if (response.status >= 400) {
    const detail = vendorMessage(body);
    throw new SourceError(
      statusKind(response.status),
      `${target}: HTTP ${response.status}${detail ? ` — ${detail}` : ''}`,
      retryAfter(response, clock),
      response.status,
    );
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * One request over node:http(s) rather than fetch: fetch cannot accept a
 * self-signed certificate per request, which on-premises SIEMs often have.
 */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal,
  insecureTls: boolean,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    const isHttps = parsed.protocol === 'https:';
    const outgoing = {
      ...headers,
      ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    };
    const req = (isHttps ? httpsRequest : httpRequest)(
      parsed,
      { method, headers: outgoing, signal, ...(isHttps ? { rejectUnauthorized: !insecureTls } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy(
              new SourceError(
                'malformed',
                `${safeTarget(url)}: the answer is over ${MAX_RESPONSE_BYTES} bytes`,
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: toHeaders(res.headers),
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', (error) =>
          reject(
            error instanceof SourceError
              ? error
              : new SourceError('network', `${safeTarget(url)}: the answer was cut off (${error.message})`),
          ),
        );
        res.on('aborted', () =>
          reject(new SourceError('network', `${safeTarget(url)}: the answer was cut off`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** A network failure in words; `tlsHint` follows a rejected certificate (what the user can change). */
export function describeNetworkError(code: string | undefined, message: string, tlsHint = ''): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the address and port right, and the service up?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the TLS certificate was not accepted (${code})${tlsHint}`;
    default:
      return code ? `${code}: ${message}` : message;
  }
}

function retryAfter(response: RawResponse, clock: Clock): number | undefined {
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
  // Graph-style bodies (Meta, OpenAI): {"error": {"message": "...", "code": 131047}}.
  const nested = record.error;
  if (
    nested &&
    typeof nested === 'object' &&
    typeof (nested as Record<string, unknown>).message === 'string'
  ) {
    const { message, code } = nested as { message: string; code?: unknown };
    const suffix = typeof code === 'number' || typeof code === 'string' ? ` (code ${String(code)})` : '';
    return `${message.slice(0, 300)}${suffix}`;
  }
  for (const key of ['error_description', 'message', 'error', 'detail', 'description', 'statusText']) {
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
