/**
 * Small HTTP pieces shared by the webhook listener and the headless shell:
 * bodies read under a size cap with strict UTF-8, a nesting cap for parsed
 * JSON, JSON answers, constant-time token comparison, and which bound
 * addresses other machines can reach.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

import type { ErrorCode } from '../../shared/ipc/result';

/** An answer with a status and a reason; thrown by request handling, sent by the server. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Reads a request body of at most `maxBytes`. Rejects with 413 as soon as the
 * limit is passed (declared or streamed) and with 400 for a body that is not
 * UTF-8, which is refused rather than stored with replacement characters.
 * After a 413 the rest is left unread: close the socket once answered.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () => new HttpError(413, 'payload_too_large', `body is over the ${maxBytes}-byte limit`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (error: HttpError) => {
      if (done) return;
      done = true;
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        fail(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        reject(new HttpError(400, 'bad_request', 'body is not valid UTF-8'));
      }
    });
    req.on('error', (error) =>
      fail(new HttpError(400, 'bad_request', `could not read the body: ${error.message}`)),
    );
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(json);
}

/**
 * How deep a request body may nest objects and arrays. Vendor alerts and
 * contract arguments stay under ten levels; a body nested thousands deep is
 * an attack on every recursive walk after parsing (mapping, sanitizing, FTS).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests objects or arrays more than `max` levels deep (the
 * top-level object is level 1). Iterative, so hostile depth cannot overflow
 * the stack, and it stops at the first node past the limit.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const nodes: unknown[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  const v4 = bare.startsWith('::ffff:') && isIP(bare.slice(7)) === 4 ? bare.slice(7) : bare;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  // ::1, its long form, and 127/8 mapped into IPv6 as the URL parser writes it (::ffff:7f00:1).
  return isIP(bare) === 6 && /^::1$|^(0{1,4}:){7}0{0,3}1$|^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(bare);
}

export interface ExposedListener {
  listener: 'ui' | 'webhook';
  /** The bound address as host:port. */
  address: string;
}

/**
 * The listeners (given as their base URLs, null when not listening) that are
 * bound beyond loopback and so reachable from other machines.
 */
export function exposedListeners(urls: { ui?: string | null; webhook?: string | null }): ExposedListener[] {
  const out: ExposedListener[] = [];
  for (const listener of ['ui', 'webhook'] as const) {
    const url = urls[listener];
    if (!url) continue;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    if (!isLoopbackHost(parsed.hostname)) out.push({ listener, address: parsed.host });
  }
  return out;
}

/** The warning lines the headless shell prints at start for each exposed listener. */
export function exposureWarnings(exposed: readonly ExposedListener[]): string[] {
  return exposed.map(({ listener, address }) =>
    listener === 'ui'
      ? `WARNING: the web UI and API listen on ${address}, reachable from other machines; put TLS in front of it (README, "Running as a service").`
      : `WARNING: the webhook listens on ${address}, reachable from other machines; every sender needs the token, so use TLS in front of it.`,
  );
}

/** An address as a set of trusted proxies holds it: IPv4-mapped IPv6 (::ffff:10.0.0.1) as IPv4. */
function plainAddress(address: string): string {
  const trimmed = address.trim().toLowerCase();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/**
 * The client a trusted proxy says it forwards: the right-most X-Forwarded-For
 * entry that is not a trusted proxy itself (entries left of it are whatever
 * the client wrote). Null when the peer is not a trusted proxy or names no one.
 */
function forwardedClient(req: IncomingMessage, trusted: ReadonlySet<string>): string | null {
  if (trusted.size === 0 || !trusted.has(plainAddress(req.socket.remoteAddress ?? ''))) return null;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map(plainAddress)
    .filter((hop) => hop.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    // Bounded: a forged entry cannot grow the failure records with megabyte keys.
    if (!trusted.has(hop)) return hop.slice(0, 64);
  }
  return null;
}

/**
 * Who a request comes from, for rate limits and logs: the peer's address, or,
 * when the peer is one of the `trusted` proxies, the client it forwards.
 */
export function clientAddress(req: IncomingMessage, trusted: ReadonlySet<string>): string {
  return forwardedClient(req, trusted) ?? plainAddress(req.socket.remoteAddress ?? 'unknown');
}

/** The trusted-proxy set of a list of addresses (as VIGIL_TRUSTED_PROXIES gives them). */
export function trustedProxySet(addresses: readonly string[] | undefined): ReadonlySet<string> {
  return new Set((addresses ?? []).map(plainAddress).filter((address) => address.length > 0));
}
