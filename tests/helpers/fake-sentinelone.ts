/**
 * A fake SentinelOne Management API v2.1: a real node:http server on
 * 127.0.0.1 serving threats and cloud-detection alerts built from the
 * recorded payloads in tests/fixtures/sentinelone. It checks
 * `Authorization: ApiToken <token>`, filters (`ids`, `updatedAt__gt/__gte`,
 * `createdAt__gt/__gte`), sorts (`sortBy`, `sortOrder`) and pages with an
 * opaque `pagination.nextCursor` like the real API. It also takes the
 * threat and alert actions of the API notes (`POST .../incident` and
 * `.../analyst-verdict` with `{filter: {ids}, data}`), applies them to its
 * records and answers `{data: {affected: N}}`. Switches make it misbehave
 * (401, 429 + Retry-After, HTML error page, truncated JSON, a wrongly shaped
 * answer, a slow answer) and every request is recorded with its body.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sentinelone');
const API = '/web/api/v2.1';

export type Json = Record<string, unknown>;

/** A fixture file from tests/fixtures/sentinelone, parsed afresh (callers may mutate it). */
export function s1Fixture<T = Json>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** The three recorded threats: two from the list response, then the unresolved one. */
export function fixtureThreats(): Json[] {
  return [
    ...s1Fixture<{ data: Json[] }>('threats_list_v21.json').data,
    s1Fixture('threat_v21_unresolved.json'),
  ];
}

/** The recorded STAR alert. */
export function fixtureAlert(): Json {
  return s1Fixture('cloud_detection_alert_star.json');
}

/** A copy of the recorded unresolved threat under another id, name and updatedAt. */
export function makeThreat(id: string, updatedAt: string, threatName = `sample-${id}.exe`): Json {
  const threat = s1Fixture('threat_v21_unresolved.json');
  threat.id = id;
  const info = threat.threatInfo as Json;
  info.threatId = id;
  info.threatName = threatName;
  info.updatedAt = updatedAt;
  return threat;
}

/** Sets a threat's `threatInfo.updatedAt` (in place) and returns it. */
export function stampThreat(threat: Json, updatedAt: string): Json {
  (threat.threatInfo as Json).updatedAt = updatedAt;
  return threat;
}

/** Sets an alert's `alertInfo.createdAt` and `updatedAt` (in place) and returns it. */
export function stampAlert(alert: Json, createdAt: string): Json {
  const info = alert.alertInfo as Json;
  info.createdAt = createdAt;
  info.updatedAt = createdAt;
  return alert;
}

export type Failure =
  /** Any status with a JSON error body (401, 403, 500...). */
  | { kind: 'status'; status: number }
  | { kind: 'rate_limit'; retryAfterSec: number }
  /** An HTML page (a proxy or login page), 200 unless told. */
  | { kind: 'html'; status?: number }
  /** A well-formed HTTP answer whose JSON body stops half-way. */
  | { kind: 'truncated' }
  /** Any JSON answer with status 200 (e.g. a wrong envelope). */
  | { kind: 'json'; body: unknown }
  /** Answers normally after a pause. */
  | { kind: 'delay'; ms: number };

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The request body parsed as JSON (the raw text if it is not JSON); undefined when empty. */
  body: unknown;
  status: number;
}

export interface FakeSentinelOne {
  /** Base URL (the console address, without /web/api/v2.1). */
  url: string;
  requests: RecordedRequest[];
  /** Requests to one API path (e.g. '/threats'). */
  requestsTo(path: string): RecordedRequest[];
  /** Adds threats, or replaces those with the same id (an update). */
  addThreats(...threats: Json[]): void;
  addAlerts(...alerts: Json[]): void;
  /** The stored threat or alert as the fake now holds it (actions change it). */
  threat(id: string): Json | undefined;
  alert(id: string): Json | undefined;
  /** Deletes threats or alerts, as a console does when they are purged. */
  removeThreats(...ids: string[]): void;
  removeAlerts(...ids: string[]): void;
  /** The token accepted from now on. */
  setToken(token: string): void;
  /** The next `count` API requests fail this way (in order, after any already queued). */
  failNext(failure: Failure, count?: number): void;
  close(): Promise<void>;
}

const THREAT_FIELDS: Record<string, (t: Json) => unknown> = {
  id: (t) => t.id,
  updatedAt: (t) => (t.threatInfo as Json | undefined)?.updatedAt,
  createdAt: (t) => (t.threatInfo as Json | undefined)?.createdAt,
};
const ALERT_FIELDS: Record<string, (a: Json) => unknown> = {
  id: (a) => (a.alertInfo as Json | undefined)?.alertId,
  createdAt: (a) => (a.alertInfo as Json | undefined)?.createdAt,
  alertInfoCreatedAt: (a) => (a.alertInfo as Json | undefined)?.createdAt,
  updatedAt: (a) => (a.alertInfo as Json | undefined)?.updatedAt,
};

/** An ISO time to the microsecond, so `__gt` compares like the API does whatever the fraction's length. */
function micros(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  return Date.parse(value.replace(/\.\d+/, '')) * 1000 + Number((fraction + '000000').slice(0, 6));
}

function compare(a: unknown, b: unknown): number {
  const ta = micros(a);
  const tb = micros(b);
  if (Number.isFinite(ta) && Number.isFinite(tb)) return ta - tb;
  return String(a).localeCompare(String(b));
}

class BadRequest extends Error {}

const INCIDENT_STATUSES = ['unresolved', 'in_progress', 'resolved'];
const ANALYST_VERDICTS = ['true_positive', 'false_positive', 'suspicious', 'undefined'];

/** Six fractional digits, as the API writes times. */
function s1Now(): string {
  return new Date().toISOString().replace(/Z$/, '000Z');
}

/**
 * Applies one action (`field` = incidentStatus or analystVerdict) to the
 * items `filter.ids` names inside `info` (threatInfo / alertInfo), as the
 * API does: unknown ids are simply not affected.
 */
function act(
  items: Map<string, Json>,
  info: string,
  field: string,
  allowed: string[],
  body: unknown,
): number {
  const request = (body ?? {}) as { filter?: { ids?: unknown }; data?: Record<string, unknown> };
  const ids = request.filter?.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    throw new BadRequest('filter.ids must be a non-empty list of ids');
  }
  const value = request.data?.[field];
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new BadRequest(`data.${field} must be one of ${allowed.join(', ')}`);
  }
  let affected = 0;
  for (const id of ids) {
    const item = items.get(id);
    if (!item) continue;
    const target = item[info] as Json;
    target[field] = value;
    target.updatedAt = s1Now();
    affected += 1;
  }
  return affected;
}

function list(
  items: Json[],
  fields: Record<string, (item: Json) => unknown>,
  query: URLSearchParams,
): { data: Json[]; pagination: { totalItems: number; nextCursor: string | null } } {
  const id = fields.id!;
  let selected = items;
  const ids = query.get('ids');
  if (ids) {
    const wanted = new Set(ids.split(','));
    selected = selected.filter((item) => wanted.has(String(id(item))));
  }
  for (const [key, value] of query) {
    const match = /^(\w+)__(gt|gte|lt|lte)$/.exec(key);
    if (!match) continue;
    const field = fields[match[1]!];
    if (!field) throw new BadRequest(`unknown filter ${key}`);
    if (!Number.isFinite(micros(value))) throw new BadRequest(`${key} is not an ISO time`);
    selected = selected.filter((item) => {
      const diff = compare(field(item), value);
      return match[2] === 'gt'
        ? diff > 0
        : match[2] === 'gte'
          ? diff >= 0
          : match[2] === 'lt'
            ? diff < 0
            : diff <= 0;
    });
  }
  const sortBy = query.get('sortBy') ?? 'id';
  const sortField = fields[sortBy];
  if (!sortField) throw new BadRequest(`sortBy ${sortBy} is not supported`);
  const direction = query.get('sortOrder') === 'desc' ? -1 : 1;
  const key = (item: Json) => [sortField(item), String(id(item))] as const;
  const order = (a: readonly [unknown, string], b: readonly [unknown, string]) =>
    direction * (compare(a[0], b[0]) || a[1].localeCompare(b[1]));
  selected = [...selected].sort((a, b) => order(key(a), key(b)));
  const total = selected.length;

  const cursor = query.get('cursor');
  if (cursor) {
    let after: [unknown, string];
    try {
      after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, string];
    } catch {
      throw new BadRequest('cursor is not valid');
    }
    selected = selected.filter((item) => order(key(item), after) > 0);
  }
  const limit = Number(query.get('limit') ?? '10');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BadRequest('limit must be 1..1000');
  const page = selected.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    selected.length > limit && last ? Buffer.from(JSON.stringify(key(last))).toString('base64url') : null;
  return { data: page, pagination: { totalItems: total, nextCursor } };
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeSentinelOne(
  options: { token?: string; threats?: Json[]; alerts?: Json[] } = {},
): Promise<FakeSentinelOne> {
  let token = options.token ?? 'tok';
  const threats = new Map<string, Json>();
  const alerts = new Map<string, Json>();
  const failures: Failure[] = [];
  const requests: RecordedRequest[] = [];
  const addThreats = (...items: Json[]) => {
    for (const threat of items) threats.set(String(threat.id), structuredClone(threat));
  };
  const addAlerts = (...items: Json[]) => {
    for (const alert of items) alerts.set(String((alert.alertInfo as Json).alertId), structuredClone(alert));
  };
  addThreats(...(options.threats ?? []));
  addAlerts(...(options.alerts ?? []));

  const send = (
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    record.status = status;
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body);
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, record: RecordedRequest) => {
    const failure = failures.shift();
    if (failure?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, failure.ms));
    else if (failure) {
      switch (failure.kind) {
        case 'status':
          return send(
            res,
            record,
            failure.status,
            JSON.stringify({ errors: [{ detail: `fake failure ${failure.status}` }], data: null }),
          );
        case 'rate_limit':
          return send(res, record, 429, readFileSync(join(FIXTURES, 'error_429_throttled.json'), 'utf8'), {
            'Retry-After': String(failure.retryAfterSec),
          });
        case 'html':
          return send(
            res,
            record,
            failure.status ?? 200,
            '<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>',
            { 'Content-Type': 'text/html; charset=utf-8' },
          );
        case 'truncated': {
          const full = JSON.stringify(list([...threats.values()], THREAT_FIELDS, new URLSearchParams()));
          return send(res, record, 200, full.slice(0, Math.max(10, Math.floor(full.length / 2))));
        }
        case 'json':
          return send(res, record, 200, JSON.stringify(failure.body));
      }
    }
    if (req.headers.authorization !== `ApiToken ${token}`) {
      return send(
        res,
        record,
        401,
        JSON.stringify({
          errors: [{ detail: 'Authentication failed: invalid or expired API token' }],
          data: null,
        }),
      );
    }
    try {
      if (req.method === 'POST') {
        const actions: Record<string, () => number> = {
          [`${API}/threats/incident`]: () =>
            act(threats, 'threatInfo', 'incidentStatus', INCIDENT_STATUSES, record.body),
          [`${API}/threats/analyst-verdict`]: () =>
            act(threats, 'threatInfo', 'analystVerdict', ANALYST_VERDICTS, record.body),
          [`${API}/cloud-detection/alerts/incident`]: () =>
            act(alerts, 'alertInfo', 'incidentStatus', INCIDENT_STATUSES, record.body),
          [`${API}/cloud-detection/alerts/analyst-verdict`]: () =>
            act(alerts, 'alertInfo', 'analystVerdict', ANALYST_VERDICTS, record.body),
        };
        const action = actions[record.path];
        if (!action) {
          return send(res, record, 404, JSON.stringify({ errors: [{ detail: `no route ${record.path}` }] }));
        }
        return send(res, record, 200, JSON.stringify({ data: { affected: action() } }));
      }
      if (req.method !== 'GET')
        return send(res, record, 405, JSON.stringify({ errors: [{ detail: 'GET or POST only' }] }));
      if (record.path === `${API}/threats`) {
        return send(
          res,
          record,
          200,
          JSON.stringify(list([...threats.values()], THREAT_FIELDS, record.query)),
        );
      }
      if (record.path === `${API}/cloud-detection/alerts`) {
        return send(res, record, 200, JSON.stringify(list([...alerts.values()], ALERT_FIELDS, record.query)));
      }
      if (record.path === `${API}/system/info`) {
        return send(
          res,
          record,
          200,
          JSON.stringify({ data: { build: 'fake', release: 'fake', latestAgentVersion: null } }),
        );
      }
    } catch (error) {
      if (error instanceof BadRequest) {
        return send(res, record, 400, JSON.stringify({ errors: [{ detail: error.message }], data: null }));
      }
      throw error;
    }
    return send(
      res,
      record,
      404,
      JSON.stringify({ errors: [{ detail: `no route ${record.path}` }], data: null }),
    );
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: undefined,
      status: 0,
    };
    requests.push(record);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text !== '') {
        try {
          record.body = JSON.parse(text) as unknown;
        } catch {
          record.body = text;
        }
      }
      answer(req, res, record).catch(() => {
        if (!res.headersSent)
          send(res, record, 500, JSON.stringify({ errors: [{ detail: 'fake crashed' }] }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === `${API}${path}`),
    addThreats,
    addAlerts,
    threat: (id) => threats.get(id),
    alert: (id) => alerts.get(id),
    removeThreats: (...ids) => {
      for (const id of ids) threats.delete(id);
    },
    removeAlerts: (...ids) => {
      for (const id of ids) alerts.delete(id);
    },
    setToken: (value) => {
      token = value;
    },
    failNext: (failure, count = 1) => {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
