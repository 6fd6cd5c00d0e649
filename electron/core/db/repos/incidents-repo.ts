/**
 * SQL for incidents (STYLE.md §12): prepared once, rows mapped to the shared
 * domain type. The list is keyset-paginated on (last_seen DESC, id DESC) so a
 * page costs the same at row 10 and at row 1,000,000.
 */
import type { Incident, IncidentListItem, Severity, SourceKind, Status } from '../../../../shared/domain';
import { SEVERITIES, severityRank } from '../../../../shared/domain';
import type { Db } from '../database';

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

export interface ListQuery {
  limit: number;
  cursor?: { lastSeen: string; id: string } | undefined;
  severity?: Severity[] | undefined;
  status?: Status[] | undefined;
  sourceKind?: SourceKind[] | undefined;
}

export interface Counts {
  total: number;
  open: number;
  unacknowledged: number;
  bySeverity: Record<Severity, number>;
  highestOpenSeverity: Severity | null;
}

const LIST_COLUMNS =
  'id, source_kind, source_id, source_name, title, severity, status, category, first_seen, last_seen, count, assignee, host';

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

export function createIncidentsRepo(db: Db) {
  const insert = db.prepare<IncidentRow>(`
    INSERT INTO incidents (id, fingerprint, source_kind, source_id, source_name, vendor_id, console_url, title,
      description, severity, severity_rank, status, category, mitre, entities, host, first_seen, last_seen, count,
      vendor_status, assignee, tags, created_at, updated_at)
    VALUES (@id, @fingerprint, @source_kind, @source_id, @source_name, @vendor_id, @console_url, @title,
      @description, @severity, @severity_rank, @status, @category, @mitre, @entities, @host, @first_seen, @last_seen,
      @count, @vendor_status, @assignee, @tags, @created_at, @updated_at)`);
  const update = db.prepare<IncidentRow>(`
    UPDATE incidents SET fingerprint = @fingerprint, vendor_id = @vendor_id, console_url = @console_url,
      title = @title, description = @description, severity = @severity, severity_rank = @severity_rank,
      status = @status, category = @category, mitre = @mitre, entities = @entities, host = @host,
      first_seen = @first_seen, last_seen = @last_seen, count = @count, vendor_status = @vendor_status,
      assignee = @assignee, tags = @tags, updated_at = @updated_at
    WHERE id = @id`);
  const byId = db.prepare<[string], IncidentRow>('SELECT * FROM incidents WHERE id = ?');
  const openByFingerprint = db.prepare<[string, string], IncidentRow>(`
    SELECT * FROM incidents
    WHERE fingerprint = ? AND last_seen >= ? AND status IN ('new', 'acknowledged', 'in_progress')
    ORDER BY last_seen DESC LIMIT 1`);
  const latestByFingerprint = db.prepare<[string], IncidentRow>(
    'SELECT * FROM incidents WHERE fingerprint = ? ORDER BY last_seen DESC LIMIT 1',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM incidents');
  const countOpen = db.prepare<[], { status: string; severity: string; n: number }>(`
    SELECT status, severity, count(*) AS n FROM incidents
    WHERE status IN ('new', 'acknowledged', 'in_progress') GROUP BY status, severity`);

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
    list(query: ListQuery): { items: IncidentListItem[]; total: number; hasMore: boolean } {
      const where: string[] = [];
      const params: unknown[] = [];
      const inList = (column: string, values: readonly string[] | undefined) => {
        if (!values || values.length === 0) return;
        where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
        params.push(...values);
      };
      inList('severity', query.severity);
      inList('status', query.status);
      inList('source_kind', query.sourceKind);
      const filterSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const total = (
        db.prepare(`SELECT count(*) AS n FROM incidents ${filterSql}`).get(...params) as { n: number }
      ).n;
      const pageWhere = [...where];
      const pageParams = [...params];
      if (query.cursor) {
        pageWhere.push('(last_seen < ? OR (last_seen = ? AND id < ?))');
        pageParams.push(query.cursor.lastSeen, query.cursor.lastSeen, query.cursor.id);
      }
      const pageSql = pageWhere.length > 0 ? `WHERE ${pageWhere.join(' AND ')}` : '';
      const rows = db
        .prepare(`SELECT ${LIST_COLUMNS} FROM incidents ${pageSql} ORDER BY last_seen DESC, id DESC LIMIT ?`)
        .all(...pageParams, query.limit + 1) as ListRow[];
      const hasMore = rows.length > query.limit;
      return { items: rows.slice(0, query.limit).map(toListItem), total, hasMore };
    },
    counts(): Counts {
      const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
      let open = 0;
      let unacknowledged = 0;
      for (const row of countOpen.all()) {
        open += row.n;
        if (row.status === 'new') unacknowledged += row.n;
        bySeverity[row.severity as Severity] += row.n;
      }
      const highestOpenSeverity = [...SEVERITIES].reverse().find((s) => bySeverity[s] > 0) ?? null;
      return { total: countAll.get()?.n ?? 0, open, unacknowledged, bySeverity, highestOpenSeverity };
    },
  };
}

export type IncidentsRepo = ReturnType<typeof createIncidentsRepo>;
