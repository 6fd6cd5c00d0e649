/**
 * The headless shell's HTTP host (DESIGN.md §4): the built renderer, the
 * contract at POST /api/rpc/<method>, push events at GET /api/events (SSE),
 * and the browser login. Two ways in: `Authorization: Bearer <api token>` for
 * scripts, or a PIN login that sets an HttpOnly SameSite=Strict session
 * cookie for the browser; cookie-authenticated POSTs must also carry
 * `X-Vigil-Client: web`, a header no cross-site form can send (CSRF).
 *
 * Nothing but the login is served without a session: a browser that has none
 * gets a small server-rendered login page (no script, so it needs no asset)
 * for any page, and 401 for any asset, so the console's code loads only after
 * the PIN. The console keeps its own login screen for a session that expires
 * while it is open.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

import type { ErrorCode } from '../../shared/ipc/result';
import { httpStatusFor } from '../../shared/ipc/result';
import {
  HttpError,
  MAX_JSON_DEPTH,
  clientAddress,
  nestedDeeperThan,
  readBody,
  safeEqual,
  sendJson as sendJsonBase,
  trustedProxySet,
} from '../core/http';
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
  /**
   * Addresses of reverse proxies in front (VIGIL_TRUSTED_PROXIES). A request
   * from one of them is counted against the client its X-Forwarded-For
   * names (the right-most address that is not itself a trusted proxy), so
   * one browser's failed logins do not lock out everyone behind the proxy.
   */
  trustedProxies?: readonly string[];
}

const SESSION_COOKIE = 'vigil_session';
const CLIENT_HEADER = 'x-vigil-client';
const MAX_RPC_BODY = 1024 * 1024;
const LOGIN_MAX_FAILURES = 5;
const LOGIN_WINDOW_MS = 5 * 60_000;
const SSE_HEARTBEAT_MS = 15_000;
/** Failed-login records kept at most; older windows are pruned past this so spoofed clients cannot grow it. */
const LOGIN_RECORDS_MAX = 10_000;
const LOGIN_PATH = '/login';

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
  /** Open sessions: when each expires, and a digest of the PIN it was opened with. */
  const sessions = new Map<string, { expires: number; pin: string }>();
  // A session opened with an older PIN is over: changing the PIN signs out every other browser.
  let lastPin: { pin: string; tag: string } | null = null;
  const pinTag = (): string => {
    const pin = options.pin();
    if (lastPin?.pin !== pin) lastPin = { pin, tag: createHash('sha256').update(pin).digest('base64url') };
    return lastPin.tag;
  };
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
    if (path === LOGIN_PATH && req.method === 'POST') return formLogin(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { ok: false, error: { code: 'bad_request', message: 'method not allowed' } });
      return;
    }
    if (path === LOGIN_PATH) {
      if (authenticate(req, false)) redirect(res, safeNext(url.searchParams.get('next')));
      else sendHtml(res, 200, loginPage(safeNext(url.searchParams.get('next')), null));
      return;
    }
    if (!options.staticDir) {
      // Says how to build the UI; it holds nothing worth a login.
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('The Vigil UI is not built. Run `npm run serve` (it builds first) or `npm run build:app`.\n');
      return;
    }
    if (!authenticate(req, false)) {
      if (isPage(path)) {
        sendHtml(res, 401, loginPage(safeNext(`${path}${url.search}`), null));
      } else {
        res.writeHead(401, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
          ...SECURITY_HEADERS,
        });
        res.end('sign in first\n');
      }
      return;
    }
    serveStatic(options.staticDir, path, res);
  }

  /** Who is calling, or null. Cookie callers doing state changes must prove same-origin with the client header. */
  function authenticate(req: IncomingMessage, needsClientHeader: boolean): CallContext | null {
    const header = req.headers.authorization;
    if (header?.toLowerCase().startsWith('bearer ')) {
      return safeEqual(header.slice(7).trim(), options.apiToken) ? { actor: 'api', via: 'api' } : null;
    }
    const id = sessionId(req);
    if (!id) return null;
    const session = sessions.get(id);
    if (session === undefined || session.expires < now() || session.pin !== pinTag()) {
      sessions.delete(id);
      return null;
    }
    if (needsClientHeader && req.headers[CLIENT_HEADER] !== 'web') return null;
    return { actor: 'web user', via: 'ui' };
  }

  const trustedProxies = trustedProxySet(options.trustedProxies);
  /** Who logins are counted against: the peer, or behind a trusted proxy the client it names. */
  const clientOf = (req: IncomingMessage): string => clientAddress(req, trustedProxies);

  /** Seconds until `client` may try again, or null when it may try now. */
  function loginBlocked(client: string): number | null {
    const failures = loginFailures.get(client);
    if (!failures || now() - failures.first >= LOGIN_WINDOW_MS || failures.count < LOGIN_MAX_FAILURES)
      return null;
    return Math.ceil((failures.first + LOGIN_WINDOW_MS - now()) / 1000);
  }

  /** Checks a PIN; on success opens a session and returns its cookie, on failure counts it. */
  function checkPin(req: IncomingMessage, pin: unknown, via: string): string | null {
    const client = clientOf(req);
    const expected = options.pin();
    core.redact(expected);
    if (typeof pin !== 'string' || !safeEqual(pin, expected)) {
      const failures = loginFailures.get(client);
      const entry =
        failures && now() - failures.first < LOGIN_WINDOW_MS ? failures : { first: now(), count: 0 };
      entry.count += 1;
      loginFailures.set(client, entry);
      if (loginFailures.size > LOGIN_RECORDS_MAX) pruneLoginFailures();
      logger.warn('failed login', { client, via });
      return null;
    }
    loginFailures.delete(client);
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, { expires: now() + ttl, pin: pinTag() });
    logger.info('web login', { client, via });
    return cookie(id, ttl / 1000, overTls(req));
  }

  function pruneLoginFailures(): void {
    for (const [client, entry] of loginFailures) {
      if (now() - entry.first >= LOGIN_WINDOW_MS) loginFailures.delete(client);
    }
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const retry = loginBlocked(clientOf(req));
    if (retry !== null) {
      drain(req);
      sendJson(
        res,
        429,
        { ok: false, error: { code: 'rate_limited', message: `too many attempts; try again in ${retry} s` } },
        { 'Retry-After': String(retry) },
      );
      return;
    }
    if (req.headers[CLIENT_HEADER] !== 'web') {
      drain(req);
      sendJson(res, 403, {
        ok: false,
        error: { code: 'forbidden', message: 'missing X-Vigil-Client header' },
      });
      return;
    }
    const body = await readJson(req, 4096);
    const pin =
      body.ok && body.value && typeof body.value === 'object' ? (body.value as { pin?: unknown }).pin : null;
    const session = checkPin(req, pin, 'api');
    if (!session) {
      sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'wrong PIN' } });
      return;
    }
    sendJson(res, 200, { ok: true, value: { authenticated: true } }, { 'Set-Cookie': session });
  }

  /**
   * The login page's form post (no script: `pin` and `next`, URL-encoded).
   * Browsers mark a cross-site form post (Sec-Fetch-Site, else Origin), and
   * such a post is refused, so no other site can log a browser in to
   * anything.
   */
  async function formLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (crossSite(req)) {
      drain(req);
      sendHtml(res, 403, loginPage('/', 'This sign-in came from another site and was refused.'));
      return;
    }
    const retry = loginBlocked(clientOf(req));
    if (retry !== null) {
      drain(req);
      sendHtml(res, 429, loginPage('/', `Too many attempts; try again in ${retry} s.`), {
        'Retry-After': String(retry),
      });
      return;
    }
    let text: string;
    try {
      text = await readBody(req, 4096);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      sendHtml(res, error.status, loginPage('/', 'The sign-in form could not be read.'));
      if (!req.complete) res.once('finish', () => req.destroy());
      return;
    }
    const form = new URLSearchParams(text);
    const next = safeNext(form.get('next'));
    const pin = form.get('pin') ?? '';
    if (pin === '') {
      sendHtml(res, 400, loginPage(next, 'Enter the PIN or passphrase.'));
      return;
    }
    const session = checkPin(req, pin, 'form');
    if (!session) {
      sendHtml(res, 401, loginPage(next, 'Wrong PIN or passphrase.'));
      return;
    }
    redirect(res, next, { 'Set-Cookie': session });
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
      sendJson(res, httpStatusFor(body.code), {
        ok: false,
        error: { code: body.code, message: body.message },
      });
      if (!req.complete) res.once('finish', () => req.destroy());
      return;
    }
    const before = pinTag();
    const result = await core.dispatch(method, body.value, ctx);
    if (before !== pinTag()) {
      // This call changed the PIN: the browser that made it stays signed in, every other one is out.
      const own = sessionId(req);
      const session = own === null ? undefined : sessions.get(own);
      if (session && session.pin === before) session.pin = pinTag();
      for (const [id, other] of sessions) if (other.pin !== pinTag()) sessions.delete(id);
      logger.info('PIN changed: other browser sessions ended');
    }
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
      // A session that ended (PIN changed, logged out, expired) hears nothing more.
      if (!authenticate(req, false)) {
        res.end();
        return;
      }
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => {
      if (authenticate(req, false)) res.write(': ping\n\n');
      else res.end();
    }, SSE_HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      sseClients.delete(res);
    });
  }

  function serveStatic(staticDir: string, path: string, res: ServerResponse): void {
    const root = resolve(staticDir);
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
      // private: these answers needed a session, so no shared cache may keep them for others.
      'Cache-Control': immutable ? 'private, max-age=31536000, immutable' : 'no-cache',
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

/**
 * The session cookie: never readable by script, never sent cross-site, and
 * Secure when the browser reached us over TLS (a proxy in front says so);
 * over plain loopback HTTP a Secure cookie would not be kept.
 */
function cookie(value: string, maxAgeSec: number, secure = false): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(maxAgeSec)}${secure ? '; Secure' : ''}`;
}

function overTls(req: IncomingMessage): boolean {
  const proto = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;
}

/** True when the browser says the request came from another site (Sec-Fetch-Site, else Origin vs Host). */
function crossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) is never our page.
    return true;
  }
}

/** A page of the console (a client-side route or an .html file), as opposed to an asset. */
function isPage(path: string): boolean {
  const ext = extname(path);
  return ext === '' || ext === '.html';
}

/** Where to go after login: a path on this server only, never another host or the API. */
function safeNext(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//')) return '/';
  // A backslash reads as a slash to browsers (/\\evil.example), control characters split headers.
  if (/[\p{Cc}\\]/u.test(value) || value.startsWith('/api/') || value.startsWith(LOGIN_PATH)) return '/';
  return value;
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * The login page for a browser without a session. No script and no asset
 * (styles inline, which the CSP allows), so nothing of the console is served
 * before the PIN; the test ids match the console's own login screen.
 */
function loginPage(next: string, error: string | null): string {
  const problem = error
    ? `<p id="login-error" class="error" role="alert" data-testid="login-error">${escapeHtml(error)}</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<link rel="icon" href="data:,">
<title>Vigil · Sign in</title>
<style>
body{margin:0;min-height:100vh;display:grid;place-items:center;background:#0f1115;color:#e6e8eb;font:14px/1.5 system-ui,sans-serif}
form{width:min(360px,90vw);padding:28px;border:1px solid #2a2f37;border-radius:10px;background:#161a20}
.brand{font-weight:700;font-size:20px;letter-spacing:.02em}
h1{font-size:18px;margin:12px 0 4px}
.muted{color:#9aa3ad;margin:0 0 16px}
label{display:block;color:#9aa3ad;font-size:12px;margin-bottom:4px}
input{box-sizing:border-box;width:100%;padding:8px 10px;border:1px solid #2a2f37;border-radius:6px;background:#0f1115;color:inherit;font:inherit}
.error{color:#ff7b72;margin:10px 0 0}
button{margin-top:16px;width:100%;padding:9px;border:0;border-radius:6px;background:#2f81f7;color:#fff;font:inherit;font-weight:600;cursor:pointer}
</style>
</head>
<body>
<form method="post" action="${LOGIN_PATH}" novalidate>
<div class="brand">Vigil</div>
<h1>Sign in</h1>
<p class="muted">This console is protected. Enter the PIN or passphrase set for the web UI.</p>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<input type="text" name="username" autocomplete="username" value="vigil" readonly hidden>
<label for="pin">PIN or passphrase</label>
<input id="pin" type="password" name="pin" autocomplete="current-password" autofocus${error ? ' aria-invalid="true" aria-describedby="login-error"' : ''} data-testid="login-pin">
${problem}
<button type="submit" data-testid="login-submit">Sign in</button>
</form>
</body>
</html>
`;
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

type JsonBody = { ok: true; value: unknown } | { ok: false; code: ErrorCode; message: string };

/**
 * A JSON body (an empty body reads as `{}`: no args), or the code and reason
 * to refuse it with: too large, not UTF-8, not JSON, or nested too deep.
 */
async function readJson(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  let text: string;
  try {
    text = await readBody(req, maxBytes);
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return { ok: false, code: 'bad_request', message: `body is not valid JSON: ${(error as Error).message}` };
  }
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    return { ok: false, code: 'bad_request', message: `body nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return { ok: true, value };
}

function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
  });
  res.end(html);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store', ...SECURITY_HEADERS, ...headers });
  res.end();
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonBase(res, status, body, { ...SECURITY_HEADERS, ...headers });
}
