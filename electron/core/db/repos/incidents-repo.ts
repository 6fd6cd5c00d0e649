/**
 * SQL for incidents (STYLE.md §12): prepared statements, rows mapped to the
 * shared domain type, and the incident list, which has to stay fast at a
 * million rows (`npm run bench` times it; figures in scripts/bench-list.ts).
 *
 * Indexes (migration 0004). Each sort is one index, walked from the keyset
 * cursor either way: lastSeen (last_seen, id), firstSeen (first_seen, id),
 * severity (severity_rank, last_seen, id). Status, source and assignee have
 * an index each that leads with them. Every one of these carries the filter
 * columns (status, severity_rank, source_kind, source_id, assignee,
 * last_seen), so a page or a count is decided from index entries alone and
 * only the rows of the page are read from the table.
 *
 * Plans. A query starts from the smallest thing it names: the full-text
 * matches when few enough to fetch and sort (about √(limit × rows / 100):
 * ~1,000 at a million, where fetching a match costs a table read and walking
 * costs ~0.04 µs an index entry), else a status / source / assignee index
 * holding at most NARROW_MAX rows, else the sort index walked from the
 * cursor. No plan depends on SQLite's statistics (INDEXED BY, CROSS JOIN):
 * the product never runs ANALYZE, and a wrong guess at a million rows is a
 * sort of the whole table.
 *
 * Search. `q` and the host / ip / user / tag filters go through
 * `incidents_fts`; user text never reaches FTS5 as syntax: each word of `q`
 * becomes a quoted phrase (WS-FIN-042 is "ws fin 042", found in any column),
 * all ANDed, `word*` a prefix; a compound value with `*` (WS-FIN-04*,
 * 10.20.3*) matches the start of an entity value, and an entity filter the
 * whole value or its start, both as one squashed token (see 0004). Text with
 * nothing searchable matches nothing.
 *
 * Search results keep the requested sort. Measured at a million incidents:
 * fetching and sorting a large match set is the cost (160k matches: ~450
 * ms), so above the fetch limit the sort index is walked and each entry's
 * rowid checked against the match set, built once as a hashed list (~0.12 µs
 * a match: 160k in ~20 ms); a whole-word search matching over PROBE_MIN rows
 * instead asks FTS5 about each entry the walk reaches (~20 µs, and few are
 * reached when most rows match). Prefix terms never probe (each probe would
 * expand the prefix again, ~5 ms). Worst seen at 1M: ~30 ms a first page.
 *
 * Totals count up to LIST_TOTAL_CAP (then `totalCapped`), on the first page
 * only: the cursor carries the count (and the match count that chose the
 * plan), so later pages never count. A plan with a match set counts in the
 * same pass as its page (a window count), so the set is built once.
 */
import type { Incident, IncidentListItem, Severity, SourceKind, Status } from '../../../../shared/domain';
import { SEVERITIES, SOURCE_KINDS, isOpenStatus, severityRank } from '../../../../shared/domain';
import type { IncidentQuery, IncidentSort } from '../../../../shared/ipc/contract';
import { LIST_TOTAL_CAP } from '../../../../shared/ipc/contract';
import type { Db } from '../database';
import { VALUE_END, VALUE_START, squashValue } from '../migrations/0004-triage';
import type Database from 'better-sqlite3';

interface IncidentRow {
  id: string;
  fingerprint: string;
  source_kind: string;
  source_id: string;
  source_name: string;
  vendor_id: string | null;
  console_url: string | null;
  title: string;
  description: string;
  severity: string;
  severity_rank: number;
  status: string;
  category: string | null;
  mitre: string;
  entities: string;
  host: string | null;
  first_seen: string;
  last_seen: string;
  count: number;
  vendor_status: string | null;
  assignee: string | null;
  tags: string;
  created_at: string;
  updated_at: string;
}

type ListRow = Pick<
  IncidentRow,
  | 'id'
  | 'source_kind'
  | 'source_id'
  | 'source_name'
  | 'title'
  | 'severity'
  | 'status'
  | 'category'
  | 'first_seen'
  | 'last_seen'
  | 'count'
  | 'assignee'
  | 'host'
>;

/** The sort key of the last row of a page: where the next page starts. */
export interface ListCursor {
  lastSeen?: string | undefined;
  firstSeen?: string | undefined;
  severityRank?: number | undefined;
  id: string;
}

/** What the first page learned and later pages reuse: the capped count and the full-text match size. */
export interface ListCarry {
  total: number;
  capped: boolean;
  /** Full-text matches (capped at PROBE_MIN + 1), or null without full-text terms. */
  matches: number | null;
}

export interface ListQuery extends IncidentQuery {
  limit: number;
  cursor?: ListCursor | undefined;
  carry?: ListCarry | undefined;
}

export interface ListPage {
  items: IncidentListItem[];
  total: number;
  totalCapped: boolean;
  hasMore: boolean;
  carry: ListCarry;
}

export interface Counts {
  total: number;
  open: number;
  unacknowledged: number;
  bySeverity: Record<Severity, number>;
  highestOpenSeverity: Severity | null;
}

/** At or under this many rows, a filter index's rows are sorted; above, the sort index is walked. */
export const NARROW_MAX = 10_000;
/** Full-text matches always fetched and sorted, however large the table. */
const MATCHES_NARROW_MIN = 200;
/** Whole-word searches matching more rows than this check membership per row instead of building the set. */
export const PROBE_MIN = 200_000;
/** ...but starting from a filter index only when it holds at most this many rows (each costs a probe). */
const PROBE_DRIVER_MAX = 2_000;
/** Rows per statement when iterating for an export: a few milliseconds of reading between the export's pauses. */
const EXPORT_PAGE = 1_000;

const LIST_COLUMNS = [
  'id',
  'source_kind',
  'source_id',
  'source_name',
  'title',
  'severity',
  'status',
  'category',
  'first_seen',
  'last_seen',
  'count',
  'assignee',
  'host',
]
  .map((c) => `i.${c}`)
  .join(', ');

interface SortSpec {
  columns: string[];
  index: string;
  key: (cursor: ListCursor) => unknown[] | null;
}

const SORTS: Record<IncidentSort, SortSpec> = {
  lastSeen: {
    columns: ['last_seen', 'id'],
    index: 'incidents_by_last_seen',
    key: (c) => (c.lastSeen === undefined ? null : [c.lastSeen, c.id]),
  },
  firstSeen: {
    columns: ['first_seen', 'id'],
    index: 'incidents_by_first_seen',
    key: (c) => (c.firstSeen === undefined ? null : [c.firstSeen, c.id]),
  },
  severity: {
    columns: ['severity_rank', 'last_seen', 'id'],
    index: 'incidents_by_severity',
    key: (c) =>
      c.severityRank === undefined || c.lastSeen === undefined ? null : [c.severityRank, c.lastSeen, c.id],
  },
};

/** The cursor that continues after `item` in `sort`. */
export function cursorAfter(sort: IncidentSort, item: IncidentListItem): ListCursor {
  switch (sort) {
    case 'lastSeen':
      return { lastSeen: item.lastSeen, id: item.id };
    case 'firstSeen':
      return { firstSeen: item.firstSeen, id: item.id };
    case 'severity':
      return { severityRank: severityRank(item.severity), lastSeen: item.lastSeen, id: item.id };
  }
}

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    source: { kind: row.source_kind as SourceKind, id: row.source_id, name: row.source_name },
    vendorId: row.vendor_id,
    consoleUrl: row.console_url,
    title: row.title,
    description: row.description,
    severity: row.severity as Severity,
    status: row.status as Status,
    category: row.category,
    mitre: JSON.parse(row.mitre) as Incident['mitre'],
    entities: JSON.parse(row.entities) as Incident['entities'],
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    count: row.count,
    vendorStatus: row.vendor_status,
    assignee: row.assignee,
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toListItem(row: ListRow): IncidentListItem {
  return {
    id: row.id,
    source: { kind: row.source_kind as SourceKind, id: row.source_id, name: row.source_name },
    title: row.title,
    severity: row.severity as Severity,
    status: row.status as Status,
    category: row.category,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    count: row.count,
    assignee: row.assignee,
    host: row.host,
  };
}

function toRow(incident: Incident): IncidentRow {
  return {
    id: incident.id,
    fingerprint: incident.fingerprint,
    source_kind: incident.source.kind,
    source_id: incident.source.id,
    source_name: incident.source.name,
    vendor_id: incident.vendorId,
    console_url: incident.consoleUrl,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    severity_rank: severityRank(incident.severity),
    status: incident.status,
    category: incident.category,
    mitre: JSON.stringify(incident.mitre),
    entities: JSON.stringify(incident.entities),
    host: incident.entities.hosts[0] ?? null,
    first_seen: incident.firstSeen,
    last_seen: incident.lastSeen,
    count: incident.count,
    vendor_status: incident.vendorStatus,
    assignee: incident.assignee,
    tags: JSON.stringify(incident.tags),
    created_at: incident.createdAt,
    updated_at: incident.updatedAt,
  };
}

// --- compiling a query ------------------------------------------------------

/** Control characters never reach FTS5 (a NUL would end its query); everything else is quoted. */
const CONTROL = /\p{Cc}/gu;
/** unicode61 indexes letters and digits; a term without any has nothing to match. */
const SEARCHABLE = /[\p{L}\p{N}]/u;
/** The largest code point: `prefix + MAX_CHAR` bounds every string that starts with `prefix`. */
const MAX_CHAR = '\u{10ffff}';

interface FtsPhrase {
  text: string;
  prefix: boolean;
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Splits a trailing `*` (a prefix) from a value, control characters blanked. */
function prefixOf(value: string): { text: string; prefix: boolean } {
  const text = value.replace(CONTROL, ' ').trim();
  return text.endsWith('*')
    ? { text: text.replace(/\*+$/, '').trim(), prefix: true }
    : { text, prefix: false };
}

/** Letters or digits, separated, then more: a value such as WS-FIN-042 or 10.20.30.40 rather than a word. */
const COMPOUND = /[\p{L}\p{N}][^\p{L}\p{N}]+[\p{L}\p{N}]/u;

/**
 * One search word as FTS5 syntax: a quoted phrase, so it matches as written
 * in any column (WS-FIN-042 is the phrase "ws fin 042") and nothing in it is
 * FTS5 syntax. With a trailing `*`, a word is a prefix; a compound value with
 * a `*` (WS-FIN-04*, 10.20.3*) is the start of an entity value, asked of the
 * squashed index, since a phrase whose last token is a one- or two-letter
 * prefix makes FTS5 merge the lists of every term starting with it (~0.2 s at
 * a million incidents). Null when nothing in it is searchable.
 */
function searchPhrase(term: string): FtsPhrase | null {
  const { text, prefix } = prefixOf(term);
  if (!SEARCHABLE.test(text)) return null;
  if (prefix && COMPOUND.test(text)) {
    return { text: `{hosts ips users tags} : ${quote(`${VALUE_START}${squashValue(text)}`)} *`, prefix };
  }
  return { text: `${quote(text)}${prefix ? ' *' : ''}`, prefix };
}

/** An entity filter as one squashed term (migration 0004) in its column: the whole value, or its start. */
function entityPhrase(value: string, column: string): FtsPhrase | null {
  const { text, prefix } = prefixOf(value);
  if (!SEARCHABLE.test(text)) return null;
  const squashed = `${VALUE_START}${squashValue(text)}${prefix ? '' : VALUE_END}`;
  return { text: `${column} : ${quote(squashed)}${prefix ? ' *' : ''}`, prefix };
}

/** The words of `q`: whitespace-separated, or a "quoted phrase" kept whole (with an optional `*` after it). */
function searchTerms(q: string): string[] {
  const terms: string[] = [];
  for (const match of q.matchAll(/"([^"]*)"(\*?)|(\S+)/g)) {
    const term = match[3] ?? `${match[1] ?? ''}${match[2] ?? ''}`;
    if (term.trim() !== '') terms.push(term);
  }
  return terms;
}

interface Compiled {
  /** Conditions on `incidents i`, each answerable from any list index (no table row needed). */
  where: string[];
  params: unknown[];
  /** The FTS5 MATCH expression, or null when nothing is searched. */
  match: string | null;
  /** Whether the MATCH expression has a prefix term (too expensive to ask about one row at a time). */
  prefix: boolean;
  /** The filter each driver index starts from, alone (to size it), when that filter is set. */
  drivers: Partial<Record<'status' | 'assignee' | 'source' | 'severity', { sql: string; params: unknown[] }>>;
  /** True when the query cannot match anything (a search or entity with nothing searchable). */
  nothing: boolean;
}

const ENTITY_FILTERS = [
  { field: 'host', column: 'hosts' },
  { field: 'ip', column: 'ips' },
  { field: 'user', column: 'users' },
  { field: 'tag', column: 'tags' },
] as const;

function compile(query: IncidentQuery): Compiled {
  const where: string[] = [];
  const params: unknown[] = [];
  const phrases: FtsPhrase[] = [];
  let nothing = false;
  const drivers: Compiled['drivers'] = {};
  const add = (sql: string, values: unknown[]) => {
    where.push(sql);
    params.push(...values);
    return { sql, params: values };
  };
  const inList = (column: string, values: readonly unknown[] | undefined) => {
    if (!values || values.length === 0) return undefined;
    const distinct = [...new Set(values)];
    return add(`${column} IN (${distinct.map(() => '?').join(', ')})`, distinct);
  };
  const status = inList('i.status', query.status);
  if (status) drivers.status = status;
  const severity = inList('i.severity_rank', query.severity?.map(severityRank));
  if (severity) drivers.severity = severity;
  const sourceIds = inList('i.source_id', query.sourceId);
  // The source index leads with the kind: a filter on source ids alone names every kind (a closed
  // set) so it is still a handful of ranges on that index.
  const sourceKinds = inList('i.source_kind', query.sourceKind ?? (sourceIds ? SOURCE_KINDS : undefined));
  if (sourceKinds) {
    drivers.source = sourceIds
      ? {
          sql: `${sourceKinds.sql} AND ${sourceIds.sql}`,
          params: [...sourceKinds.params, ...sourceIds.params],
        }
      : sourceKinds;
  }
  if (query.assignee !== undefined) {
    // Case-insensitive (ASCII), as the assignee index is: a range on it for a prefix, equality otherwise.
    const { text, prefix } = prefixOf(query.assignee);
    drivers.assignee = prefix
      ? add('i.assignee >= ? COLLATE NOCASE AND i.assignee < ? COLLATE NOCASE', [text, `${text}${MAX_CHAR}`])
      : add('i.assignee = ? COLLATE NOCASE', [text]);
  }
  if (query.from !== undefined) {
    where.push('i.last_seen >= ?');
    params.push(new Date(query.from).toISOString());
  }
  if (query.to !== undefined) {
    where.push('i.last_seen < ?');
    params.push(new Date(query.to).toISOString());
  }
  for (const filter of ENTITY_FILTERS) {
    const value = query[filter.field];
    if (value === undefined) continue;
    const phrase = entityPhrase(value, filter.column);
    if (phrase) phrases.push(phrase);
    else nothing = true;
  }
  if (query.q !== undefined) {
    // Words with nothing searchable in them (lone punctuation) are dropped; if that is all of
    // them, nothing can match.
    const terms = searchTerms(query.q)
      .map(searchPhrase)
      .filter((term) => term !== null);
    if (terms.length === 0) nothing = true;
    phrases.push(...terms);
  }
  return {
    where,
    params,
    match: phrases.length > 0 ? phrases.map((p) => p.text).join(' AND ') : null,
    prefix: phrases.some((p) => p.prefix),
    drivers,
    nothing,
  };
}

/**
 * Where a page's (or a count's) rows come from: the full-text matches
 * themselves (few enough to fetch), one of the filter indexes, or the sort's
 * own index; and how the full-text condition is checked on them.
 */
interface Plan {
  driver: 'matches' | 'status' | 'assignee' | 'source' | 'severity' | 'sort';
  fts: 'none' | 'set' | 'probe';
  /** The matching rowids, for the 'matches' driver. */
  rowids?: number[];
}

/** Filters with an index of their own to start from, in order of preference when sizes tie. */
const FILTER_DRIVERS = ['status', 'source', 'assignee'] as const;
type FilterDriver = (typeof FILTER_DRIVERS)[number];

const DRIVER_INDEX = {
  status: 'incidents_by_status',
  assignee: 'incidents_by_assignee',
  source: 'incidents_by_source',
  severity: 'incidents_by_severity',
} as const;

export function createIncidentsRepo(db: Db) {
  const insert = db.prepare<IncidentRow>(`
    INSERT INTO incidents (id, fingerprint, source_kind, source_id, source_name, vendor_id, console_url, title,
      description, severity, severity_rank, status, category, mitre, entities, host, first_seen, last_seen, count,
      vendor_status, assignee, tags, created_at, updated_at)
    VALUES (@id, @fingerprint, @source_kind, @source_id, @source_name, @vendor_id, @console_url, @title,
      @description, @severity, @severity_rank, @status, @category, @mitre, @entities, @host, @first_seen, @last_seen,
      @count, @vendor_status, @assignee, @tags, @created_at, @updated_at)`);
  // acknowledged_at: the first time the incident leaves 'new'. resolved_at: when it entered
  // resolved / closed / false_positive, kept while it moves among them, cleared if it is reopened.
  const update = db.prepare<IncidentRow>(`
    UPDATE incidents SET fingerprint = @fingerprint, vendor_id = @vendor_id, console_url = @console_url,
      title = @title, description = @description, severity = @severity, severity_rank = @severity_rank,
      status = @status, category = @category, mitre = @mitre, entities = @entities, host = @host,
      first_seen = @first_seen, last_seen = @last_seen, count = @count, vendor_status = @vendor_status,
      assignee = @assignee, tags = @tags, updated_at = @updated_at,
      acknowledged_at = CASE
        WHEN acknowledged_at IS NULL AND status = 'new' AND @status <> 'new' THEN @updated_at
        ELSE acknowledged_at END,
      resolved_at = CASE
        WHEN @status NOT IN ('resolved', 'closed', 'false_positive') THEN NULL
        WHEN status IN ('resolved', 'closed', 'false_positive') THEN resolved_at
        ELSE @updated_at END
    WHERE id = @id`);
  const byId = db.prepare<[string], IncidentRow>('SELECT * FROM incidents WHERE id = ?');
  const openByFingerprint = db.prepare<[string, string], IncidentRow>(`
    SELECT * FROM incidents
    WHERE fingerprint = ? AND last_seen >= ? AND status IN ('new', 'acknowledged', 'in_progress')
    ORDER BY last_seen DESC LIMIT 1`);
  const latestByFingerprint = db.prepare<[string], IncidentRow>(
    'SELECT * FROM incidents WHERE fingerprint = ? ORDER BY last_seen DESC LIMIT 1',
  );
  // Kept by triggers (migration 0005): a few rows, whatever the number of incidents.
  const countRows = db.prepare<[], { status: string; severity_rank: number; n: number }>(
    'SELECT status, severity_rank, n FROM incident_counts WHERE n > 0',
  );

  // The list's SQL depends on which filters are set; statements are prepared once per shape.
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 500) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const countUpTo = (from: string, where: string[], params: unknown[], cap: number): number => {
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const row = prepared(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} ${filter} LIMIT ?)`).get(
      ...params,
      cap,
    ) as { n: number };
    return row.n;
  };

  const matchRowids = db
    .prepare<[string, number], number>('SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ? LIMIT ?')
    .pluck();
  const matchCount = db
    .prepare<[string, number], number>(
      'SELECT count(*) FROM (SELECT 1 FROM incidents_fts WHERE incidents_fts MATCH ? LIMIT ?)',
    )
    .pluck();

  const lastRowid = db.prepare<[], number | null>('SELECT max(rowid) FROM incidents').pluck();
  /**
   * Up to how many full-text matches are best fetched and sorted. Fetching
   * costs a table read each (~2-5 µs); walking the sort index instead costs
   * building the match set (~0.12 µs a match) plus ~0.04 µs per index entry
   * passed, and a page passes about limit x rows / matches of them. Equal
   * at matches² ≈ limit x rows / 100: ~1,000 at a million incidents.
   */
  const matchesNarrowMax = (limit: number): number =>
    Math.max(MATCHES_NARROW_MIN, Math.sqrt((limit * (lastRowid.get() ?? 0)) / 100));

  interface Sizes {
    /** Full-text matches, counted up to PROBE_MIN + 1; null without full-text terms. */
    matches: number | null;
    /** The matching rowids, when few enough to fetch and sort (matchesNarrowMax). */
    rowids: number[] | null;
    /** Rows of each filter index the query names, counted up to NARROW_MAX + 1. */
    drivers: Partial<Record<FilterDriver, number>>;
  }

  const measure = (compiled: Compiled, carried: ListCarry | undefined, limit: number): Sizes => {
    let matches: number | null = null;
    let rowids: number[] | null = null;
    if (compiled.match !== null) {
      // Count first (FTS5 counts fast); fetch the rowids only when few enough to be the page's source.
      matches = carried?.matches ?? matchCount.get(compiled.match, PROBE_MIN + 1) ?? 0;
      if (matches <= matchesNarrowMax(limit)) rowids = matchRowids.all(compiled.match, matches + 1);
    }
    const drivers: Sizes['drivers'] = {};
    for (const name of FILTER_DRIVERS) {
      const filter = compiled.drivers[name];
      if (filter) {
        drivers[name] = countUpTo(
          `incidents i INDEXED BY ${DRIVER_INDEX[name]}`,
          [filter.sql],
          filter.params,
          NARROW_MAX + 1,
        );
      }
    }
    return { matches, rowids, drivers };
  };

  /** The smallest filter index the query names, with its size. */
  const narrowest = (sizes: Sizes): { name: FilterDriver; size: number } | null => {
    let best: { name: FilterDriver; size: number } | null = null;
    for (const name of FILTER_DRIVERS) {
      const size = sizes.drivers[name];
      if (size !== undefined && (!best || size < best.size)) best = { name, size };
    }
    return best;
  };

  const choosePlan = (compiled: Compiled, sizes: Sizes): Plan => {
    const filter = narrowest(sizes);
    if (compiled.match === null || sizes.matches === null) {
      return filter && filter.size <= NARROW_MAX
        ? { driver: filter.name, fts: 'none' }
        : { driver: 'sort', fts: 'none' };
    }
    if (sizes.rowids) return { driver: 'matches', fts: 'none', rowids: sizes.rowids };
    if (!compiled.prefix && sizes.matches > PROBE_MIN) {
      // Most rows match: ask FTS5 about the few rows a page needs rather than build the whole set.
      return filter && filter.size <= PROBE_DRIVER_MAX
        ? { driver: filter.name, fts: 'probe' }
        : { driver: 'sort', fts: 'probe' };
    }
    return filter && filter.size <= NARROW_MAX
      ? { driver: filter.name, fts: 'set' }
      : { driver: 'sort', fts: 'set' };
  };

  /** FROM clause and extra conditions (with their parameters, placed before the compiled ones) for a plan. */
  const source = (
    plan: Plan,
    compiled: Compiled,
    sort: SortSpec,
  ): { from: string; where: string[]; params: unknown[] } => {
    const where: string[] = [];
    const params: unknown[] = [];
    let from: string;
    switch (plan.driver) {
      case 'matches':
        from = 'incidents i NOT INDEXED';
        where.push('i.rowid IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(plan.rowids ?? []));
        break;
      case 'status':
      case 'assignee':
      case 'source':
      case 'severity':
        from = `incidents i INDEXED BY ${DRIVER_INDEX[plan.driver]}`;
        break;
      case 'sort':
        from = `incidents i INDEXED BY ${sort.index}`;
        break;
    }
    if (plan.fts === 'set') {
      where.push('i.rowid IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?)');
      params.push(compiled.match);
    } else if (plan.fts === 'probe') {
      where.push(
        'EXISTS (SELECT 1 FROM incidents_fts f WHERE f.incidents_fts MATCH ? AND f.rowid = i.rowid)',
      );
      params.push(compiled.match);
    }
    return { from, where, params };
  };

  /** The matches of the whole query, counted up to LIST_TOTAL_CAP + 1. */
  const countTotal = (compiled: Compiled, sizes: Sizes, plan: Plan): number => {
    if (compiled.where.length === 0 && sizes.matches !== null) return sizes.matches;
    let counting: Plan;
    if (plan.driver === 'matches') {
      counting = plan;
    } else {
      // From the narrowest index the filters name; every list index carries the filter columns,
      // so only the full-text condition (if any) is checked outside it.
      const filter = narrowest(sizes);
      const driver: Plan['driver'] = filter ? filter.name : compiled.drivers.severity ? 'severity' : 'sort';
      const fts: Plan['fts'] =
        compiled.match === null
          ? 'none'
          : plan.fts === 'probe' && filter && filter.size <= PROBE_DRIVER_MAX
            ? 'probe'
            : 'set';
      counting = { driver, fts };
    }
    const { from, where, params } = source(counting, compiled, SORTS.lastSeen);
    return countUpTo(
      from,
      [...where, ...compiled.where],
      [...params, ...compiled.params],
      LIST_TOTAL_CAP + 1,
    );
  };

  /**
   * Up to `rows` rows after the cursor. With `withTotal`, each row also
   * carries in `total__` how many rows the plan yields in all (a window
   * count over the same scan): for the narrow plans, whose rows number at
   * most NARROW_MAX, that is the exact total at no second pass.
   */
  const page = (
    compiled: Compiled,
    plan: Plan,
    sortName: IncidentSort,
    order: 'asc' | 'desc',
    cursor: ListCursor | undefined,
    rows: number,
    columns: string,
    withTotal = false,
  ): unknown[] => {
    const sort = SORTS[sortName];
    const { from, where, params } = source(plan, compiled, sort);
    const conditions = [...where, ...compiled.where];
    const values = [...params, ...compiled.params];
    if (cursor) {
      const key = sort.key(cursor);
      if (!key) throw new RangeError(`cursor does not fit the ${sortName} sort`);
      const keyColumns = sort.columns.map((c) => `i.${c}`).join(', ');
      conditions.push(`(${keyColumns}) ${order === 'desc' ? '<' : '>'} (${key.map(() => '?').join(', ')})`);
      values.push(...key);
    }
    const direction = order === 'desc' ? 'DESC' : 'ASC';
    const orderBy = (table: string) => sort.columns.map((c) => `${table}.${c} ${direction}`).join(', ');
    const filter = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    // The page's rows are chosen from index entries alone (every list index holds the sort keys,
    // the filter columns and the rowid); only the chosen rows are then read from the table.
    return prepared(
      `SELECT ${columns}${withTotal ? ', p.total__' : ''} FROM (
         SELECT i.rowid AS rowid__${withTotal ? ', count(*) OVER () AS total__' : ''}
         FROM ${from} ${filter} ORDER BY ${orderBy('i')} LIMIT ?) p
       CROSS JOIN incidents i ON i.rowid = p.rowid__
       ORDER BY ${orderBy('i')}`,
    ).all(...values, rows);
  };

  return {
    insert(incident: Incident): void {
      insert.run(toRow(incident));
    },
    update(incident: Incident): void {
      update.run(toRow(incident));
    },
    get(id: string): Incident | null {
      const row = byId.get(id);
      return row ? toIncident(row) : null;
    },
    /** The open incident with this fingerprint last seen at or after `since`, if any. */
    findOpenByFingerprint(fingerprint: string, since: string): Incident | null {
      const row = openByFingerprint.get(fingerprint, since);
      return row ? toIncident(row) : null;
    },
    /** The most recent incident with this fingerprint, whatever its status or age. */
    findByFingerprint(fingerprint: string): Incident | null {
      const row = latestByFingerprint.get(fingerprint);
      return row ? toIncident(row) : null;
    },

    /**
     * One page of incidents matching the query, in its sort (lastSeen desc by
     * default), after `cursor`. Counts the matches (up to LIST_TOTAL_CAP)
     * unless `carry` brings the first page's count.
     *
     * @throws RangeError when the cursor lacks the key of the query's sort.
     */
    list(query: ListQuery): ListPage {
      const sort = query.sort ?? 'lastSeen';
      const order = query.order ?? 'desc';
      const compiled = compile(query);
      if (compiled.nothing) {
        return {
          items: [],
          total: 0,
          totalCapped: false,
          hasMore: false,
          carry: { total: 0, capped: false, matches: 0 },
        };
      }
      const sizes = measure(compiled, query.carry, query.limit + 1);
      const plan = choosePlan(compiled, sizes);
      // A narrow plan with a full-text condition counts in the same pass as its page, so the
      // match set is built once; other plans count apart, from index entries alone.
      const narrow = plan.driver !== 'sort' && plan.driver !== 'severity';
      const withTotal =
        narrow && (plan.fts !== 'none' || plan.driver === 'matches') && !query.carry && !query.cursor;
      const rows = page(
        compiled,
        plan,
        sort,
        order,
        query.cursor,
        query.limit + 1,
        LIST_COLUMNS,
        withTotal,
      ) as (ListRow & { total__?: number })[];
      let carry = query.carry;
      if (!carry) {
        const counted = withTotal ? (rows[0]?.total__ ?? 0) : countTotal(compiled, sizes, plan);
        carry = {
          total: Math.min(counted, LIST_TOTAL_CAP),
          capped: counted > LIST_TOTAL_CAP,
          matches: sizes.matches,
        };
      }
      return {
        items: rows.slice(0, query.limit).map(toListItem),
        total: carry.total,
        totalCapped: carry.capped,
        hasMore: rows.length > query.limit,
        carry,
      };
    },

    /**
     * Every incident matching the query, in its sort, up to `max`: read a
     * page of EXPORT_PAGE at a time, so an export never holds more than one
     * page of rows besides what its consumer keeps.
     */
    *iterate(query: IncidentQuery, max: number): Generator<Incident, void, undefined> {
      const sort = query.sort ?? 'lastSeen';
      const order = query.order ?? 'desc';
      const compiled = compile(query);
      if (compiled.nothing) return;
      const plan = choosePlan(compiled, measure(compiled, undefined, EXPORT_PAGE));
      let cursor: ListCursor | undefined;
      let left = max;
      while (left > 0) {
        const want = Math.min(EXPORT_PAGE, left);
        const rows = page(compiled, plan, sort, order, cursor, want, 'i.*') as IncidentRow[];
        for (const row of rows) yield toIncident(row);
        const last = rows.at(-1);
        if (!last || rows.length < want) return;
        left -= rows.length;
        cursor = {
          lastSeen: last.last_seen,
          firstSeen: last.first_seen,
          severityRank: last.severity_rank,
          id: last.id,
        };
      }
    },

    counts(): Counts {
      const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
      let total = 0;
      let open = 0;
      let unacknowledged = 0;
      for (const row of countRows.all()) {
        total += row.n;
        if (!isOpenStatus(row.status as Status)) continue;
        open += row.n;
        if (row.status === 'new') unacknowledged += row.n;
        const severity = SEVERITIES[row.severity_rank];
        if (severity) bySeverity[severity] += row.n;
      }
      const highestOpenSeverity = [...SEVERITIES].reverse().find((s) => bySeverity[s] > 0) ?? null;
      return { total, open, unacknowledged, bySeverity, highestOpenSeverity };
    },
  };
}

export type IncidentsRepo = ReturnType<typeof createIncidentsRepo>;
