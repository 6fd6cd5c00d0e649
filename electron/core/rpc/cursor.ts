/**
 * The incident list's keyset cursor. Opaque to clients (base64url of JSON):
 * the sort key of the last row of the page, which sort and order it belongs
 * to, a digest of the filters, and what the first page learned (the capped
 * count and the full-text match size) so later pages need not count again.
 * A cursor from another sort, order or set of filters is refused: its key
 * would not mean the same thing, and its count would be another list's.
 */
import type { IncidentQuery, IncidentSort } from '../../../shared/ipc/contract';
import { INCIDENT_SORTS } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { ListCarry, ListCursor } from '../db/repos/incidents-repo';

const VERSION = 1;

interface CursorBody {
  v: number;
  s: IncidentSort;
  o: 'asc' | 'desc';
  f: string;
  k: unknown[];
  t: number;
  c: boolean;
  m: number | null;
}

export interface DecodedCursor {
  after: ListCursor;
  carry: ListCarry;
}

function sortOf(query: IncidentQuery): { sort: IncidentSort; order: 'asc' | 'desc' } {
  return { sort: query.sort ?? 'lastSeen', order: query.order ?? 'desc' };
}

/** FNV-1a over the query's filters, with "no values" and an empty list alike and lists in any order. */
function filterDigest(query: IncidentQuery): string {
  const fields = [
    'q',
    'severity',
    'status',
    'sourceKind',
    'sourceId',
    'host',
    'ip',
    'user',
    'tag',
    'assignee',
    'from',
    'to',
  ] as const;
  const normal = fields.map((field) => {
    const value = query[field];
    if (Array.isArray(value)) return value.length === 0 ? null : [...(value as string[])].sort();
    return value ?? null;
  });
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(normal)) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

function keyOf(sort: IncidentSort, after: ListCursor): unknown[] {
  switch (sort) {
    case 'lastSeen':
      return [after.lastSeen, after.id];
    case 'firstSeen':
      return [after.firstSeen, after.id];
    case 'severity':
      return [after.severityRank, after.lastSeen, after.id];
  }
}

function cursorFromKey(sort: IncidentSort, key: unknown[]): ListCursor | null {
  const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
  switch (sort) {
    case 'lastSeen':
    case 'firstSeen': {
      const [time, id] = key;
      if (key.length !== 2 || !text(time) || !text(id)) return null;
      return sort === 'lastSeen' ? { lastSeen: time, id } : { firstSeen: time, id };
    }
    case 'severity': {
      const [rank, time, id] = key;
      if (key.length !== 3 || !Number.isInteger(rank) || !text(time) || !text(id)) return null;
      return { severityRank: rank as number, lastSeen: time, id };
    }
  }
}

/** The cursor for the page after `after` in this query's list. */
export function encodeCursor(query: IncidentQuery, after: ListCursor, carry: ListCarry): string {
  const { sort, order } = sortOf(query);
  const body: CursorBody = {
    v: VERSION,
    s: sort,
    o: order,
    f: filterDigest(query),
    k: keyOf(sort, after),
    t: carry.total,
    c: carry.capped,
    m: carry.matches,
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/**
 * Reads a cursor made by encodeCursor for this same query.
 *
 * @throws ContractError bad_request when it is not one, or belongs to another sort, order or filters.
 */
export function decodeCursor(cursor: string, query: IncidentQuery): DecodedCursor {
  const { sort, order } = sortOf(query);
  let body: Partial<CursorBody> | null = null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) body = value;
  } catch {
    body = null;
  }
  if (
    !body ||
    body.v !== VERSION ||
    !INCIDENT_SORTS.includes(body.s as IncidentSort) ||
    (body.o !== 'asc' && body.o !== 'desc') ||
    !Array.isArray(body.k) ||
    !Number.isInteger(body.t) ||
    (body.t as number) < 0 ||
    typeof body.c !== 'boolean' ||
    !(body.m === null || (Number.isInteger(body.m) && (body.m as number) >= 0))
  ) {
    throw new ContractError('bad_request', 'cursor: not a cursor returned by incidents.list');
  }
  if (body.s !== sort || body.o !== order) {
    throw new ContractError(
      'bad_request',
      `cursor: it continues a list sorted by ${body.s} ${body.o}, not ${sort} ${order}; start from the first page`,
    );
  }
  if (body.f !== filterDigest(query)) {
    throw new ContractError(
      'bad_request',
      'cursor: it continues a list with other filters; start from the first page',
    );
  }
  const after = cursorFromKey(sort, body.k);
  if (!after) throw new ContractError('bad_request', 'cursor: not a cursor returned by incidents.list');
  return {
    after,
    carry: { total: body.t as number, capped: body.c, matches: body.m ?? null },
  };
}
