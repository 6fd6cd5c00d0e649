/**
 * The headless shell's HTTP host (DESIGN.md §4): the built renderer, the
 * contract at POST /api/rpc/<method>, push events at GET /api/events (SSE),
 * and the browser login. Two ways in: `Authorization: Bearer <api token>` for
 * scripts, or a PIN login that sets an HttpOnly SameSite=Strict session
 * cookie for the browser; cookie-authenticated POSTs must also carry
 * `X-Vigil-Client: web`, a header no cross-site form can send (CSRF).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

import { httpStatusFor } from '../../shared/ipc/result';
import { HttpError, readBody, safeEqual, sendJson as sendJsonBase } from '../core/http';
import type { CallContext, Core, Logger } from '../core/index';

export interface HttpServerOptions {
  core: Core;
  /** The built renderer (out/renderer); null serves a page saying how to build it. */
  staticDir: string | null;
  apiToken: string;
  /** The PIN or passphrase the browser logs in with; read at each login so a change applies at once. */
  pin: () => string;
  logger: Logger;
  now?: () => number;
  sessionTtlMs?: number;
}

const SESSION_COOKIE = 'vigil_session';
const CLIENT_HEADER = 'x-vigil-client';
const MAX_RPC_BODY = 1024 * 1024;
const LOGIN_MAX_FAILURES = 5;
const LOGIN_WINDOW_MS = 5 * 60_000;
const SSE_HEARTBEAT_MS = 15_000;

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface HttpShell {
  server: Server;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export function createHttpShell(options: HttpServerOptions): HttpShell {
  const now = options.now ?? Date.now;
  const ttl = options.sessionTtlMs ?? 12 * 60 * 60_000;
  const sessions = new Map<string, number>();
  const loginFailures = new Map<string, { first: number; count: number }>();
  const sseClients = new Set<ServerResponse>();
  const { core, logger } = options;
  core.redact(options.apiToken);
  core.redact(options.pin());

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error('http request failed', { url: req.url, error });
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
      else res.end();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/api/session' && req.method === 'GET') {
      sendJson(res, 200, { authenticated: authenticate(req, false) !== null, pinRequired: true });
      return;
    }
    if (path === '/api/login' && req.method === 'POST') return login(req, res);
    if (path === '/api/logout' && req.method === 'POST') {
      const id = sessionId(req);
      if (id) sessions.delete(id);
      sendJson(res, 200, { ok: true, value: { authenticated: false } }, { 'Set-Cookie': cookie('', 0) });
      return;
    }
    if (path === '/api/events' && req.method === 'GET') return events(req, res);
    if (path.startsWith('/api/rpc/')) return rpc(req, res, safeDecode(path.slice('/api/rpc/'.length)) ?? '');
    if (path.startsWith('/api/')) {
      sendJson(res, 404, {
        ok: false,
        error: { code: 'not_found', message: `no route ${req.method ?? ''} ${path}` },
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { ok: false, error: { code: 'bad_request', message: 'method not allowed' } });
      return;
    }
    serveStatic(path, res);
  }

  /** Who is calling, or null. Cookie callers doing state changes must prove same-origin with the client header. */
  function authenticate(req: IncomingMessage, needsClientHeader: boolean): CallContext | null {
    const header = req.headers.authorization;
    if (header?.toLowerCase().startsWith('bearer ')) {
      return safeEqual(header.slice(7).trim(), options.apiToken) ? { actor: 'api', via: 'api' } : null;
    }
    const id = sessionId(req);
    if (!id) return null;
    const expires = sessions.get(id);
    if (expires === undefined || expires < now()) {
      sessions.delete(id);
      return null;
    }
    if (needsClientHeader && req.headers[CLIENT_HEADER] !== 'web') return null;
    return { actor: 'web user', via: 'ui' };
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = req.socket.remoteAddress ?? 'unknown';
    const failures = loginFailures.get(client);
    if (failures && now() - failures.first < LOGIN_WINDOW_MS && failures.count >= LOGIN_MAX_FAILURES) {
      const retry = Math.ceil((failures.first + LOGIN_WINDOW_MS - now()) / 1000);
      sendJson(
        res,
        429,
        { ok: false, error: { code: 'rate_limited', message: `too many attempts; try again in ${retry} s` } },
        { 'Retry-After': String(retry) },
      );
      return;
    }
    if (req.headers[CLIENT_HEADER] !== 'web') {
      sendJson(res, 403, {
        ok: false,
        error: { code: 'forbidden', message: 'missing X-Vigil-Client header' },
      });
      return;
    }
    const body = await readJson(req, 4096);
    const pin =
      body.ok && body.value && typeof body.value === 'object' ? (body.value as { pin?: unknown }).pin : null;
    const expected = options.pin();
    core.redact(expected);
    if (typeof pin !== 'string' || !safeEqual(pin, expected)) {
      const entry =
        failures && now() - failures.first < LOGIN_WINDOW_MS ? failures : { first: now(), count: 0 };
      entry.count += 1;
      loginFailures.set(client, entry);
      logger.warn('failed login', { client });
      sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'wrong PIN' } });
      return;
    }
    loginFailures.delete(client);
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, now() + ttl);
    logger.info('web login', { client });
    sendJson(
      res,
      200,
      { ok: true, value: { authenticated: true } },
      { 'Set-Cookie': cookie(id, ttl / 1000) },
    );
  }

  async function rpc(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(
        res,
        405,
        { ok: false, error: { code: 'bad_request', message: 'use POST' } },
        { Allow: 'POST' },
      );
      return;
    }
    const ctx = authenticate(req, true);
    if (!ctx) {
      drain(req);
      sendJson(res, 401, {
        ok: false,
        error: { code: 'unauthorized', message: 'log in or send a Bearer token' },
      });
      return;
    }
    const body = await readJson(req, MAX_RPC_BODY);
    if (!body.ok) {
      sendJson(res, body.status, { ok: false, error: { code: 'bad_request', message: body.message } });
      if (!req.complete) res.once('finish', () => req.destroy());
      return;
    }
    const result = await core.dispatch(method, body.value, ctx);
    sendJson(res, result.ok ? 200 : httpStatusFor(result.error.code), result);
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    if (!authenticate(req, false)) {
      sendJson(res, 401, {
        ok: false,
        error: { code: 'unauthorized', message: 'log in or send a Bearer token' },
      });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...SECURITY_HEADERS,
    });
    res.write('retry: 2000\n\n');
    sseClients.add(res);
    const unsubscribe = core.onEvent((name, payload) => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      sseClients.delete(res);
    });
  }

  function serveStatic(path: string, res: ServerResponse): void {
    if (!options.staticDir) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('The Vigil UI is not built. Run `npm run serve` (it builds first) or `npm run build:app`.\n');
      return;
    }
    const root = resolve(options.staticDir);
    const decoded = safeDecode(path);
    let file = resolve(join(root, decoded ?? ''));
    if (decoded === null || (file !== root && !file.startsWith(root + sep))) {
      sendJson(res, 400, { ok: false, error: { code: 'bad_request', message: 'bad path' } });
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // Client-side views have no file of their own; asset misses stay 404s.
      if (extname(path)) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
        res.end('not found\n');
        return;
      }
      file = join(root, 'index.html');
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    createReadStream(file).pipe(res);
  }

  function sessionId(req: IncomingMessage): string | null {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === SESSION_COOKIE) return rest.join('=') || null;
    }
    return null;
  }

  return {
    server,
    listen: (port, host) =>
      new Promise((resolvePromise, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolvePromise(`http://${shown}:${address.port}`);
        });
      }),
    close: () =>
      new Promise((resolvePromise) => {
        for (const client of sseClients) client.end();
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
}

function cookie(value: string, maxAgeSec: number): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(maxAgeSec)}`;
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

function drain(req: IncomingMessage): void {
  req.resume();
}

type JsonBody = { ok: true; value: unknown } | { ok: false; status: number; message: string };

/** A JSON body (an empty body reads as `{}`), or the status and reason to refuse it with. */
async function readJson(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  let text: string;
  try {
    text = await readBody(req, maxBytes);
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, status: error.status, message: error.message };
    throw error;
  }
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, status: 400, message: `body is not valid JSON: ${(error as Error).message}` };
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonBase(res, status, body, { ...SECURITY_HEADERS, ...headers });
}
