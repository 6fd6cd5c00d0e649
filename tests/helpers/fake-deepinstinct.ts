/**
 * A Deep Instinct console on 127.0.0.1 (a real node:http server on an
 * ephemeral port) answering from the recorded payloads in
 * tests/fixtures/deepinstinct: events and suspicious events paged by
 * `after_event_id` (50 per page, `{last_id, events}`), devices by id, and
 * 401 for any `Authorization` header that is not the bare API key. Switches
 * make it misbehave (401, 429 + Retry-After, HTML page, truncated JSON, 500,
 * slow answers); every request is logged.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type DiRecord = Record<string, unknown>;

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'deepinstinct');

/** A fixture file from tests/fixtures/deepinstinct, parsed afresh (callers may mutate it). */
export function deepInstinctFixture<T = DiRecord>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

export function fixtureEvents(): DiRecord[] {
  return deepInstinctFixture<{ events: DiRecord[] }>('events_after_event_id_response.json').events;
}

export function fixtureSuspiciousEvents(): DiRecord[] {
  return deepInstinctFixture<{ events: DiRecord[] }>('suspicious_events_response.CONSTRUCTED.json').events;
}

export interface Misbehaviour {
  kind: 'unauthorized' | 'rate_limited' | 'html' | 'truncated' | 'server_error' | 'slow';
  /** Only requests whose path matches (default: every request). */
  path?: RegExp;
  /** How many matching requests it affects (default: all, until `behave()`). */
  times?: number;
  /** Retry-After header value for `rate_limited` (default "120"). */
  retryAfter?: string;
  /** Delay before answering for `slow` (the answer itself is normal). */
  delayMs?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  status: number;
}

export class FakeDeepInstinct {
  /** The key the console accepts; change it to make the configured key stale. */
  apiKey = 'di-test-api-key-0123456789';
  pageSize = 50;
  readonly events: DiRecord[] = fixtureEvents();
  readonly suspicious: DiRecord[] = fixtureSuspiciousEvents();
  readonly devices = new Map<number, DiRecord>();
  readonly requests: LoggedRequest[] = [];
  url = '';
  private readonly server: Server;
  private misbehaviours: Misbehaviour[] = [];

  private constructor() {
    const device = deepInstinctFixture('device_response.json');
    this.devices.set(Number(device.id), device);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(): Promise<FakeDeepInstinct> {
    const fake = new FakeDeepInstinct();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Appends an event modelled on the first fixture event, with the next id and the given fields. */
  addEvent(fields: DiRecord = {}): DiRecord {
    return this.append(this.events, fixtureEvents()[0]!, fields);
  }

  /** Appends a suspicious event modelled on the first suspicious fixture, with the next id. */
  addSuspicious(fields: DiRecord = {}): DiRecord {
    return this.append(this.suspicious, fixtureSuspiciousEvents()[0]!, fields);
  }

  /** Adds a device record modelled on the fixture device. */
  addDevice(id: number, fields: DiRecord = {}): DiRecord {
    const device = { ...deepInstinctFixture('device_response.json'), id, ...fields };
    this.devices.set(id, device);
    return device;
  }

  misbehave(misbehaviour: Misbehaviour): void {
    this.misbehaviours.push({ ...misbehaviour });
  }

  behave(): void {
    this.misbehaviours = [];
  }

  /** Logged requests whose path starts with `prefix` (e.g. '/api/v1/devices/'). */
  requestsTo(prefix: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private append(list: DiRecord[], template: DiRecord, fields: DiRecord): DiRecord {
    const id = list.reduce((max, e) => Math.max(max, Number(e.id)), 0) + 1;
    const event = { ...template, id, ...fields };
    list.push(event);
    return event;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: LoggedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      status: 0,
    };
    this.requests.push(entry);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      send(status, JSON.stringify(value), headers);

    const misbehaviour = this.take(url.pathname);
    if (misbehaviour) {
      switch (misbehaviour.kind) {
        case 'slow':
          await new Promise((resolve) => setTimeout(resolve, misbehaviour.delayMs ?? 1000));
          break;
        case 'unauthorized':
          return json(401, { statusText: 'Unauthorized' });
        case 'rate_limited':
          return json(
            429,
            { statusText: 'Too Many Requests' },
            { 'Retry-After': misbehaviour.retryAfter ?? '120' },
          );
        case 'server_error':
          return json(500, { statusText: 'Internal Server Error' });
        case 'html':
          return send(
            200,
            '<!doctype html><html><body><h1>Deep Instinct</h1><form>Sign in</form></body></html>',
            {
              'Content-Type': 'text/html; charset=utf-8',
            },
          );
        case 'truncated': {
          const full = JSON.stringify(this.page(this.events, 0));
          return send(200, full.slice(0, Math.floor(full.length / 2)));
        }
      }
    }

    if (req.headers.authorization !== this.apiKey) return json(401, { statusText: 'Unauthorized' });
    if (req.method !== 'GET') return json(405, { statusText: 'Method Not Allowed' });

    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/api/v1/events' || path === '/api/v1/suspicious-events') {
      const raw = url.searchParams.get('after_event_id') ?? '0';
      if (!/^\d+$/.test(raw)) return json(400, { statusText: 'after_event_id must be an integer' });
      return json(200, this.page(path === '/api/v1/events' ? this.events : this.suspicious, Number(raw)));
    }
    const device = /^\/api\/v1\/devices\/(\d+)$/.exec(path);
    if (device) {
      const found = this.devices.get(Number(device[1]));
      return found ? json(200, found) : json(404, { statusText: 'Not Found' });
    }
    return json(404, { statusText: 'Not Found' });
  }

  private page(list: DiRecord[], after: number): { last_id: number | null; events: DiRecord[] } {
    const events = list
      .filter((e) => Number(e.id) > after)
      .sort((a, b) => Number(a.id) - Number(b.id))
      .slice(0, this.pageSize);
    return { last_id: events.length > 0 ? Number(events[events.length - 1]!.id) : null, events };
  }

  private take(path: string): Misbehaviour | undefined {
    const index = this.misbehaviours.findIndex((m) => !m.path || m.path.test(path));
    if (index < 0) return undefined;
    const found = this.misbehaviours[index]!;
    if (found.times !== undefined) {
      found.times -= 1;
      if (found.times <= 0) this.misbehaviours.splice(index, 1);
    }
    return found;
  }
}
