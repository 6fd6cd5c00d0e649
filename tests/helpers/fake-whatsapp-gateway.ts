/**
 * Fakes of the two ways Vigil sends WhatsApp messages, as real node:http
 * servers on 127.0.0.1:
 *
 * - the seed gateway (a small HTTP service in front of Baileys) with the API
 *   Vigil documents: sessions that, once connected, show a QR that changes
 *   every `qrRotateMs` (in the format Baileys emits) until a test calls
 *   `link(session, phone)`; groups built from the recorded group metadata,
 *   refreshed from "the phone" only on a fetch; sends recorded;
 * - Meta's Cloud API (`POST /v21.0/<phone-number-id>/messages`) answering
 *   with the recorded send response.
 *
 * Both check their credential, record every request, and misbehave on
 * request (any status, 429 + Retry-After, an HTML page, truncated JSON, a
 * slow answer).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listenLocal } from './local-server';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'whatsapp');

type Json = Record<string, unknown>;

/** A fixture file from tests/fixtures/whatsapp, parsed afresh. */
export function waFixture<T = Json>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

export type Failure =
  /** Any status with a JSON error body; `body` replaces the default one. */
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'rate_limit'; retryAfterSec: number }
  | { kind: 'html'; status?: number }
  | { kind: 'truncated' }
  /** Answers normally after a pause. */
  | { kind: 'delay'; ms: number };

export interface RecordedRequest {
  method: string;
  path: string;
  /** Which gateway route it hit ('send', 'qr', ...), or 'unknown'. */
  route: string;
  apiKey: string | undefined;
  authorization: string | undefined;
  body: unknown;
  status: number;
  /** Epoch ms the request arrived. */
  at: number;
}

export interface FakeGroup {
  id: string;
  subject: string;
  participants: { id: string; admin: string | null }[];
}

export interface FakeWhatsAppGateway {
  url: string;
  requests: RecordedRequest[];
  /** Request bodies of every accepted send, in order. */
  sends: { number: string; message: string; session: string }[];
  /** Requests to one route. */
  requestsTo(route: GatewayRoute): RecordedRequest[];
  /** Adds a session the gateway already has (not connected). */
  addSession(name: string): void;
  /** The QR the session shows now, or null. */
  qrOf(session: string): string | null;
  /** Every distinct QR the gateway has answered for the session, in order. */
  issuedQrs(session: string): string[];
  /** Moves the session to its next QR now (as when WhatsApp issues a new ref). */
  rotate(session: string): void;
  /** The phone scanned the QR: the session opens with this phone and fetches its groups. */
  link(session: string, phone: string): void;
  /** The groups the linked phone is in; the gateway sees them after a fetch. */
  setPhoneGroups(session: string, groups: FakeGroup[]): void;
  /** The next `count` requests (to `route`, if given) fail this way. */
  failNext(failure: Failure, count?: number, route?: GatewayRoute): void;
  close(): Promise<void>;
}

export type GatewayRoute =
  'listSessions' | 'createSession' | 'connect' | 'qr' | 'groups' | 'fetchGroups' | 'send' | 'logs';

interface SessionState {
  name: string;
  connectedAt: number | null;
  /** Rotations forced by `rotate()` on top of the timed ones. */
  forced: number;
  phone: string | null;
  phoneGroups: FakeGroup[];
  knownGroups: FakeGroup[];
  issued: string[];
}

/** The group from the recorded metadata, and a second one made from it. */
export function fixtureGroups(): FakeGroup[] {
  const recorded = waFixture<FakeGroup>('baileys_group_metadata.CONSTRUCTED.json');
  return [
    { id: recorded.id, subject: recorded.subject, participants: recorded.participants },
    {
      id: '120363000000000001@g.us',
      subject: 'Night shift',
      participants: [...recorded.participants, { id: '100000000000003@lid', admin: null }],
    },
  ];
}

const b64 = (seed: string, bytes = 32) =>
  createHash('sha256').update(seed).digest().subarray(0, bytes).toString('base64');

/**
 * A QR in Baileys' format: `https://wa.me/settings/linked_devices#<ref>,<noiseKey>,<identityKey>,<advSecret>,<platformId>`
 * (the connection-update fixture's note). The keys stay with the session, the ref changes per QR.
 */
function qrString(session: string, index: number): string {
  const ref = `2@${b64(`${session}#ref#${String(index)}`, 24)}${b64(`${session}#tail#${String(index)}`, 24)}`;
  return `https://wa.me/settings/linked_devices#${ref},${b64(`${session}#noise`)},${b64(`${session}#identity`)},${b64(`${session}#adv`)},1`;
}

const ROUTES: { method: string; pattern: RegExp; route: GatewayRoute }[] = [
  { method: 'GET', pattern: /^\/sessions$/, route: 'listSessions' },
  { method: 'POST', pattern: /^\/sessions$/, route: 'createSession' },
  { method: 'POST', pattern: /^\/sessions\/([^/]+)\/connect$/, route: 'connect' },
  { method: 'GET', pattern: /^\/sessions\/([^/]+)\/qr$/, route: 'qr' },
  { method: 'GET', pattern: /^\/sessions\/([^/]+)\/groups$/, route: 'groups' },
  { method: 'POST', pattern: /^\/sessions\/([^/]+)\/groups\/fetch$/, route: 'fetchGroups' },
  { method: 'POST', pattern: /^\/send$/, route: 'send' },
  { method: 'GET', pattern: /^\/logs$/, route: 'logs' },
];

interface Pending {
  failure: Failure;
  route: GatewayRoute | undefined;
}

function respond(
  res: ServerResponse,
  record: { status: number },
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  record.status = status;
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}

/** Answers a queued failure; returns false when there is none (or it was only a delay). */
async function misbehave(
  res: ServerResponse,
  record: { status: number },
  failure: Failure | undefined,
  errorBody: (status: number) => unknown,
): Promise<boolean> {
  if (!failure) return false;
  switch (failure.kind) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, failure.ms));
      return false;
    case 'status':
      respond(res, record, failure.status, JSON.stringify(failure.body ?? errorBody(failure.status)));
      return true;
    case 'rate_limit':
      respond(res, record, 429, JSON.stringify(errorBody(429)), {
        'Retry-After': String(failure.retryAfterSec),
      });
      return true;
    case 'html':
      respond(
        res,
        record,
        failure.status ?? 200,
        '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
        { 'Content-Type': 'text/html; charset=utf-8' },
      );
      return true;
    case 'truncated':
      respond(res, record, 200, '{"sessions":[{"name":"vig');
      return true;
  }
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        resolve(text);
      }
    });
  });
}

/** Starts the fake gateway on 127.0.0.1 with an ephemeral port. */
export async function startFakeWhatsAppGateway(
  options: {
    /** Required as X-Api-Key or Bearer when set. */
    apiKey?: string;
    /** How long one QR lasts (Baileys: 60 s for the first, then 20 s). */
    qrRotateMs?: number;
    /** Time between connect and the first QR (status 'connecting' meanwhile). */
    qrDelayMs?: number;
  } = {},
): Promise<FakeWhatsAppGateway> {
  const rotateMs = options.qrRotateMs ?? 20_000;
  const qrDelayMs = options.qrDelayMs ?? 0;
  const sessions = new Map<string, SessionState>();
  const requests: RecordedRequest[] = [];
  const sends: FakeWhatsAppGateway['sends'] = [];
  const failures: Pending[] = [];
  const logs: string[] = [];

  const addSession = (name: string): SessionState => {
    const existing = sessions.get(name);
    if (existing) return existing;
    const state: SessionState = {
      name,
      connectedAt: null,
      forced: 0,
      phone: null,
      phoneGroups: fixtureGroups().slice(0, 1),
      knownGroups: [],
      issued: [],
    };
    sessions.set(name, state);
    logs.push(`session ${name} created`);
    return state;
  };

  const statusOf = (s: SessionState): string => {
    if (s.phone) return 'open';
    if (s.connectedAt === null) return 'close';
    return Date.now() - s.connectedAt < qrDelayMs ? 'connecting' : 'qr';
  };

  const qrOf = (s: SessionState): string | null => {
    if (statusOf(s) !== 'qr') return null;
    const index = s.forced + Math.floor((Date.now() - s.connectedAt! - qrDelayMs) / rotateMs);
    return qrString(s.name, index);
  };

  const view = (s: SessionState, withQr: boolean) => {
    const qr = qrOf(s);
    if (withQr && qr && s.issued.at(-1) !== qr) s.issued.push(qr);
    return {
      name: s.name,
      status: statusOf(s),
      ...(s.phone ? { phone: s.phone } : {}),
      ...(withQr ? { qr } : {}),
    };
  };

  const groupView = (g: FakeGroup) => ({ id: g.id, subject: g.subject, size: g.participants.length });

  const takeFailure = (route: GatewayRoute | 'unknown'): Failure | undefined => {
    const index = failures.findIndex((f) => f.route === undefined || f.route === route);
    return index < 0 ? undefined : failures.splice(index, 1)[0]!.failure;
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const matched = ROUTES.map((r) => ({ r, m: req.method === r.method ? r.pattern.exec(path) : null })).find(
      (x) => x.m,
    );
    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      route: matched?.r.route ?? 'unknown',
      apiKey: req.headers['x-api-key'] as string | undefined,
      authorization: req.headers.authorization,
      body: undefined,
      status: 0,
      at: Date.now(),
    };
    requests.push(record);
    void (async () => {
      record.body = await readBody(req);
      const send = (status: number, body: unknown) => respond(res, record, status, JSON.stringify(body));
      if (
        await misbehave(res, record, takeFailure(record.route as GatewayRoute), (status) => ({
          error: `fake failure ${String(status)}`,
        }))
      ) {
        return;
      }
      if (
        options.apiKey &&
        record.apiKey !== options.apiKey &&
        record.authorization !== `Bearer ${options.apiKey}`
      ) {
        return send(401, { error: 'invalid api key' });
      }
      if (!matched) return send(404, { error: `no route ${req.method ?? ''} ${path}` });
      const name = matched.m![1] ? decodeURIComponent(matched.m![1]) : null;
      const session = name ? sessions.get(name) : undefined;
      if (name && !session) return send(404, { error: `no session ${name}` });
      switch (matched.r.route) {
        case 'listSessions':
          return send(
            200,
            [...sessions.values()].map((s) => view(s, false)),
          );
        case 'createSession': {
          const body = record.body as { name?: unknown } | undefined;
          if (typeof body?.name !== 'string' || !/^[\w-]{1,100}$/.test(body.name)) {
            return send(400, { error: 'name is required (letters, digits, - and _)' });
          }
          if (sessions.has(body.name)) return send(409, { error: `session ${body.name} exists` });
          return send(201, view(addSession(body.name), false));
        }
        case 'connect':
          if (!session!.phone && session!.connectedAt === null) session!.connectedAt = Date.now();
          logs.push(`session ${session!.name} connecting`);
          return send(200, view(session!, false));
        case 'qr':
          return send(200, view(session!, true));
        case 'groups':
          if (!session!.phone) return send(409, { error: `session ${session!.name} is not connected` });
          return send(200, session!.knownGroups.map(groupView));
        case 'fetchGroups':
          if (!session!.phone) return send(409, { error: `session ${session!.name} is not connected` });
          session!.knownGroups = structuredClone(session!.phoneGroups);
          return send(200, { ok: true, count: session!.knownGroups.length });
        case 'send': {
          const body = record.body as Json | undefined;
          const { number, message } = body ?? {};
          const target = typeof body?.session === 'string' ? sessions.get(body.session) : undefined;
          if (
            typeof number !== 'string' ||
            typeof message !== 'string' ||
            typeof body?.session !== 'string'
          ) {
            return send(400, { error: 'number, message and session are required' });
          }
          if (!target) return send(404, { error: `no session ${body.session}` });
          if (!target.phone) return send(409, { error: `session ${target.name} is not connected` });
          sends.push({ number, message, session: body.session });
          logs.push(`sent to ${number}`);
          return send(200, { status: 'sent', id: `3EB0${String(sends.length).padStart(16, '0')}` });
        }
        case 'logs':
          return send(200, logs);
      }
    })().catch(() => {
      if (!res.headersSent) respond(res, record, 500, JSON.stringify({ error: 'fake crashed' }));
    });
  });
  const { url, close } = await listenLocal(server);

  const need = (name: string): SessionState => {
    const s = sessions.get(name);
    if (!s) throw new Error(`fake gateway: no session ${name}`);
    return s;
  };

  return {
    url,
    requests,
    sends,
    requestsTo: (route) => requests.filter((r) => r.route === route),
    addSession: (name) => {
      addSession(name);
    },
    qrOf: (name) => qrOf(need(name)),
    issuedQrs: (name) => [...need(name).issued],
    rotate: (name) => {
      need(name).forced += 1;
    },
    link: (name, phone) => {
      const s = need(name);
      s.phone = phone;
      // A gateway fetches the groups once when a session opens.
      s.knownGroups = structuredClone(s.phoneGroups);
      logs.push(`session ${name} open as ${phone}`);
    },
    setPhoneGroups: (name, groups) => {
      need(name).phoneGroups = structuredClone(groups);
    },
    failNext: (failure, count = 1, route) => {
      for (let i = 0; i < count; i += 1) failures.push({ failure, route });
    },
    close,
  };
}

export interface CloudRequest {
  path: string;
  authorization: string | undefined;
  body: unknown;
  status: number;
}

export interface FakeCloudApi {
  /** The API root to configure as cloudApiRoot (…/v21.0). */
  root: string;
  requests: CloudRequest[];
  /** The next `count` requests fail this way. */
  failNext(failure: Failure, count?: number): void;
  close(): Promise<void>;
}

/** A Cloud API error body in Meta's shape (modelled on the documented one). */
export function cloudError(message: string, code: number, details?: string): Json {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      fbtrace_id: 'AbCdEfGhIjKlMnOp',
    },
  };
}

/** Starts a fake of graph.facebook.com's WhatsApp send endpoint on 127.0.0.1. */
export async function startFakeCloudApi(options: {
  accessToken: string;
  phoneNumberId: string;
}): Promise<FakeCloudApi> {
  const requests: CloudRequest[] = [];
  const failures: Failure[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const record: CloudRequest = {
      path,
      authorization: req.headers.authorization,
      body: undefined,
      status: 0,
    };
    requests.push(record);
    void (async () => {
      record.body = await readBody(req);
      const send = (status: number, body: unknown) => respond(res, record, status, JSON.stringify(body));
      const failure = failures.shift();
      if (
        await misbehave(res, record, failure, (status) =>
          status === 429
            ? cloudError('(#130429) Rate limit hit', 130429)
            : cloudError(`fake failure ${String(status)}`, 1),
        )
      ) {
        return;
      }
      if (req.headers.authorization !== `Bearer ${options.accessToken}`) {
        return send(
          401,
          cloudError('Error validating access token: Session has expired on Thursday, 01-Jan-26.', 190),
        );
      }
      if (req.method !== 'POST' || path !== `/v21.0/${options.phoneNumberId}/messages`) {
        return send(400, cloudError(`Unsupported request - method type: ${req.method ?? ''}`, 100));
      }
      const body = record.body as Json | undefined;
      const to = body?.to;
      if (body?.messaging_product !== 'whatsapp' || typeof to !== 'string') {
        return send(400, cloudError('(#100) The parameter messaging_product is required.', 100));
      }
      const answer = waFixture<{ contacts: Json[] }>('cloudapi_send_text_response.json');
      answer.contacts = [{ input: to, wa_id: to.replace(/^\+/, '') }];
      return send(200, answer);
    })().catch(() => {
      if (!res.headersSent) respond(res, record, 500, JSON.stringify(cloudError('fake crashed', 1)));
    });
  });
  const { url, close } = await listenLocal(server);
  return {
    root: `${url}/v21.0`,
    requests,
    failNext: (failure, count = 1) => {
      for (let i = 0; i < count; i += 1) failures.push(failure);
    },
    close,
  };
}
