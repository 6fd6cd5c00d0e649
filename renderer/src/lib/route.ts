/**
 * The console's location as a hash route, so the view, the incident filters
 * and the open incident survive navigation and reload, can be deep-linked and
 * follow back / forward:
 *
 *   #/incidents?severity=high,critical&q=mimikatz&sort=severity
 *   #/incidents/inc_0190ab…            (its detail open)
 *   #/dashboard, #/sources, …
 *
 * Pure: parse and format only; hooks/use-route-sync.ts ties it to the store
 * and the window. A hand-edited URL never breaks the console: every value is
 * checked against the contract's incidentQuerySchema and dropped if it does
 * not pass.
 */
import { INCIDENT_SORTS, incidentQuerySchema } from '../../../shared/ipc/contract';
import type { IncidentQuery, IncidentSort } from '../../../shared/ipc/contract';
import { VIEWS } from '../store/ui-slice';
import type { ViewId } from '../store/ui-slice';

/** Relative time windows; in the URL as `range=24h` so a shared link always means "the last 24 hours". */
export const RANGE_PRESETS = ['1h', '24h', '7d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const RANGE_MS: Record<RangePreset, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

export interface Route {
  view: ViewId;
  /** The incident whose detail is open; incidents view only. */
  incidentId: string | null;
  /** Incident filters; with a `range` preset, `from` is resolved from it and not written to the URL. */
  filters: IncidentQuery;
  range: RangePreset | null;
}

export const DEFAULT_SORT: IncidentSort = 'lastSeen';

/** URL key per filter; arrays are comma-joined. Order here is the order in the URL. */
const LIST_KEYS = ['severity', 'status', 'sourceKind', 'sourceId'] as const;
const TEXT_KEYS = ['q', 'host', 'ip', 'user', 'tag', 'assignee'] as const;
const TIME_KEYS = ['from', 'to'] as const;

const shape = incidentQuerySchema.shape;

/** `from` for a preset, as of `now`. */
export function rangeFrom(range: RangePreset, now: number): string {
  return new Date(now - RANGE_MS[range]).toISOString();
}

function isView(value: string): value is ViewId {
  return (VIEWS as readonly string[]).includes(value);
}

function isRange(value: string | null): value is RangePreset {
  return value !== null && (RANGE_PRESETS as readonly string[]).includes(value);
}

/** Only the keys a query actually sets, arrays deduplicated: two equal filters format to one string. */
export function normalizeFilters(filters: IncidentQuery): IncidentQuery {
  const out: IncidentQuery = {};
  for (const key of LIST_KEYS) {
    const values = filters[key];
    if (values && values.length > 0) (out as Record<string, unknown>)[key] = [...new Set(values)];
  }
  for (const key of [...TEXT_KEYS, ...TIME_KEYS]) {
    const value = filters[key]?.trim();
    if (value) out[key] = value;
  }
  if (filters.sort && filters.sort !== DEFAULT_SORT) out.sort = filters.sort;
  if (filters.order && filters.order !== 'desc') out.order = filters.order;
  return out;
}

/** Parses `location.hash` (with or without the leading `#`); `now` resolves a range preset. */
export function parseRoute(hash: string, now: number): Route {
  const raw = hash.replace(/^#/, '');
  const queryAt = raw.indexOf('?');
  const path = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1));
  const [first = '', second] = path.replace(/^\/+/, '').split('/');
  const view = isView(first) ? first : 'incidents';

  let incidentId: string | null = null;
  if (view === 'incidents' && second) {
    const id = safeDecode(second);
    if (id && id.length <= 200) incidentId = id;
  }

  const filters: Record<string, unknown> = {};
  for (const key of LIST_KEYS) {
    const value = params.get(key);
    if (!value) continue;
    const parsed = shape[key].safeParse(value.split(',').filter(Boolean));
    if (parsed.success && parsed.data && parsed.data.length > 0) filters[key] = parsed.data;
  }
  for (const key of [...TEXT_KEYS, ...TIME_KEYS]) {
    const value = params.get(key);
    if (value === null) continue;
    const parsed = shape[key].safeParse(value);
    if (parsed.success && parsed.data) filters[key] = parsed.data;
  }
  const sort = params.get('sort');
  if (sort && (INCIDENT_SORTS as readonly string[]).includes(sort)) filters.sort = sort;
  const order = params.get('order');
  if (order === 'asc' || order === 'desc') filters.order = order;

  const rangeParam = params.get('range');
  const range = isRange(rangeParam) ? rangeParam : null;
  if (range) {
    filters.from = rangeFrom(range, now);
    delete filters.to;
  }
  return { view, incidentId, filters: normalizeFilters(filters), range };
}

/** The canonical hash of a route: equal routes give equal strings. */
export function formatRoute(route: Route): string {
  if (route.view !== 'incidents') return `#/${route.view}`;
  const path = route.incidentId ? `#/incidents/${encodeURIComponent(route.incidentId)}` : '#/incidents';
  const query = formatFilters(route.filters, route.range);
  return query ? `${path}?${query}` : path;
}

/** The filters as a query string (no `?`): the part of the URL a filter change touches. */
export function formatFilters(filters: IncidentQuery, range: RangePreset | null): string {
  const f = normalizeFilters(filters);
  const parts: string[] = [];
  const add = (key: string, value: string): void => {
    // Commas, colons, @ and / are legal in a fragment's query and keep links readable (times, users).
    parts.push(
      `${key}=${encodeURIComponent(value).replace(/%(2C|3A|40|2F)/g, (m) => decodeURIComponent(m))}`,
    );
  };
  for (const key of LIST_KEYS) {
    const values = f[key];
    if (values) add(key, values.join(','));
  }
  for (const key of TEXT_KEYS) {
    const value = f[key];
    if (value) add(key, value);
  }
  if (range) add('range', range);
  else
    for (const key of TIME_KEYS) {
      const value = f[key];
      if (value) add(key, value);
    }
  if (f.sort) add('sort', f.sort);
  if (f.order) add('order', f.order);
  return parts.join('&');
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
