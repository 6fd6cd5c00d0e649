/**
 * A fake MaxPatrol SIEM Core: two real node:http servers on 127.0.0.1, the
 * token service (IdentityServer, `POST /connect/token`) on its own port and
 * the API on another, answering from the recorded shapes in
 * tests/fixtures/maxpatrol. It also takes incident transitions
 * (`PUT /api/incidents/{id}/transitions`, 204) and keeps their history.
 * Switches make it misbehave (expired token, a 401 to a valid token, 429
 * with Retry-After, HTML error page, truncated or wrongly shaped JSON, slow
 * answers, a capped page size) and every request is logged.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'maxpatrol');

type Json = Record<string, unknown>;

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

function withoutNote(value: Json): Json {
  const { _note: _ignored, ...rest } = value;
  return rest;
}

export const MP_USERNAME = 'siem-reader';
export const MP_PASSWORD = 'reader-password-1';
export const MP_CLIENT_SECRET = 'core-client-secret-1';
/** The select list Cores accept (fixtures/incidents_list_request.json); any other answers 400. */
const SELECT = (fixture<Json>('incidents_list_request.json').filter as { select: string[] }).select;
/** The fields of a transition request (fixtures/incident_transition_request.json); others answer 400. */
const TRANSITION_FIELDS = Object.keys(fixture<Json>('incident_transition_request.json')).sort();
/** Target statuses public clients send as the transition `id`. */
const TRANSITION_TARGETS = ['Approved', 'InProgress', 'Resolved', 'Closed'];
/** The Core user behind MP_USERNAME, as `changedBy.id` in the transition history. */
export const MP_USER_ID = '00000000-0000-4000-8000-0000000000aa';

export interface LoggedRequest {
  server: 'token' | 'api';
  method: string;
  /** Path with query. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

export interface FakeIncident {
  card: Json;
  events: Json[];
  /** Status history, newest last, shaped like incident_transitions_history.RECONSTRUCTED.json. */
  transitions: Json[];
}

export interface NewIncident {
  id?: string;
  key?: string;
  name?: string;
  /** As the Core would write it (7 fractional digits, Z or no zone). */
  created: string;
  detected?: string;
  severity?: 'Low' | 'Medium' | 'High';
  status?: string;
  isConfirmed?: boolean;
  /** How many events the incident has; descriptions name the incident. */
  events?: number;
  /** Overrides merged into the card (targets, attackers, correlationRules, ...). */
  card?: Json;
}

export type Misbehaviour =
  | { mode: 'rate_limited'; retryAfterSec: number }
  | { mode: 'html' }
  | { mode: 'truncated' }
  | { mode: 'wrong_shape' }
  | { mode: 'server_error' }
  /** 401 although the token is valid (a token revoked on the Core's side). */
  | { mode: 'unauthorized' };

type Target = 'token' | 'list' | 'card' | 'events' | 'transition' | 'api';

export interface FakeMaxPatrol {
  /** The API's address: use as the source's baseUrl. */
  baseUrl: string;
  apiPort: number;
  tokenPort: number;
  requests: LoggedRequest[];
  incidents: FakeIncident[];
  /** Lifetime of issued tokens (seconds); the fixture's 86400 unless changed. */
  tokenLifetimeSec: number;
  /** Rows per list page at most, whatever `limit` asks (a Core that caps paging). */
  maxPageSize: number;
  /** Delay before each API answer (ms). */
  delayMs: number;
  /** Serve the paths of older Cores (list without the trailing slash, card at /api/incidents/{id}). */
  legacyPaths: boolean;
  addIncident(incident: NewIncident): FakeIncident;
  /** Invalidates every issued access token: the next API call gets 401 (refresh tokens stay valid unless told). */
  expireTokens(options?: { refreshTokens?: boolean }): void;
  /** Invalidates access tokens once `count` more API calls have been answered. */
  expireTokensAfter(count: number): void;
  /** The next `times` requests to `target` misbehave. */
  failNext(target: Target, misbehaviour: Misbehaviour, times?: number): void;
  tokenRequests(grant?: 'password' | 'refresh_token'): LoggedRequest[];
  apiRequests(pathPrefix?: string): LoggedRequest[];
  /** The `PUT .../transitions` requests received. */
  transitionRequests(): LoggedRequest[];
  close(): Promise<void>;
}

/** Starts the fake Core's token service and API on two ephemeral ports. */
export async function startFakeMaxPatrol(): Promise<FakeMaxPatrol> {
  const cardTemplate = withoutNote(fixture<Json>('incident_card.RECONSTRUCTED.json'));
  const eventTemplate = withoutNote(fixture<Json[]>('incident_events.RECONSTRUCTED.json')[0]!);
  const listRowKeys = Object.keys(
    fixture<{ incidents: Json[] }>('incidents_list_response.RECONSTRUCTED.json').incidents[0]!,
  );
  const tokenTemplate = withoutNote(fixture<Json>('token_response.RECONSTRUCTED.json'));
  const transitionTemplate = withoutNote(
    fixture<Json[]>('incident_transitions_history.RECONSTRUCTED.json')[0]!,
  );

  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  let issued = 0;
  let expireAfter: number | null = null;
  const failures: { target: Target; misbehaviour: Misbehaviour; times: number }[] = [];

  const fake: FakeMaxPatrol = {
    baseUrl: '',
    apiPort: 0,
    tokenPort: 0,
    requests: [],
    incidents: [],
    tokenLifetimeSec: Number(tokenTemplate.expires_in),
    maxPageSize: 1000,
    delayMs: 0,
    legacyPaths: false,
    addIncident(input) {
      const n = fake.incidents.length + 1;
      const id = input.id ?? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const card: Json = {
        ...structuredClone(cardTemplate),
        id,
        key: input.key ?? `INC-${1000 + n}`,
        name: input.name ?? `Rule_${n}`,
        created: input.created,
        detected: input.detected ?? input.created,
        severity: input.severity ?? 'Medium',
        status: input.status ?? 'New',
        isConfirmed: input.isConfirmed ?? false,
        ...input.card,
      };
      const events = Array.from({ length: input.events ?? 0 }, (_, i) => ({
        ...structuredClone(eventTemplate),
        id: `${id}-e${i + 1}`,
        date: input.created,
        description: `event ${i + 1} of ${String(card.key)}`,
      }));
      const incident = { card, events, transitions: [] };
      fake.incidents.push(incident);
      return incident;
    },
    expireTokens(options) {
      accessTokens.clear();
      if (options?.refreshTokens) refreshTokens.clear();
    },
    expireTokensAfter(count) {
      expireAfter = count;
    },
    failNext(target, misbehaviour, times = 1) {
      failures.push({ target, misbehaviour, times });
    },
    tokenRequests(grant) {
      return fake.requests.filter(
        (r) => r.server === 'token' && (!grant || new URLSearchParams(r.body).get('grant_type') === grant),
      );
    },
    apiRequests(pathPrefix = '') {
      return fake.requests.filter((r) => r.server === 'api' && r.url.startsWith(pathPrefix));
    },
    transitionRequests() {
      return fake.requests.filter(
        (r) =>
          r.server === 'api' && r.method === 'PUT' && /^\/api\/incidents\/[^/]+\/transitions$/.test(r.url),
      );
    },
    close: () => Promise.all([close(tokenServer), close(apiServer)]).then(() => undefined),
  };

  /** Answers with the misbehaviour queued for this target, if any; true when it did. */
  const misbehave = (target: Target, res: ServerResponse): boolean => {
    const index = failures.findIndex(
      (f) => f.target === target || (f.target === 'api' && target !== 'token'),
    );
    if (index < 0) return false;
    const failure = failures[index]!;
    failure.times -= 1;
    if (failure.times <= 0) failures.splice(index, 1);
    const m = failure.misbehaviour;
    switch (m.mode) {
      case 'rate_limited':
        send(res, 429, { message: 'Too many requests' }, { 'Retry-After': String(m.retryAfterSec) });
        break;
      case 'html':
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end('<!DOCTYPE html><html><body><h1>MaxPatrol 10</h1><p>Sign in</p></body></html>');
        break;
      case 'truncated':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"incidents": [{"id": "00000000-0000-0000-0000-0000000');
        break;
      case 'wrong_shape':
        send(res, 200, { items: [], total: 0 });
        break;
      case 'server_error':
        send(res, 500, { message: 'Internal server error' });
        break;
      case 'unauthorized':
        send(res, 401, { message: 'Unauthorized' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
        break;
    }
    return true;
  };

  const issue = (): Json => {
    issued += 1;
    const access = `mp-access-${issued}`;
    const refresh = `mp-refresh-${issued}`;
    accessTokens.add(access);
    refreshTokens.add(refresh);
    return {
      ...tokenTemplate,
      access_token: access,
      refresh_token: refresh,
      expires_in: fake.tokenLifetimeSec,
    };
  };

  const handleToken = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    if (req.method !== 'POST' || req.url !== '/connect/token') return send(res, 404, { error: 'not_found' });
    if (misbehave('token', res)) return;
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return send(res, 400, { error: 'invalid_request' });
    }
    const form = new URLSearchParams(body);
    const clientId = form.get('client_id');
    if ((clientId !== 'mpx' && clientId !== 'ptkb') || form.get('client_secret') !== MP_CLIENT_SECRET) {
      return send(res, 400, { error: 'invalid_client' });
    }
    switch (form.get('grant_type')) {
      case 'password':
        if (form.get('username') !== MP_USERNAME || form.get('password') !== MP_PASSWORD) {
          return send(res, 400, {
            error: 'invalid_grant',
            error_description: 'invalid_username_or_password',
          });
        }
        return send(res, 200, issue());
      case 'refresh_token': {
        const token = form.get('refresh_token') ?? '';
        if (!refreshTokens.delete(token)) return send(res, 400, { error: 'invalid_grant' });
        return send(res, 200, issue());
      }
      default:
        return send(res, 400, { error: 'unsupported_grant_type' });
    }
  };

  const handleApi = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !accessTokens.has(token)) {
      return send(
        res,
        401,
        { message: 'Unauthorized' },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      );
    }
    if (expireAfter !== null) {
      expireAfter -= 1;
      if (expireAfter <= 0) {
        expireAfter = null;
        accessTokens.clear();
      }
    }
    let match: RegExpExecArray | null;
    const listPath = fake.legacyPaths ? '/api/v2/incidents' : '/api/v2/incidents/';
    const cardPattern = fake.legacyPaths
      ? /^\/api\/incidents\/([^/]+)$/
      : /^\/api\/incidentsReadModel\/incidents\/([^/]+)$/;
    if (req.method === 'POST' && url.pathname === listPath) {
      if (misbehave('list', res)) return;
      return list(res, body);
    }
    if (req.method === 'GET' && (match = cardPattern.exec(url.pathname))) {
      if (misbehave('card', res)) return;
      const incident = find(match[1]!);
      return incident ? send(res, 200, incident.card) : send(res, 404, { message: 'Incident not found' });
    }
    if (
      req.method === 'GET' &&
      (match = /^\/api\/incidents\/([^/]+)\/events(\/count)?$/.exec(url.pathname))
    ) {
      if (misbehave('events', res)) return;
      const incident = find(match[1]!);
      if (!incident) return send(res, 404, { message: 'Incident not found' });
      if (match[2]) return send(res, 200, { count: incident.events.length });
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      return send(res, 200, incident.events.slice(offset, offset + limit));
    }
    if ((match = /^\/api\/incidents\/([^/]+)\/transitions$/.exec(url.pathname)) && req.method === 'PUT') {
      if (misbehave('transition', res)) return;
      return transition(res, match[1]!, body);
    }
    if (
      req.method === 'GET' &&
      (match = /^\/api\/incidentsReadModel\/incidents\/([^/]+)\/transitions$/.exec(url.pathname))
    ) {
      const incident = find(match[1]!);
      return incident
        ? send(res, 200, incident.transitions)
        : send(res, 404, { message: 'Incident not found' });
    }
    return send(res, 404, { message: 'no such endpoint' });
  };

  const transition = (res: ServerResponse, id: string, body: string): void => {
    let request: Json;
    try {
      request = JSON.parse(body) as Json;
    } catch {
      return send(res, 400, { message: 'body is not JSON' });
    }
    if (JSON.stringify(Object.keys(request).sort()) !== JSON.stringify(TRANSITION_FIELDS)) {
      return send(res, 400, { message: `a transition takes exactly ${TRANSITION_FIELDS.join(', ')}` });
    }
    if (typeof request.id !== 'string' || !TRANSITION_TARGETS.includes(request.id)) {
      return send(res, 400, { message: `unknown transition ${JSON.stringify(request.id)}` });
    }
    if (typeof request.message !== 'string' || typeof request.measures !== 'string') {
      return send(res, 400, { message: 'message and measures must be text' });
    }
    const incident = find(id);
    if (!incident) return send(res, 404, { message: 'Incident not found' });
    incident.transitions.push({
      ...structuredClone(transitionTemplate),
      prevStatus: incident.card.status,
      nextStatus: request.id,
      comment: request.message,
      timestamp: `${new Date().toISOString().slice(0, 23)}0000Z`,
      changedBy: { id: MP_USER_ID },
    });
    incident.card.status = request.id;
    if (request.id === 'Approved') incident.card.isConfirmed = true;
    res.writeHead(204);
    res.end();
  };

  const find = (id: string) => fake.incidents.find((i) => i.card.id === decodeURIComponent(id));

  const list = (res: ServerResponse, body: string): void => {
    let request: Json;
    try {
      request = JSON.parse(body) as Json;
    } catch {
      return send(res, 400, { message: 'body is not JSON' });
    }
    const filter = (request.filter ?? {}) as {
      select?: unknown;
      orderby?: { field: string; sortOrder: string }[];
    };
    if (JSON.stringify(filter.select) !== JSON.stringify(SELECT)) {
      return send(res, 400, { message: 'unsupported select list' });
    }
    if (request.filterTimeType !== 'creation')
      return send(res, 400, { message: 'unsupported filterTimeType' });
    const from = typeof request.timeFrom === 'string' ? coreTime(request.timeFrom) : -Infinity;
    if (Number.isNaN(from)) return send(res, 400, { message: 'bad timeFrom' });
    const descending = filter.orderby?.[0]?.sortOrder === 'descending';
    const matching = fake.incidents
      .filter((i) => coreTime(String(i.card.created)) >= from)
      .sort((a, b) => {
        const diff = coreTime(String(a.card.created)) - coreTime(String(b.card.created));
        return descending ? -diff : diff;
      });
    const offset = Number(request.offset ?? 0);
    const limit = Math.min(Number(request.limit ?? 50), fake.maxPageSize);
    const rows = matching.slice(offset, offset + limit).map((i) => {
      const row: Json = {};
      for (const key of listRowKeys) if (key in i.card) row[key] = i.card[key];
      row.assigned = null;
      return row;
    });
    send(res, 200, { incidents: rows, totalItems: matching.length });
  };

  const tokenServer = createServer((req, res) =>
    collect(req, (body) => {
      log('token', req, body, res);
      handleToken(req, res, body);
    }),
  );
  const apiServer = createServer((req, res) =>
    collect(req, (body) => {
      log('api', req, body, res);
      setTimeout(() => handleApi(req, res, body), fake.delayMs);
    }),
  );

  const log = (server: 'token' | 'api', req: IncomingMessage, body: string, res: ServerResponse): void => {
    const entry: LoggedRequest = {
      server,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      status: 0,
    };
    fake.requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
  };

  fake.tokenPort = await listen(tokenServer);
  fake.apiPort = await listen(apiServer);
  fake.baseUrl = `http://127.0.0.1:${fake.apiPort}`;
  return fake;
}

/** Core compares times at millisecond precision in GMT+0; a zone-less time is GMT+0. */
function coreTime(value: string): number {
  const trimmed = value.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed : `${trimmed}Z`);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function collect(req: IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
