/**
 * MaxPatrol SIEM (Positive Technologies, MP 10) client. Logs in at the Core's
 * token service (IdentityServer, port 3334 by default) with the password
 * grant, keeps the token in memory and renews it before it expires and on a
 * 401, then reads incidents created since the last one seen, each with its
 * card and first events.
 *
 * The cursor is `{from, offset, last, ids}`: `from` is the window start sent
 * as timeFrom (whole seconds, as R25+ expects), `offset` pages through that
 * window in ascending `created` order, and `last` + `ids` are the newest
 * `created` processed and the incidents seen at exactly that instant. The
 * Core returns the boundary incidents again with every window (timeFrom is
 * inclusive and rounded down), and `last` + `ids` drop them, so nothing is
 * ingested twice even before the raw-event dedup key would catch it.
 *
 * An analyst's decision goes back as an incident transition (confirm, in
 * progress, resolve, close) whose comment names the analyst.
 */
import { z } from 'zod';

import type { Incident, Status } from '../../../../shared/domain';
import type { Decision } from '../../incidents/incident-actions';
import type { IngestInput } from '../../ingest/ingestor';
import type { MaxPatrolCard, MaxPatrolEvent, MaxPatrolListItem } from '../../ingest/mappers/maxpatrol';
import {
  mapMaxPatrolIncident,
  maxPatrolCardSchema,
  maxPatrolEventsSchema,
  maxPatrolListSchema,
  parseMaxPatrolTime,
} from '../../ingest/mappers/maxpatrol';
import type { RequestOptions } from '../http-client';
import { requestJson } from '../http-client';
import { SourceError } from '../source-error';
import type { PollPage, VendorClient, VendorContext, VendorDeps, VendorFactory } from '../vendor-client';

type MaxPatrolSource = Parameters<VendorFactory<'maxpatrol'>>[0];

/** Incidents per list request; the public clients use 50. */
const PAGE_SIZE = 50;
/** How far back the very first poll looks. */
const FIRST_POLL_LOOKBACK_MS = 24 * 60 * 60_000;
/** Cards and event lists fetched at once: enough to overlap latency, few enough for one Core. */
const DETAIL_CONCURRENCY = 4;
/** Public bots renew 30 min before expiry; short-lived tokens are renewed at half their life. */
const RENEW_MARGIN_MS = 30 * 60_000;
/** Used when the token answer has no usable `expires_in`; a 401 renews it anyway. */
const DEFAULT_TOKEN_LIFETIME_S = 3600;
const SCOPE = 'authorization offline_access mpx.api ptkb.api';
const ROUTE = 'maxpatrol:incidents';

const LIST_PATH = '/api/v2/incidents/';
/** R24 and older answer the list without the trailing slash. */
const LEGACY_LIST_PATH = '/api/v2/incidents';
const cardPath = (id: string) => `/api/incidentsReadModel/incidents/${encodeURIComponent(id)}`;
/** Cores before R23 serve the card here. */
const legacyCardPath = (id: string) => `/api/incidents/${encodeURIComponent(id)}`;
const eventsPath = (id: string, limit: number) =>
  `/api/incidents/${encodeURIComponent(id)}/events?offset=0&limit=${limit}`;
const transitionsPath = (id: string) => `/api/incidents/${encodeURIComponent(id)}/transitions`;

/**
 * The Core's transition for each Vigil status, with the comment that says who
 * decided (the Core records the API user, not the analyst). `new` has none:
 * MaxPatrol offers no transition back to New.
 */
const TRANSITIONS: Record<Status, { target: string; comment: string } | null> = {
  new: null,
  acknowledged: { target: 'Approved', comment: 'Confirmed' },
  in_progress: { target: 'InProgress', comment: 'Taken into work' },
  resolved: { target: 'Resolved', comment: 'Resolved' },
  closed: { target: 'Closed', comment: 'Closed' },
  false_positive: { target: 'Closed', comment: 'Closed as false positive' },
};

const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional().catch(undefined),
  refresh_token: z.string().min(1).optional().catch(undefined),
  token_type: z.string().optional().catch(undefined),
});

const cursorSchema = z.object({
  from: z.string(),
  offset: z.number().int().nonnegative(),
  last: z.string().nullable(),
  ids: z.array(z.string()),
});
type Cursor = z.infer<typeof cursorSchema>;

interface Session {
  accessToken: string;
  refreshToken: string | null;
  /** When to renew ahead of expiry (epoch ms). */
  renewAt: number;
}

interface Credentials {
  username: string;
  password: string;
  clientSecret: string;
}

/** Creates the MaxPatrol client for one source. */
export const createMaxPatrolClient: VendorFactory<'maxpatrol'> = (source, deps) =>
  new MaxPatrolClient(source, deps);

class MaxPatrolClient implements VendorClient {
  private readonly apiBase: string;
  private readonly consoleBase: string;
  private readonly tokenUrl: string;
  private session: Session | null = null;
  private renewing: Promise<Session> | null = null;
  private listPath = LIST_PATH;
  private legacyCard = false;

  constructor(
    private readonly source: MaxPatrolSource,
    private readonly deps: VendorDeps,
  ) {
    const base = new URL(source.baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    this.consoleBase = `${base.origin}${prefix}`;
    const api = new URL(base.origin);
    if (source.apiPort !== undefined) api.port = String(source.apiPort);
    this.apiBase = `${api.origin}${prefix}`;
    const token = new URL(base.origin);
    token.port = String(source.tokenPort);
    this.tokenUrl = `${token.origin}/connect/token`;
  }

  async poll(cursor: string | null, ctx: VendorContext): Promise<PollPage> {
    const state = this.readCursor(cursor, ctx);
    const page = await this.listPage(state.from, state.offset, PAGE_SIZE, ctx);

    const fresh: { item: MaxPatrolListItem; key: string }[] = [];
    const inPage = new Set<string>();
    for (const item of page.incidents) {
      const time = parseMaxPatrolTime(item.created);
      if (!time) {
        throw new SourceError(
          'malformed',
          `MaxPatrol incident ${item.id} has an unreadable "created" time (${JSON.stringify(item.created).slice(0, 60)})`,
        );
      }
      if (inPage.has(item.id)) continue;
      inPage.add(item.id);
      const seen =
        state.last !== null &&
        (time.key < state.last || (time.key === state.last && state.ids.includes(item.id)));
      if (!seen) fresh.push({ item, key: time.key });
    }
    // The Core sorts as asked, but the cursor is only right if incidents are taken oldest first.
    fresh.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

    const events = await mapLimit(fresh, DETAIL_CONCURRENCY, ({ item }) => this.ingestInput(item, ctx));

    let { last, ids } = state;
    for (const { item, key } of fresh) {
      if (last === null || key > last) {
        last = key;
        ids = [item.id];
      } else if (key === last) {
        ids = [...ids, item.id];
      }
    }
    const received = page.incidents.length;
    // A full page, or fewer rows than totalItems promises (a Core that caps the page size), means more.
    const full =
      received > 0 &&
      (received >= PAGE_SIZE || (page.totalItems !== undefined && state.offset + received < page.totalItems));
    const next: Cursor = full
      ? { from: state.from, offset: state.offset + received, last, ids }
      : { from: last ? wholeSecond(last) : state.from, offset: 0, last, ids };
    if (fresh.length > 0) {
      ctx.logger.debug('maxpatrol page', {
        source: this.source.id,
        fresh: fresh.length,
        received,
        more: full,
      });
    }
    return { events, cursor: JSON.stringify(next), more: full };
  }

  async test(ctx: VendorContext): Promise<string> {
    const from = wholeSecond(new Date(ctx.clock.now() - FIRST_POLL_LOOKBACK_MS).toISOString());
    const page = await this.listPage(from, 0, PAGE_SIZE, ctx);
    const count = page.totalItems ?? page.incidents.length;
    // Without totalItems a full page only says "at least".
    const atLeast = page.totalItems === undefined && count >= PAGE_SIZE ? '+' : '';
    return `connected: ${count}${atLeast} incident${count === 1 ? '' : 's'} in the last 24 h`;
  }

  /**
   * Moves the incident through the Core's transition for the decision
   * (`PUT /api/incidents/{id}/transitions`, 204 on success) with a comment
   * naming the analyst; resolves without a request for `new`.
   */
  async applyDecision(incident: Incident, decision: Decision, ctx: VendorContext): Promise<string> {
    const transition = TRANSITIONS[decision.status];
    if (!transition) return 'MaxPatrol: nothing sent (MaxPatrol has no transition back to New)';
    const id = incident.vendorId;
    if (!id || !incident.fingerprint.startsWith('maxpatrol|')) {
      throw new SourceError(
        'config',
        'MaxPatrol: nothing sent: this incident names no MaxPatrol incident id',
      );
    }
    const note = decision.note?.trim();
    const message = `${transition.comment} by ${decision.actor} in Vigil${note ? `: ${note}` : ''}`;
    try {
      await this.api(
        transitionsPath(id),
        { method: 'PUT', body: { id: transition.target, measures: '', message } },
        ctx,
        'change incidents',
      );
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      const gone = error.status === 404 ? ' (the incident may have been deleted)' : '';
      throw new SourceError(
        error.kind,
        `MaxPatrol: transition of incident ${id} to ${transition.target} failed${gone}: ${error.message}`,
        error.retryAfterMs,
        error.status,
      );
    }
    return `MaxPatrol: transition ${transition.target}, comment "${message}"`;
  }

  private readCursor(cursor: string | null, ctx: VendorContext): Cursor {
    if (cursor !== null) {
      try {
        const parsed = cursorSchema.safeParse(JSON.parse(cursor));
        if (parsed.success) return parsed.data;
      } catch {
        // fall through: an unreadable cursor restarts the lookback below
      }
      ctx.logger.warn('unreadable maxpatrol cursor; starting from the last 24 h', { source: this.source.id });
    }
    return {
      from: wholeSecond(new Date(ctx.clock.now() - FIRST_POLL_LOOKBACK_MS).toISOString()),
      offset: 0,
      last: null,
      ids: [],
    };
  }

  private async listPage(
    from: string,
    offset: number,
    limit: number,
    ctx: VendorContext,
  ): Promise<z.infer<typeof maxPatrolListSchema>> {
    const body = {
      offset,
      limit,
      groups: { filterType: 'no_filter' },
      timeFrom: from,
      timeTo: null,
      filterTimeType: 'creation',
      filter: {
        // Cores answer 400/500 to any other select list (mpsiemlib, R27.6); id and severity come anyway.
        select: ['key', 'name', 'category', 'type', 'status', 'created', 'assigned'],
        orderby: [{ field: 'created', sortOrder: 'ascending' }],
      },
      queryIds: ['all_incidents'],
    };
    let answer: unknown;
    try {
      answer = await this.api(this.listPath, { method: 'POST', body }, ctx);
    } catch (error) {
      if (this.listPath !== LIST_PATH || httpStatus(error) !== 404) throw error;
      answer = await this.api(LEGACY_LIST_PATH, { method: 'POST', body }, ctx);
      this.listPath = LEGACY_LIST_PATH;
    }
    const parsed = maxPatrolListSchema.safeParse(answer);
    if (!parsed.success) {
      throw new SourceError(
        'malformed',
        `MaxPatrol incidents list: unexpected answer (${describeIssue(parsed.error)})`,
      );
    }
    return parsed.data;
  }

  private async ingestInput(item: MaxPatrolListItem, ctx: VendorContext): Promise<IngestInput> {
    const [card, events] = await Promise.all([this.card(item, ctx), this.events(item.id, ctx)]);
    const incident = mapMaxPatrolIncident(card, events, { consoleBaseUrl: this.consoleBase, listItem: item });
    const version =
      parseMaxPatrolTime(card.lastModification)?.key ??
      parseMaxPatrolTime(card.created)?.key ??
      parseMaxPatrolTime(item.created)?.key ??
      item.created;
    return {
      source: this.deps.ref,
      route: ROUTE,
      body: JSON.stringify({ incident: card, events }),
      dedupKey: `${card.id}@${version}`,
      incident,
      via: 'poller',
    };
  }

  private async card(item: MaxPatrolListItem, ctx: VendorContext): Promise<MaxPatrolCard> {
    const legacyFirst = this.legacyCard;
    let answer: unknown;
    try {
      answer = await this.api(legacyFirst ? legacyCardPath(item.id) : cardPath(item.id), {}, ctx);
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
      try {
        answer = await this.api(legacyFirst ? cardPath(item.id) : legacyCardPath(item.id), {}, ctx);
        this.legacyCard = !legacyFirst;
      } catch (second) {
        if (httpStatus(second) !== 404) throw second;
        // Deleted between list and card: keep what the list said rather than block the cursor on it.
        ctx.logger.warn('maxpatrol incident card not found; using the list row', {
          source: this.source.id,
          incident: item.id,
        });
        return item;
      }
    }
    const parsed = maxPatrolCardSchema.safeParse(answer);
    if (!parsed.success) {
      throw new SourceError(
        'malformed',
        `MaxPatrol incident card ${item.id}: unexpected answer (${describeIssue(parsed.error)})`,
      );
    }
    return parsed.data;
  }

  private async events(id: string, ctx: VendorContext): Promise<MaxPatrolEvent[]> {
    const max = this.source.maxEvents;
    if (max === 0) return [];
    let answer: unknown;
    try {
      answer = await this.api(eventsPath(id, max), {}, ctx);
    } catch (error) {
      if (httpStatus(error) === 404) return [];
      throw error;
    }
    const parsed = maxPatrolEventsSchema.safeParse(answer);
    if (!parsed.success) {
      throw new SourceError(
        'malformed',
        `MaxPatrol events of incident ${id}: unexpected answer (${describeIssue(parsed.error)})`,
      );
    }
    return parsed.data.slice(0, max);
  }

  /** One API call with the current token; a 401 renews the token and retries once. */
  private async api(
    path: string,
    options: RequestOptions,
    ctx: VendorContext,
    right = 'read incidents',
  ): Promise<unknown> {
    const url = `${this.apiBase}${path}`;
    const call = async (session: Session) =>
      (
        await requestJson(
          url,
          {
            ...options,
            headers: { ...options.headers, Authorization: `Bearer ${session.accessToken}` },
            signal: ctx.signal,
            insecureTls: !this.source.verifyTls,
          },
          ctx.clock,
        )
      ).body;
    const session = await this.token(ctx);
    try {
      return await call(session);
    } catch (error) {
      const status = httpStatus(error);
      if (status === 403) {
        throw new SourceError(
          'auth',
          `${(error as Error).message} (the MaxPatrol user "${this.source.username ?? ''}" may lack the right to ${right})`,
        );
      }
      if (status !== 401) throw error;
      ctx.logger.info('maxpatrol token refused; renewing it', { source: this.source.id });
      this.expire(session);
      const renewed = await this.token(ctx);
      try {
        return await call(renewed);
      } catch (again) {
        if (httpStatus(again) === 401) {
          throw new SourceError(
            'auth',
            `MaxPatrol refused a freshly issued token (${(again as Error).message}); check that the user may use the API`,
          );
        }
        throw again;
      }
    }
  }

  private expire(session: Session): void {
    if (this.session === session) this.session = { ...session, renewAt: 0 };
  }

  /** The cached token, or one renewed (refresh token first, then a new login) when due. */
  private token(ctx: VendorContext): Promise<Session> {
    const current = this.session;
    if (current && ctx.clock.now() < current.renewAt) return Promise.resolve(current);
    this.renewing ??= this.renew(current, ctx).finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async renew(current: Session | null, ctx: VendorContext): Promise<Session> {
    const credentials = this.credentials();
    if (current?.refreshToken) {
      try {
        this.session = await this.grant(
          { grant_type: 'refresh_token', refresh_token: current.refreshToken },
          credentials,
          ctx,
        );
        return this.session;
      } catch (error) {
        if (!(error instanceof SourceError) || error.kind !== 'auth') throw error;
        ctx.logger.info('maxpatrol refresh token refused; logging in again', { source: this.source.id });
      }
    }
    this.session = null;
    this.session = await this.grant(
      {
        grant_type: 'password',
        username: credentials.username,
        password: credentials.password,
        response_type: 'code id_token',
      },
      credentials,
      ctx,
    );
    return this.session;
  }

  private async grant(
    fields: Record<string, string>,
    credentials: Credentials,
    ctx: VendorContext,
  ): Promise<Session> {
    const form = new URLSearchParams({
      ...fields,
      client_id: this.source.clientId,
      client_secret: credentials.clientSecret,
      scope: SCOPE,
    });
    let answer: unknown;
    try {
      answer = (
        await requestJson(
          this.tokenUrl,
          { method: 'POST', body: form, signal: ctx.signal, insecureTls: !this.source.verifyTls },
          ctx.clock,
        )
      ).body;
    } catch (error) {
      const status = httpStatus(error);
      // IdentityServer refuses a bad grant with 400 (invalid_grant / invalid_client), not 401.
      if (status === 400 || status === 401 || status === 403) {
        throw new SourceError(
          'auth',
          this.loginRefused(fields.grant_type ?? 'password', (error as Error).message),
        );
      }
      throw error;
    }
    const parsed = tokenSchema.safeParse(answer);
    if (!parsed.success) {
      throw new SourceError('malformed', `${this.tokenUrl}: the token answer has no access_token`);
    }
    const lifetimeMs = (parsed.data.expires_in ?? DEFAULT_TOKEN_LIFETIME_S) * 1000;
    return {
      accessToken: parsed.data.access_token,
      refreshToken: parsed.data.refresh_token ?? null,
      renewAt: ctx.clock.now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2),
    };
  }

  private loginRefused(grant: string, detail: string): string {
    const who = `user "${this.source.username ?? ''}", client ${this.source.clientId}`;
    if (/invalid_username_or_password/i.test(detail)) {
      return `MaxPatrol login failed: wrong username or password (${who}; invalid_username_or_password)`;
    }
    if (/invalid_client/i.test(detail)) {
      return `MaxPatrol login failed: the token service refused the client id or client secret (${who}; invalid_client)`;
    }
    if (grant === 'refresh_token') return `MaxPatrol refused the refresh token (${detail})`;
    return `MaxPatrol login failed (${who}): ${detail}`;
  }

  private credentials(): Credentials {
    const username = this.deps.secret(this.source.username);
    const password = this.deps.secret(this.source.password);
    const clientSecret = this.deps.secret(this.source.clientSecret);
    const missing = [
      username ? null : 'username',
      password ? null : 'password',
      clientSecret ? null : 'clientSecret',
    ].filter((name): name is string => name !== null);
    if (missing.length > 0 || !username || !password || !clientSecret) {
      throw new SourceError(
        'config',
        `MaxPatrol source "${this.source.name}": ${missing.join(', ')} not set (or the environment variable it names is empty)`,
      );
    }
    return { username, password, clientSecret };
  }
}

/** The HTTP status a requestJson error carries, if the vendor answered at all. */
function httpStatus(error: unknown): number | null {
  return error instanceof SourceError ? (error.status ?? null) : null;
}

/** A time rounded down to the whole second in the `%Y-%m-%dT%H:%M:%S.000Z` form R25+ expects. */
function wholeSecond(isoOrKey: string): string {
  return `${isoOrKey.slice(0, 19)}.000Z`;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** Maps items with at most `limit` calls in flight, keeping the input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        // One failure fails the page; the other workers stop taking new items.
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
