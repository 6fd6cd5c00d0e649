/**
 * SQL for the shift report: the incidents first seen in a period, what became
 * of them, and the summary figures over all of them (not just the listed
 * ones). Acknowledged / resolved times are the incidents' own columns
 * (migration 0004, kept by the incidents repository on every status change),
 * so the report and the dashboard count MTTA / MTTR the same way.
 */
import type { Entities, Severity, SourceKind, Status, Via } from '../../../../shared/domain';
import { SEVERITIES, STATUSES, emptyEntities } from '../../../../shared/domain';
import type { Db } from '../database';

/** Statuses that end an incident: MTTR counts up to the change into one of them. */
export const TERMINAL_STATUSES: readonly Status[] = ['resolved', 'closed', 'false_positive'];

export interface ShiftIncident {
  id: string;
  title: string;
  severity: Severity;
  status: Status;
  sourceKind: SourceKind;
  sourceName: string;
  host: string | null;
  category: string | null;
  firstSeen: string;
  lastSeen: string;
  count: number;
  assignee: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  entities: Entities;
}

/** A timeline entry that changed an incident's handling (status or assignee). */
export interface ShiftChange {
  incidentId: string;
  at: string;
  actor: string;
  via: Via;
  action: string;
  detail: string | null;
}

export interface ShiftSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byStatus: Record<Status, number>;
  /** High and critical incidents still new, acknowledged or in progress: what the next shift inherits. */
  openSevere: number;
  /** Incidents with a first status change, and the mean seconds from first sighting to it. */
  acknowledged: number;
  mttaSec: number | null;
  /** Incidents now resolved / closed / false positive, and the mean seconds from first sighting to that. */
  resolved: number;
  mttrSec: number | null;
}

interface IncidentRow {
  id: string;
  title: string;
  severity: string;
  status: string;
  source_kind: string;
  source_name: string;
  host: string | null;
  category: string | null;
  first_seen: string;
  last_seen: string;
  count: number;
  assignee: string | null;
  entities: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
}

interface ChangeRow {
  incident_id: string;
  at: string;
  actor: string;
  via: string;
  action: string;
  detail: string | null;
}

const TERMINAL_SQL = TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ');
// resolved_at is cleared on reopening; the status check keeps a half-written row from counting.
const RESOLVED = `(CASE WHEN i.status IN (${TERMINAL_SQL}) THEN i.resolved_at END)`;

/** Seconds between two ISO times in SQL (julianday reads ISO 8601 with Z or an offset). */
const seconds = (later: string, earlier: string) => `(julianday(${later}) - julianday(${earlier})) * 86400.0`;

function parseEntities(text: string): Entities {
  try {
    return { ...emptyEntities(), ...(JSON.parse(text) as Partial<Entities>) };
  } catch {
    return emptyEntities();
  }
}

export function createReportsRepo(db: Db) {
  const inPeriod = 'i.first_seen >= ? AND i.first_seen < ?';

  const listed = db.prepare<[string, string, number], IncidentRow>(
    `SELECT i.id, i.title, i.severity, i.status, i.source_kind, i.source_name, i.host, i.category,
            i.first_seen, i.last_seen, i.count, i.assignee, i.entities,
            i.acknowledged_at, ${RESOLVED} AS resolved_at
       FROM incidents i WHERE ${inPeriod} ORDER BY i.first_seen, i.id LIMIT ?`,
  );
  const changes = db.prepare<[string, string, number], ChangeRow>(
    `SELECT t.incident_id, t.at, t.actor, t.via, t.action, t.detail FROM timeline_entries t
      WHERE t.incident_id IN (SELECT i.id FROM incidents i WHERE ${inPeriod} ORDER BY i.first_seen, i.id LIMIT ?)
        AND t.action IN ('status_changed', 'assigned', 'unassigned')
      ORDER BY t.incident_id, t.id`,
  );
  const bySeverity = db.prepare<[string, string], { key: string; n: number }>(
    `SELECT i.severity AS key, COUNT(*) AS n FROM incidents i WHERE ${inPeriod} GROUP BY i.severity`,
  );
  const byStatus = db.prepare<[string, string], { key: string; n: number }>(
    `SELECT i.status AS key, COUNT(*) AS n FROM incidents i WHERE ${inPeriod} GROUP BY i.status`,
  );
  const openSevere = db.prepare<[string, string], { n: number }>(
    `SELECT COUNT(*) AS n FROM incidents i WHERE ${inPeriod}
        AND i.severity IN ('high', 'critical') AND i.status IN ('new', 'acknowledged', 'in_progress')`,
  );
  const times = db.prepare<
    [string, string],
    { acknowledged: number; mtta: number | null; resolved: number; mttr: number | null }
  >(
    `SELECT COUNT(ack) AS acknowledged, AVG(${seconds('ack', 'first_seen')}) AS mtta,
            COUNT(res) AS resolved, AVG(${seconds('res', 'first_seen')}) AS mttr
       FROM (SELECT i.first_seen, i.acknowledged_at AS ack, ${RESOLVED} AS res FROM incidents i WHERE ${inPeriod})`,
  );

  return {
    /** Figures over every incident first seen in [from, to); times are ISO strings as stored. */
    summary(from: string, to: string): ShiftSummary {
      const severities = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
      for (const row of bySeverity.all(from, to)) severities[row.key as Severity] = row.n;
      const statuses = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
      for (const row of byStatus.all(from, to)) statuses[row.key as Status] = row.n;
      const t = times.get(from, to)!;
      return {
        total: Object.values(severities).reduce((sum, n) => sum + n, 0),
        bySeverity: severities,
        byStatus: statuses,
        openSevere: openSevere.get(from, to)!.n,
        acknowledged: t.acknowledged,
        mttaSec: t.mtta === null ? null : Math.max(0, t.mtta),
        resolved: t.resolved,
        mttrSec: t.mttr === null ? null : Math.max(0, t.mttr),
      };
    },

    /** The first `limit` incidents first seen in [from, to), oldest first. */
    incidents(from: string, to: string, limit: number): ShiftIncident[] {
      return listed.all(from, to, limit).map((row) => ({
        id: row.id,
        title: row.title,
        severity: row.severity as Severity,
        status: row.status as Status,
        sourceKind: row.source_kind as SourceKind,
        sourceName: row.source_name,
        host: row.host,
        category: row.category,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        count: row.count,
        assignee: row.assignee,
        acknowledgedAt: row.acknowledged_at,
        resolvedAt: row.resolved_at,
        entities: parseEntities(row.entities),
      }));
    },

    /** Status and assignment changes of those same incidents, in order, grouped by incident. */
    changes(from: string, to: string, limit: number): Map<string, ShiftChange[]> {
      const out = new Map<string, ShiftChange[]>();
      for (const row of changes.all(from, to, limit)) {
        const list = out.get(row.incident_id) ?? [];
        list.push({
          incidentId: row.incident_id,
          at: row.at,
          actor: row.actor,
          via: row.via as Via,
          action: row.action,
          detail: row.detail,
        });
        out.set(row.incident_id, list);
      }
      return out;
    },
  };
}

export type ReportsRepo = ReturnType<typeof createReportsRepo>;
