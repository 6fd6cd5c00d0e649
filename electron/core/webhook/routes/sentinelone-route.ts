/**
 * `POST /send/alert`: what a SentinelOne console (or a script relaying it)
 * posts. No public sample of the console's notification body exists, so the
 * route accepts loosely: a full threat or cloud-detection alert object, an
 * array of them, or `{data: [...]}`. Full objects are ingested like polled
 * ones (same dedupKeys, and under the configured SentinelOne source when
 * there is one, so a threat both polled and posted is stored once). A
 * notification that only names threats is stored as it came and, after the
 * 202, the full threats are fetched through the configured source.
 */
import { createHash } from 'node:crypto';

import { z } from 'zod';

import type { SourceConfig } from '../../../../shared/config';
import type { SourceRef } from '../../../../shared/domain';
import { HttpError } from '../../http';
import type { IngestInput, IngestResult } from '../../ingest/ingestor';
import {
  mapSentinelOneRecord,
  readSentinelOneNotification,
  sentinelOneConsoleBase,
} from '../../ingest/mappers/sentinelone';
import { SourceError } from '../../sources/source-error';
import type { VendorDeps } from '../../sources/vendor-client';
import { fetchThreatsByIds } from '../../sources/vendors/sentinelone';
import type { WebhookRoute } from '../webhook-service';
import type { RouteDeps } from './route-deps';

const ROUTE = '/send/alert';
const FETCH_TIMEOUT_MS = 30_000;
/** Items in one body; a console batch is far smaller, and this bounds one transaction. */
const MAX_ITEMS = 1000;
/** Used when no SentinelOne source is configured. */
const WEBHOOK_REF: SourceRef = { kind: 'sentinelone', id: 'send-alert', name: 'SentinelOne /send/alert' };

type SentinelOneSource = Extract<SourceConfig, { kind: 'sentinelone' }>;
type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The items of a body: the object itself, an array, or `{data: [...]}` / `{data: {...}}` around them. */
function itemsOf(payload: unknown): { items: Obj[]; single: boolean } {
  let items: unknown[];
  let single = false;
  if (Array.isArray(payload)) items = payload;
  else if (isObj(payload) && Array.isArray(payload.data)) items = payload.data;
  else if (isObj(payload) && isObj(payload.data) && !isObj(payload.threatInfo) && !isObj(payload.alertInfo)) {
    items = isObj(payload.data.threatInfo) || isObj(payload.data.alertInfo) ? [payload.data] : [payload];
    single = true;
  } else if (isObj(payload)) {
    items = [payload];
    single = true;
  } else {
    throw new HttpError(
      400,
      'bad_request',
      `expected a SentinelOne threat or alert object, an array of them, or {"data": [...]}; got ${payload === null ? 'null' : `a JSON ${typeof payload}`}`,
    );
  }
  if (items.length === 0) throw new HttpError(400, 'bad_request', 'the body holds no threats or alerts');
  if (items.length > MAX_ITEMS) {
    throw new HttpError(
      413,
      'payload_too_large',
      `at most ${MAX_ITEMS} items per request; got ${items.length}`,
    );
  }
  const bad = items.findIndex((item) => !isObj(item));
  if (bad >= 0) throw new HttpError(400, 'bad_request', `item ${bad} is not an object`);
  return { items: items as Obj[], single };
}

/** The first enabled SentinelOne source: its id scopes dedup, its token fetches threats. */
function configuredSource(deps: RouteDeps): SentinelOneSource | null {
  const source = deps.config
    .get()
    .sources.find((s): s is SentinelOneSource => s.kind === 'sentinelone' && s.enabled);
  return source ?? null;
}

/** `POST /send/alert` on the listener's token; see the file comment for what it accepts. */
export function sentineloneAlertRoute(deps: RouteDeps): WebhookRoute {
  const logger = deps.logger.child('sentinelone');

  async function fetchAndIngest(source: SentinelOneSource, ids: string[]): Promise<void> {
    const vendorDeps: VendorDeps = {
      secret: (value) => deps.config.resolveSecret(value),
      ref: { kind: source.kind, id: source.id, name: source.name },
      timeZone: deps.config.get().ui.timeZone,
    };
    try {
      const inputs = await fetchThreatsByIds(source, vendorDeps, ids, {
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        clock: deps.clock,
        logger,
      });
      const results = deps.ingestor.ingestMany(
        inputs.map((input) => ({ ...input, via: 'webhook' as const })),
      );
      const stored = results.filter((r) => !r.duplicate).length;
      logger.info('fetched notified threats', {
        source: source.id,
        asked: ids.length,
        found: inputs.length,
        stored,
      });
      const missing = ids.filter((id) => !inputs.some((input) => input.incident?.vendorId === id));
      if (missing.length > 0) logger.warn('notified threats not found', { source: source.id, ids: missing });
    } catch (error) {
      logger.warn('fetching notified threats failed', {
        source: source.id,
        ids,
        error: error instanceof SourceError ? error.message : String(error),
      });
    }
  }

  return {
    method: 'POST',
    path: ROUTE,
    schema: z.unknown(),
    handle: async (payload, rawBody) => {
      const { items, single } = itemsOf(payload);
      const source = configuredSource(deps);
      const ref: SourceRef = source ? { kind: source.kind, id: source.id, name: source.name } : WEBHOOK_REF;
      const consoleBaseUrl = source ? sentinelOneConsoleBase(source.baseUrl) : null;
      const toFetch: string[] = [];
      let unfetchable = 0;
      const inputs = items.map((item): IngestInput => {
        const body = single ? rawBody : JSON.stringify(item);
        const record = mapSentinelOneRecord(item, { consoleBaseUrl });
        if (record) {
          return {
            source: ref,
            route: ROUTE,
            body,
            dedupKey: record.dedupKey,
            incident: record.incident,
            via: 'webhook',
          };
        }
        const notification = readSentinelOneNotification(item);
        const fetchable = source !== null && notification.threatIds.length > 0;
        if (!fetchable) unfetchable += 1;
        for (const id of fetchable ? notification.threatIds : []) if (!toFetch.includes(id)) toFetch.push(id);
        return {
          source: ref,
          route: ROUTE,
          body,
          // A console retrying the same notification is stored once.
          dedupKey: `notification@sha256:${createHash('sha256').update(body).digest('hex')}`,
          // The full threat, fetched next, makes the incident; a summary incident would keep its thin title.
          incident: fetchable ? null : notification.incident,
          via: 'webhook',
        };
      });
      const results: IngestResult[] = await deps.ingestor.submit(inputs);
      if (source && toFetch.length > 0) {
        // After the 202: the sender is not kept waiting on the console's API.
        setImmediate(() => void fetchAndIngest(source, toFetch));
      }
      if (unfetchable > 0) {
        logger.info('summary notification stored as it came', {
          count: unfetchable,
          why: source
            ? 'it names no threat id'
            : 'no enabled SentinelOne source to fetch the full threats with',
        });
      }
      return single ? results[0]! : results;
    },
  };
}
