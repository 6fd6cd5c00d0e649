/**
 * The local webhook listener (DESIGN.md §4). It answers 202 only after the
 * raw body is committed to SQLite, refuses bad input with a reason, and never
 * lets a request crash or block it: every body is size-capped while it
 * streams, every handler runs inside a try/catch, and each client address is
 * rate-limited.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ZodType } from 'zod';

import { formatIssues } from '../../../shared/config';
import type { Clock } from '../clock';
import {
  HttpError,
  MAX_JSON_DEPTH,
  clientAddress,
  nestedDeeperThan,
  readBody,
  safeEqual,
  sendJson as send,
} from '../http';
import type { IngestResult } from '../ingest/ingestor';
import type { Logger } from '../logger';
import type { Service, ServiceState } from '../service-host';

export interface WebhookRoute {
  method: 'POST';
  /** A path; a segment written `:name` matches any one segment and is passed as a param. */
  path: string;
  /** Validates the parsed JSON; a failure is answered 400 with the bad keys named. */
  schema: ZodType;
  /**
   * The token this route accepts, when it has its own (a configured source's);
   * undefined uses the listener's token. Throw HttpError(404) for an unknown param.
   */
  token?(params: Record<string, string>): string | undefined;
  /**
   * Stores the event(s) and returns (or resolves) once committed; an array
   * answers with the first result's fields plus `results`. Throw (or reject
   * with) HttpError for a refusal.
   */
  handle(
    payload: unknown,
    rawBody: string,
    params: Record<string, string>,
  ): IngestResult | IngestResult[] | Promise<IngestResult | IngestResult[]>;
}

function matchRoute(
  routes: readonly WebhookRoute[],
  method: string,
  path: string,
): { route: WebhookRoute; params: Record<string, string> } | null {
  const parts = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      const part = parts[i]!;
      if (segment.startsWith(':')) {
        if (part === '') return false;
        params[segment.slice(1)] = decodeURIComponent(part);
        return true;
      }
      return segment === part;
    });
    if (matches) return { route, params };
  }
  return null;
}

export interface WebhookSettings {
  host: string;
  port: number;
  token: string | undefined;
  maxBodyBytes: number;
  rateLimitPerMin: number;
  /** Reverse proxies in front (trustedProxySet): a request from one is rate-limited as the client it forwards. */
  trustedProxies: ReadonlySet<string>;
}

/**
 * How long a stop waits for requests already being handled to be answered
 * (an event being committed gets its 202), before it closes what is left.
 */
const DRAIN_MS = 4_000;

export class WebhookService implements Service {
  readonly name = 'webhook';
  state: ServiceState = 'stopped';
  private server: Server | null = null;
  /** Requests read but not yet answered; a stop lets them finish. */
  private inFlight = 0;
  private onDrained: (() => void) | null = null;
  private readonly hits = new Map<string, { windowStart: number; count: number }>();
  /** Refusals logged per client and status this minute: one line each, the rest counted. */
  private readonly refusals = new Map<string, { windowStart: number; more: number }>();

  constructor(
    private readonly settings: () => WebhookSettings,
    private readonly routes: readonly WebhookRoute[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The base URL clients post to, once listening. */
  get url(): string | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return null;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    this.state = 'starting';
    const { host, port } = this.settings();
    const server = createServer((req, res) => {
      this.inFlight++;
      res.once('close', () => {
        this.inFlight--;
        if (this.state !== 'stopping') return;
        // Stopping: the answered connection is idle now; close it, and say when the last is done.
        server.closeIdleConnections();
        if (this.inFlight === 0) this.onDrained?.();
      });
      // While stopping, a request on a kept-alive connection is still answered, then the connection closes.
      if (this.state === 'stopping') res.setHeader('Connection', 'close');
      this.handle(req, res).catch((error: unknown) => {
        this.logger.error('webhook request failed', { error });
        if (!res.headersSent) send(res, 500, { error: { code: 'internal', message: 'internal error' } });
      });
    });
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.state = 'failed';
      const reason =
        (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? `port ${port} is already in use`
          : String(error);
      throw new Error(`webhook listener cannot listen on ${host}:${port}: ${reason}`);
    }
    this.server = server;
    this.state = 'running';
    this.logger.info('webhook listening', { url: this.url });
  }

  async stop(reason: string): Promise<void> {
    if (!this.server) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const server = this.server;
    this.server = null;
    // No new connections; idle kept-alive ones close now. Requests being handled are answered
    // (an event already committing gets its 202 rather than a reset its sender would retry).
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const waiting = this.inFlight;
    if (waiting > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.onDrained = resolve;
        timer = setTimeout(resolve, DRAIN_MS);
      });
      clearTimeout(timer);
      this.onDrained = null;
    }
    server.closeAllConnections();
    await closed;
    this.state = 'stopped';
    this.logger.info('webhook stopped', {
      reason,
      ...(waiting > 0 ? { inFlightAtStop: waiting, unanswered: this.inFlight } : {}),
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/health') {
      send(res, 200, { ok: true });
      return;
    }
    const client = clientAddress(req, this.settings().trustedProxies);
    try {
      let matched: ReturnType<typeof matchRoute>;
      try {
        matched = matchRoute(this.routes, req.method ?? '', url.pathname);
      } catch {
        throw new HttpError(400, 'bad_request', 'the path is not valid percent-encoding');
      }
      if (!matched) {
        const known = this.routes.map((r) => `${r.method} ${r.path}`).join(', ');
        throw new HttpError(
          404,
          'not_found',
          `no route ${req.method ?? ''} ${url.pathname}; known routes: ${known}`,
        );
      }
      const { route, params } = matched;
      this.rateLimit(client);
      this.authenticate(req, url, route.token ? route.token(params) : this.settings().token);
      const raw = await readBody(req, this.settings().maxBodyBytes);
      let payload: unknown;
      try {
        payload = JSON.parse(raw);
      } catch (error) {
        throw new HttpError(400, 'bad_request', `body is not valid JSON: ${(error as Error).message}`);
      }
      if (nestedDeeperThan(payload, MAX_JSON_DEPTH))
        throw new HttpError(400, 'bad_request', `body nests deeper than ${MAX_JSON_DEPTH} levels`);
      const parsed = route.schema.safeParse(payload);
      if (!parsed.success) throw new HttpError(400, 'bad_request', formatIssues(parsed.error));
      const outcome = await route.handle(parsed.data, raw, params);
      const results = Array.isArray(outcome) ? outcome : [outcome];
      const first = results[0];
      const summary = first
        ? { id: first.eventId, incidentId: first.incidentId, duplicate: first.duplicate }
        : { id: null, incidentId: null, duplicate: false };
      const body = Array.isArray(outcome)
        ? {
            ...summary,
            results: results.map((r) => ({
              id: r.eventId,
              incidentId: r.incidentId,
              duplicate: r.duplicate,
            })),
          }
        : summary;
      send(res, 202, body);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      this.noteRefusal(client, url.pathname, error);
      send(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
      // A body we refused to read is still on the socket; close it rather than drain an attacker's stream.
      if (!req.complete) res.once('finish', () => req.destroy());
    }
  }

  private authenticate(req: IncomingMessage, url: URL, expected: string | undefined): void {
    if (!expected) throw new HttpError(503, 'unavailable', 'the webhook token is not configured');
    const header = req.headers.authorization;
    const given =
      (header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined) ??
      headerValue(req.headers['x-vigil-token']) ??
      url.searchParams.get('token') ??
      undefined;
    if (!given) {
      throw new HttpError(
        401,
        'unauthorized',
        'missing token: send Authorization: Bearer, X-Vigil-Token or ?token=',
        {
          'WWW-Authenticate': 'Bearer realm="vigil-webhook"',
        },
      );
    }
    if (!safeEqual(given, expected)) throw new HttpError(401, 'unauthorized', 'invalid token');
  }

  private rateLimit(client: string): void {
    const now = this.clock.now();
    const limit = this.settings().rateLimitPerMin;
    let entry = this.hits.get(client);
    if (!entry || now - entry.windowStart >= 60_000) {
      entry = { windowStart: now, count: 0 };
      this.hits.set(client, entry);
      if (this.hits.size > 10_000) this.pruneHits(now);
    }
    entry.count += 1;
    if (entry.count > limit) {
      const retryAfter = Math.max(1, Math.ceil((entry.windowStart + 60_000 - now) / 1000));
      throw new HttpError(
        429,
        'rate_limited',
        `more than ${limit} requests a minute; retry in ${retryAfter} s`,
        {
          'Retry-After': String(retryAfter),
        },
      );
    }
  }

  /**
   * Logs a refused request, so a sender whose alerts never show up (a wrong
   * token, a field its tool spells differently) or someone guessing tokens
   * can be seen in the Logs view. One line per client and status a minute,
   * with how many more there were in the last one; a flood cannot flood the log.
   */
  private noteRefusal(client: string, path: string, error: HttpError): void {
    const now = this.clock.now();
    const key = `${client} ${error.status}`;
    const seen = this.refusals.get(key);
    if (seen && now - seen.windowStart < 60_000) {
      seen.more += 1;
      return;
    }
    if (this.refusals.size > 10_000) this.refusals.clear();
    this.refusals.set(key, { windowStart: now, more: 0 });
    const level = error.status === 400 || error.status === 404 || error.status === 413 ? 'info' : 'warn';
    this.logger[level]('webhook refused', {
      status: error.status,
      path,
      client,
      reason: error.message.slice(0, 300),
      ...(seen && seen.more > 0 ? { moreInThePreviousMinute: seen.more } : {}),
    });
  }

  private pruneHits(now: number): void {
    for (const [client, entry] of this.hits) if (now - entry.windowStart >= 60_000) this.hits.delete(client);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
