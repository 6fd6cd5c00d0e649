/**
 * Deep Instinct console REST API v1. Events and suspicious events are read
 * with the vendor's high-watermark paging (`?after_event_id=<last id>`,
 * answered with `{last_id, events: [...up to 50]}`); the cursor keeps the
 * last id of each feed, as JSON `{"events": n, "suspicious": m}`, so the two
 * feeds advance independently. The API key goes raw in `Authorization`, with
 * no `Bearer` prefix. Each event's device is looked up once per client
 * (`GET /devices/{id}`) for its IP, logged-in users and host name; a failed
 * lookup only costs the event those details, never the event itself.
 */
import type { IngestInput } from '../../ingest/ingestor';
import type { DeepInstinctStream } from '../../ingest/mappers/deepinstinct';
import {
  deepInstinctDedupKey,
  deepInstinctEventId,
  mapDeepInstinctEvent,
} from '../../ingest/mappers/deepinstinct';
import { requestJson } from '../http-client';
import { SourceError } from '../source-error';
import type { VendorContext, VendorFactory } from '../vendor-client';

type Fields = Record<string, unknown>;

/** Last event id seen per feed. */
export interface DeepInstinctCursor {
  events: number;
  suspicious: number;
}

interface Page {
  events: Fields[];
  lastId: number | null;
  skipped: number;
}

/** Per-poll memory of device lookups that failed, so one bad device costs one request. */
interface LookupRound {
  failed: Set<number>;
  /** Set after a throttled, refused or unreachable lookup: the rest of the poll goes without. */
  halted: boolean;
}

const STREAM_PATHS: Readonly<Record<DeepInstinctStream, string>> = {
  events: '/events/',
  suspicious: '/suspicious-events/',
};
const DEVICE_TIMEOUT_MS = 10_000;
/** Bounds the device cache of a long-lived client; the oldest entries go first. */
const MAX_CACHED_DEVICES = 5_000;

/** The API root for a configured base URL, given with or without `/api/v1`. */
export function deepInstinctApiBase(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/i, '');
  return `${url.origin}${path}/api/v1`;
}

/**
 * Reads a stored cursor: null (first poll) starts both feeds at 0, a bare
 * number is an events id (a hand-set starting point), and JSON holds both.
 * Returns null for anything else.
 */
export function parseDeepInstinctCursor(raw: string | null): DeepInstinctCursor | null {
  if (raw === null || raw.trim() === '') return { events: 0, suspicious: 0 };
  if (/^\d+$/.test(raw.trim())) return { events: Number(raw.trim()), suspicious: 0 };
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!isRecord(parsed)) return null;
    const events = asId(parsed.events ?? 0);
    const suspicious = asId(parsed.suspicious ?? 0);
    return events === null || suspicious === null ? null : { events, suspicious };
  } catch {
    return null;
  }
}

export const createDeepInstinctClient: VendorFactory<'deepinstinct'> = (source, deps) => {
  const base = deepInstinctApiBase(source.baseUrl);
  const devices = new Map<number, Fields | null>();
  const streams: DeepInstinctStream[] = source.pollSuspicious ? ['events', 'suspicious'] : ['events'];

  function apiKey(): string {
    const key = deps.secret(source.apiKey)?.trim();
    if (!key) throw new SourceError('config', 'set the API key: this Deep Instinct source has none');
    return key;
  }

  async function get(path: string, key: string, ctx: VendorContext, timeoutMs?: number): Promise<unknown> {
    try {
      const response = await requestJson(
        `${base}${path}`,
        {
          headers: { Authorization: key },
          signal: ctx.signal,
          insecureTls: !source.verifyTls,
          ...(timeoutMs ? { timeoutMs } : {}),
        },
        ctx.clock,
      );
      return response.body;
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'auth') {
        throw new SourceError(
          'auth',
          `${error.message} — Deep Instinct refused the API key (wrong, revoked, or without read access); set a valid key for this source`,
          error.retryAfterMs,
        );
      }
      throw error;
    }
  }

  async function fetchPage(
    stream: DeepInstinctStream,
    after: number,
    key: string,
    ctx: VendorContext,
  ): Promise<Page> {
    const path = STREAM_PATHS[stream];
    let body: unknown;
    try {
      body = await get(`${path}?after_event_id=${after}`, key, ctx);
    } catch (error) {
      if (stream === 'suspicious' && isNotFound(error)) {
        throw new SourceError(
          'http',
          `${(error as SourceError).message} — this console has no suspicious-events API; turn off suspicious events for this source`,
        );
      }
      throw error;
    }
    if (body === undefined || body === null) return { events: [], lastId: null, skipped: 0 };
    if (
      !isRecord(body) ||
      (body.events !== undefined && body.events !== null && !Array.isArray(body.events))
    ) {
      throw new SourceError(
        'malformed',
        `${base}${path}: expected {"last_id": ..., "events": [...]}, got ${shape(body)}`,
      );
    }
    const items: unknown[] = Array.isArray(body.events) ? body.events : [];
    const events = items.filter(isRecord);
    return { events, lastId: asId(body.last_id), skipped: items.length - events.length };
  }

  async function lookupDevice(
    rawId: unknown,
    key: string,
    ctx: VendorContext,
    round: LookupRound,
  ): Promise<Fields | null> {
    const id = asId(rawId);
    if (id === null) return null;
    if (devices.has(id)) return devices.get(id) ?? null;
    if (round.halted || round.failed.has(id)) return null;
    try {
      const body = await get(`/devices/${id}`, key, ctx, DEVICE_TIMEOUT_MS);
      const device = isRecord(body) ? body : null;
      remember(id, device);
      return device;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      // A removed device stays removed: remember it so its events do not ask again.
      if (isNotFound(error)) {
        remember(id, null);
        return null;
      }
      round.failed.add(id);
      if (error instanceof SourceError && error.kind !== 'malformed' && error.kind !== 'http')
        round.halted = true;
      ctx.logger.warn('device lookup failed; events of this device are stored without its details', {
        device: id,
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    }
  }

  function remember(id: number, device: Fields | null): void {
    if (devices.size >= MAX_CACHED_DEVICES) {
      const oldest = devices.keys().next();
      if (!oldest.done) devices.delete(oldest.value);
    }
    devices.set(id, device);
  }

  function readCursor(raw: string | null, ctx: VendorContext): DeepInstinctCursor {
    const cursor = parseDeepInstinctCursor(raw);
    if (cursor) return cursor;
    // Starting over re-reads old events, which their dedup keys then store once; stalling forever would be worse.
    ctx.logger.warn('unreadable cursor; reading both feeds from the start', { cursor: raw });
    return { events: 0, suspicious: 0 };
  }

  return {
    async poll(cursor, ctx) {
      const key = apiKey();
      const position = readCursor(cursor, ctx);
      const next = { ...position };
      const round: LookupRound = { failed: new Set(), halted: false };
      const inputs: IngestInput[] = [];
      let more = false;
      for (const stream of streams) {
        const after = position[stream];
        const page = await fetchPage(stream, after, key, ctx);
        let highest = Math.max(after, page.lastId ?? 0);
        let unkeyed = page.skipped;
        for (const event of page.events) {
          const id = deepInstinctEventId(event);
          if (id === null) {
            unkeyed++;
            continue;
          }
          highest = Math.max(highest, id);
          if (id <= after) continue;
          const device = await lookupDevice(event.device_id, key, ctx, round);
          inputs.push({
            source: deps.ref,
            route: `/api/v1${STREAM_PATHS[stream]}`,
            body: JSON.stringify(event),
            dedupKey: deepInstinctDedupKey(stream, id),
            incident: mapDeepInstinctEvent(event, { stream, device }),
            via: 'poller',
          });
        }
        if (unkeyed > 0) {
          ctx.logger.warn('skipped entries without an event id', { feed: stream, count: unkeyed });
        }
        // The vendor pages by id: a page that moved the watermark may have a successor; an empty one ends the feed.
        if (page.events.length > 0 && highest > after) {
          next[stream] = highest;
          more = true;
        }
      }
      return { events: inputs, cursor: JSON.stringify(next), more };
    },

    async test(ctx) {
      const key = apiKey();
      const parts: string[] = [];
      for (const stream of streams) {
        const page = await fetchPage(stream, 0, key, ctx);
        const label = stream === 'events' ? 'events' : 'suspicious events';
        parts.push(
          page.events.length === 0
            ? `no ${label} yet`
            : `${label} readable, last event id ${page.lastId ?? Math.max(...page.events.map((e) => deepInstinctEventId(e) ?? 0))} on the first page`,
        );
      }
      return `connected: ${parts.join('; ')}`;
    },
  };
};

function isNotFound(error: unknown): boolean {
  return error instanceof SourceError && error.kind === 'http' && /\bHTTP 404\b/.test(error.message);
}

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asId(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : null;
}

function shape(value: unknown): string {
  if (Array.isArray(value)) return 'a JSON array';
  if (isRecord(value)) return `an object with ${Object.keys(value).slice(0, 5).join(', ') || 'no keys'}`;
  return `a JSON ${typeof value}`;
}
