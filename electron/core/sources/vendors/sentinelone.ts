/**
 * SentinelOne Management API v2.1 client. Threats are polled incrementally by
 * `threatInfo.updatedAt` (so a status change or new mitigation on an old
 * threat comes in again, as a new raw event on the same incident), and
 * cloud-detection (STAR / custom rule) alerts by `alertInfo.createdAt` when
 * the source polls alerts. Each page follows the vendor's `nextCursor` to the
 * end; the watermark moves only once a listing is complete, so a crash
 * mid-listing resumes from the page cursor and nothing is skipped.
 *
 * An analyst's decision goes back through the threat (or alert) actions: the
 * incident status, and the analyst verdict for a false positive.
 */
import { createHash } from 'node:crypto';

import type { IngestInput } from '../../ingest/ingestor';
import type { SentinelOneRecord } from '../../ingest/mappers/sentinelone';
import { mapSentinelOneRecord, sentinelOneConsoleBase } from '../../ingest/mappers/sentinelone';
import type { RequestOptions } from '../http-client';
import { requestJson } from '../http-client';
import { SourceError } from '../source-error';
import type { PollPage, VendorContext, VendorDeps, VendorFactory } from '../vendor-client';
import type { Decision } from '../../incidents/incident-actions';
import type { SourceConfig } from '../../../../shared/config';
import type { Incident, Status } from '../../../../shared/domain';

type SentinelOneSource = Extract<SourceConfig, { kind: 'sentinelone' }>;

/** Items per request; the API allows up to 1000, 100 keeps one page small enough to commit at once. */
const PAGE_SIZE = 100;
/** How far back the very first poll looks. */
const FIRST_POLL_LOOKBACK_MS = 24 * 60 * 60_000;
/** Threat ids per `GET /threats?ids=` request. */
const IDS_PER_REQUEST = 100;

const THREATS_ROUTE = 'GET /web/api/v2.1/threats';
const ALERTS_ROUTE = 'GET /web/api/v2.1/cloud-detection/alerts';

/** What the client persists between polls (JSON in the source's cursor). */
interface Cursor {
  v: 1;
  /** Lower bound (exclusive) of the threat listing under way or next. */
  threatsUpdatedAt: string;
  /** The vendor's nextCursor while a threat listing is under way. */
  threatsPageCursor: string | null;
  /** Highest updatedAt seen in the listing under way; becomes the bound when it ends. */
  threatsSeen: string | null;
  alertsCreatedAt: string;
  alertsPageCursor: string | null;
  alertsSeen: string | null;
}

interface Listing {
  items: unknown[];
  nextCursor: string | null;
  totalItems: number | null;
}

interface Api {
  host: string;
  consoleBase: string;
  get(path: string, query: Record<string, string>, ctx: VendorContext): Promise<Listing>;
  /** A threat or alert action (`{filter, data}`); resolves to how many items it changed. */
  action(path: string, ids: string[], data: Record<string, string>, ctx: VendorContext): Promise<number>;
}

function api(source: SentinelOneSource, deps: VendorDeps): Api {
  const consoleBase = sentinelOneConsoleBase(source.baseUrl);
  const host = new URL(consoleBase).host;
  const call = async (
    url: string,
    options: RequestOptions,
    permission: string,
    ctx: VendorContext,
  ): Promise<unknown> => {
    const token = deps.secret(source.apiToken);
    if (!token) {
      throw new SourceError(
        'config',
        `set the API token of ${source.name} (My User → API token in the console)`,
      );
    }
    try {
      return (
        await requestJson(
          url,
          {
            ...options,
            headers: { Authorization: `ApiToken ${token}` },
            signal: ctx.signal,
            insecureTls: !source.verifyTls,
          },
          ctx.clock,
        )
      ).body;
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'auth') {
        throw new SourceError(
          'auth',
          `${error.message}; check the API token (SentinelOne tokens expire: create a new one under My User → API token) and its role's ${permission} permissions`,
          error.retryAfterMs,
          error.status,
        );
      }
      throw error;
    }
  };
  return {
    host,
    consoleBase,
    async get(path, query, ctx) {
      const url = `${consoleBase}/web/api/v2.1${path}?${new URLSearchParams(query).toString()}`;
      const body = await call(url, {}, 'view', ctx);
      return listing(body, `${host}/web/api/v2.1${path}`);
    },
    async action(path, ids, data, ctx) {
      const body = await call(
        `${consoleBase}/web/api/v2.1${path}`,
        { method: 'POST', body: { filter: { ids }, data } },
        'threat management',
        ctx,
      );
      const affected = (body as { data?: { affected?: unknown } } | undefined)?.data?.affected;
      if (typeof affected !== 'number') {
        throw new SourceError(
          'malformed',
          `${host}/web/api/v2.1${path}: expected SentinelOne's {"data": {"affected": N}} answer, got ${body === undefined ? 'an empty answer' : JSON.stringify(body).slice(0, 120)}`,
        );
      }
      return affected;
    },
  };
}

/** The list envelope `{data: [...], pagination: {nextCursor, totalItems}}`, or a clear error. */
function listing(body: unknown, target: string): Listing {
  const record =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  if (!record || !Array.isArray(record.data)) {
    const got =
      body === undefined
        ? 'an empty answer'
        : record
          ? `an object without a "data" list (keys: ${Object.keys(record).slice(0, 8).join(', ') || 'none'})`
          : `a JSON ${Array.isArray(body) ? 'array' : typeof body}`;
    throw new SourceError(
      'malformed',
      `${target}: expected SentinelOne's {"data": [...]} list, got ${got}; is the base URL the console address?`,
    );
  }
  const pagination =
    record.pagination !== null && typeof record.pagination === 'object'
      ? (record.pagination as Record<string, unknown>)
      : {};
  const next = pagination.nextCursor;
  const total = pagination.totalItems;
  return {
    items: record.data,
    nextCursor: typeof next === 'string' && next !== '' ? next : null,
    totalItems: typeof total === 'number' ? total : null,
  };
}

/** Compares two vendor timestamps to the microsecond (the API sends 6 fractional digits). */
function laterOf(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return micros(b) > micros(a) ? b : a;
}

function micros(value: string): number {
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  const ms = Date.parse(value.replace(/\.\d+/, ''));
  return Number.isFinite(ms) ? ms * 1000 + Number((fraction + '000000').slice(0, 6)) : -Infinity;
}

function parseCursor(raw: string | null, ctx: VendorContext): Cursor {
  const start = new Date(ctx.clock.now() - FIRST_POLL_LOOKBACK_MS).toISOString();
  const fresh: Cursor = {
    v: 1,
    threatsUpdatedAt: start,
    threatsPageCursor: null,
    threatsSeen: null,
    alertsCreatedAt: start,
    alertsPageCursor: null,
    alertsSeen: null,
  };
  if (raw === null) return fresh;
  try {
    const parsed = JSON.parse(raw) as Partial<Cursor>;
    const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
    return {
      v: 1,
      threatsUpdatedAt: str(parsed.threatsUpdatedAt) ?? start,
      threatsPageCursor: str(parsed.threatsPageCursor),
      threatsSeen: str(parsed.threatsSeen),
      alertsCreatedAt: str(parsed.alertsCreatedAt) ?? start,
      alertsPageCursor: str(parsed.alertsPageCursor),
      alertsSeen: str(parsed.alertsSeen),
    };
  } catch {
    ctx.logger.warn('unreadable SentinelOne cursor; starting from the first-poll lookback', {});
    return fresh;
  }
}

function toInput(
  item: unknown,
  deps: VendorDeps,
  consoleBase: string,
  route: string,
): { input: IngestInput; record: SentinelOneRecord | null } {
  const record = mapSentinelOneRecord(item, { consoleBaseUrl: consoleBase });
  const body = JSON.stringify(item);
  return {
    record,
    input: {
      source: deps.ref,
      route,
      body,
      // An item the mapper does not recognise is kept raw, once.
      dedupKey: record?.dedupKey ?? `unrecognised@sha256:${createHash('sha256').update(body).digest('hex')}`,
      incident: record?.incident ?? null,
      via: 'poller',
    },
  };
}

/** Adds the alerts listing's context (and a way out) to its failures, which would otherwise stall threats too. */
function alertsError(error: unknown): unknown {
  if (!(error instanceof SourceError)) return error;
  const hint =
    error.kind === 'auth' || error.kind === 'http'
      ? '; if this console has no cloud-detection (STAR) alerts, turn off "poll alerts" for this source'
      : '';
  return new SourceError(error.kind, `cloud-detection alerts: ${error.message}${hint}`, error.retryAfterMs);
}

type IncidentStatusValue = 'unresolved' | 'in_progress' | 'resolved';

/**
 * How a Vigil status is written to SentinelOne: its incident status, and for a
 * false positive the analyst verdict as well. A plain resolve leaves the
 * verdict alone: the console's analyst may already have set one, and nothing
 * in Vigil's status says which it should be.
 */
const DECISIONS: Record<Status, { incidentStatus: IncidentStatusValue; analystVerdict?: 'false_positive' }> =
  {
    new: { incidentStatus: 'unresolved' },
    acknowledged: { incidentStatus: 'in_progress' },
    in_progress: { incidentStatus: 'in_progress' },
    resolved: { incidentStatus: 'resolved' },
    closed: { incidentStatus: 'resolved' },
    false_positive: { incidentStatus: 'resolved', analystVerdict: 'false_positive' },
  };

/** Threats and cloud-detection alerts take the same actions under their own paths. */
const ACTION_BASES = { threat: '/threats', alert: '/cloud-detection/alerts' } as const;

/** Which SentinelOne object an incident is, from its fingerprint (`sentinelone|threat|<id>` or `sentinelone|alert|<id>`). */
function decisionTarget(incident: Incident): { kind: keyof typeof ACTION_BASES; id: string } {
  const match = /^sentinelone\|(threat|alert)\|(.+)$/.exec(incident.fingerprint);
  const id = incident.vendorId ?? match?.[2];
  if (!match || !id) {
    throw new SourceError(
      'config',
      'SentinelOne: nothing sent: this incident names no threat or alert id (it came from a notification summary)',
    );
  }
  return { kind: match[1] as keyof typeof ACTION_BASES, id };
}

/** Polls threats (and cloud-detection alerts unless `pollAlerts` is off) with `Authorization: ApiToken`. */
export const createSentinelOneClient: VendorFactory<'sentinelone'> = (source, deps) => {
  const client = api(source, deps);

  return {
    async poll(rawCursor, ctx): Promise<PollPage> {
      const cursor = parseCursor(rawCursor, ctx);
      const events: IngestInput[] = [];
      const pollAlerts = source.pollAlerts;
      // One listing at a time: while one is mid-pagination the other waits, so both cursors stay simple.
      const fetchThreats =
        cursor.threatsPageCursor !== null || !pollAlerts || cursor.alertsPageCursor === null;
      const fetchAlerts =
        pollAlerts && (cursor.alertsPageCursor !== null || cursor.threatsPageCursor === null);
      if (!pollAlerts) cursor.alertsPageCursor = null;

      if (fetchThreats) {
        const page = await client.get(
          '/threats',
          {
            limit: String(PAGE_SIZE),
            sortBy: 'updatedAt',
            sortOrder: 'asc',
            updatedAt__gt: cursor.threatsUpdatedAt,
            ...(cursor.threatsPageCursor ? { cursor: cursor.threatsPageCursor } : {}),
          },
          ctx,
        );
        for (const item of page.items) {
          const { input, record } = toInput(item, deps, client.consoleBase, THREATS_ROUTE);
          events.push(input);
          cursor.threatsSeen = laterOf(cursor.threatsSeen, record?.updatedAt ?? null);
        }
        cursor.threatsPageCursor = page.items.length > 0 ? page.nextCursor : null;
        if (cursor.threatsPageCursor === null) {
          cursor.threatsUpdatedAt =
            laterOf(cursor.threatsUpdatedAt, cursor.threatsSeen) ?? cursor.threatsUpdatedAt;
          cursor.threatsSeen = null;
        }
      }

      if (fetchAlerts) {
        let page: Listing;
        try {
          page = await client.get(
            '/cloud-detection/alerts',
            {
              limit: String(PAGE_SIZE),
              sortBy: 'alertInfoCreatedAt',
              sortOrder: 'asc',
              createdAt__gt: cursor.alertsCreatedAt,
              ...(cursor.alertsPageCursor ? { cursor: cursor.alertsPageCursor } : {}),
            },
            ctx,
          );
        } catch (error) {
          throw alertsError(error);
        }
        for (const item of page.items) {
          const { input, record } = toInput(item, deps, client.consoleBase, ALERTS_ROUTE);
          events.push(input);
          cursor.alertsSeen = laterOf(cursor.alertsSeen, record?.createdAt ?? null);
        }
        cursor.alertsPageCursor = page.items.length > 0 ? page.nextCursor : null;
        if (cursor.alertsPageCursor === null) {
          cursor.alertsCreatedAt =
            laterOf(cursor.alertsCreatedAt, cursor.alertsSeen) ?? cursor.alertsCreatedAt;
          cursor.alertsSeen = null;
        }
      }

      return {
        events,
        cursor: JSON.stringify(cursor),
        more: cursor.threatsPageCursor !== null || cursor.alertsPageCursor !== null,
      };
    },

    async test(ctx): Promise<string> {
      const threats = await client.get('/threats', { limit: '1' }, ctx);
      const threatCount = threats.totalItems ?? threats.items.length;
      let message = `connected to ${client.host}: ${threatCount} threat${threatCount === 1 ? '' : 's'} visible`;
      if (source.pollAlerts) {
        let alerts: Listing;
        try {
          alerts = await client.get('/cloud-detection/alerts', { limit: '1' }, ctx);
        } catch (error) {
          throw alertsError(error);
        }
        const alertCount = alerts.totalItems ?? alerts.items.length;
        message += `, ${alertCount} cloud-detection alert${alertCount === 1 ? '' : 's'}`;
      }
      return message;
    },

    /**
     * Sets the threat's (or alert's) incident status, and the analyst verdict
     * for a false positive. SentinelOne answers 200 with `affected: 0` when the
     * filter matches nothing (the item was deleted, or is outside the token's
     * scope), so that is reported as a failure rather than a silent success.
     */
    async applyDecision(incident, decision: Decision, ctx): Promise<string> {
      const { kind, id } = decisionTarget(incident);
      const wanted = DECISIONS[decision.status];
      const done: string[] = [];
      const apply = async (action: string, data: Record<string, string>, what: string) => {
        let affected: number;
        try {
          affected = await client.action(`${ACTION_BASES[kind]}${action}`, [id], data, ctx);
        } catch (error) {
          if (!(error instanceof SourceError)) throw error;
          throw new SourceError(
            error.kind,
            `SentinelOne: could not set ${what} on ${kind} ${id}${setAlready(done)}: ${error.message}`,
            error.retryAfterMs,
            error.status,
          );
        }
        if (affected === 0) {
          throw new SourceError(
            'http',
            `SentinelOne changed nothing: the ${kind} may be gone (no ${kind} ${id} visible to this API token; ${what} not set${setAlready(done)})`,
          );
        }
        done.push(what);
      };
      // Verdict first: should the status then fail, the item stays open in the
      // console rather than resolved without saying it was a false positive.
      if (wanted.analystVerdict) {
        await apply(
          '/analyst-verdict',
          { analystVerdict: wanted.analystVerdict },
          `verdict ${wanted.analystVerdict}`,
        );
      }
      await apply(
        '/incident',
        { incidentStatus: wanted.incidentStatus },
        `incident status ${wanted.incidentStatus}`,
      );
      const verdict = wanted.analystVerdict ? `, verdict ${wanted.analystVerdict}` : '';
      return `SentinelOne: incident status ${wanted.incidentStatus}${verdict}`;
    },
  };
};

function setAlready(done: string[]): string {
  return done.length > 0 ? ` (${done.join(', ')} was already set)` : '';
}

/**
 * Fetches full threats by id (`GET /threats?ids=...`), mapped exactly like
 * polled ones (same dedupKeys), for a webhook notification that only named
 * them. Threats the console does not know are simply absent.
 */
export async function fetchThreatsByIds(
  source: SentinelOneSource,
  deps: VendorDeps,
  ids: readonly string[],
  ctx: VendorContext,
): Promise<IngestInput[]> {
  const client = api(source, deps);
  const inputs: IngestInput[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST);
    let pageCursor: string | null = null;
    do {
      const page = await client.get(
        '/threats',
        {
          ids: chunk.join(','),
          limit: String(PAGE_SIZE),
          ...(pageCursor ? { cursor: pageCursor } : {}),
        },
        ctx,
      );
      for (const item of page.items)
        inputs.push(toInput(item, deps, client.consoleBase, THREATS_ROUTE).input);
      pageCursor = page.items.length > 0 ? page.nextCursor : null;
    } while (pageCursor !== null);
  }
  return inputs;
}
