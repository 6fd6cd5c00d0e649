/**
 * SQL for the dashboard: counts, hourly arrivals, top entities and response
 * times over a window of time. Each figure reads an index made for it
 * (migration 0004): counts by severity and status walk the last_seen index,
 * which carries both; arrivals per hour walk first_seen; MTTA and MTTR read
 * the partial indexes on acknowledged_at and resolved_at. Only the top hosts
 * and IPs read incident rows (their entities), for the incidents in the window.
 */
import type { Severity, Status } from '../../../../shared/domain';
import { SEVERITIES, STATUSES, severityRank } from '../../../../shared/domain';
import type { DashboardStats } from '../../../../shared/ipc/contract';
import type { Db } from '../database';

/** How many hosts, IPs and titles the top lists hold. */
export const TOP_N = 10;

const HOUR_MS = 3_600_000;
const CRITICAL = severityRank('critical');

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function createDashboardRepo(db: Db) {
  const bySeverityStatus = db.prepare<
    [string, string],
    { severity_rank: number; status: string; n: number }
  >(`
    SELECT severity_rank, status, count(*) AS n FROM incidents INDEXED BY incidents_by_last_seen
    WHERE last_seen >= ? AND last_seen < ? GROUP BY severity_rank, status`);
  const perHour = db.prepare<[string, string], { hour: string; n: number; critical: number }>(`
    SELECT substr(first_seen, 1, 13) AS hour, count(*) AS n, sum(severity_rank = ${CRITICAL}) AS critical
    FROM incidents INDEXED BY incidents_by_first_seen
    WHERE first_seen >= ? AND first_seen < ? GROUP BY hour`);
  // An incident naming a value twice counts once: distinct (incident, value) pairs, then grouped
  // (cheaper than count(DISTINCT) per value).
  const topEntity = (path: string) =>
    db.prepare<[string, string, number], { value: string; n: number }>(`
      SELECT value, count(*) AS n FROM (
        SELECT DISTINCT i.rowid AS incident, e.value AS value
        FROM incidents i INDEXED BY incidents_by_last_seen, json_each(i.entities, '${path}') e
        WHERE i.last_seen >= ? AND i.last_seen < ? AND e.type = 'text' AND e.value <> '')
      GROUP BY value ORDER BY n DESC, value LIMIT ?`);
  const topHosts = topEntity('$.hosts');
  const topIps = topEntity('$.ips');
  const topTitles = db.prepare<[string, string, number], { value: string; n: number }>(`
    SELECT title AS value, count(*) AS n FROM incidents INDEXED BY incidents_by_last_seen
    WHERE last_seen >= ? AND last_seen < ? GROUP BY title ORDER BY n DESC, title LIMIT ?`);
  const seconds = (later: string) => `(unixepoch(${later}, 'subsec') - unixepoch(first_seen, 'subsec'))`;
  const mtta = db.prepare<[string, string], { n: number; mean: number | null }>(`
    SELECT count(*) AS n, avg(${seconds('acknowledged_at')}) AS mean FROM incidents INDEXED BY incidents_acknowledged
    WHERE acknowledged_at >= ? AND acknowledged_at < ?`);
  const mttr = db.prepare<[string, string], { n: number; mean: number | null }>(`
    SELECT count(*) AS n, avg(${seconds('resolved_at')}) AS mean FROM incidents INDEXED BY incidents_resolved
    WHERE resolved_at >= ? AND resolved_at < ?`);

  return {
    /**
     * The figures for the `hours` hours ending at `nowMs`. Counts, top lists
     * and response times cover incidents last seen (acknowledged, resolved)
     * in [now - hours, now); the hourly series has one bucket per clock hour,
     * the current one last, `hours` of them, by first sighting.
     */
    stats(nowMs: number, hours: number): DashboardStats {
      const from = new Date(nowMs - hours * HOUR_MS).toISOString();
      const to = new Date(nowMs).toISOString();
      const bySeverity = zeros(SEVERITIES);
      const byStatus = zeros(STATUSES);
      let total = 0;
      for (const row of bySeverityStatus.all(from, to)) {
        const severity: Severity | undefined = SEVERITIES[row.severity_rank];
        if (severity) bySeverity[severity] += row.n;
        if ((STATUSES as readonly string[]).includes(row.status)) byStatus[row.status as Status] += row.n;
        total += row.n;
      }

      const firstHour = Math.floor(nowMs / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
      const buckets = new Map<string, { n: number; critical: number }>();
      const hourFrom = new Date(firstHour).toISOString();
      const hourTo = new Date(firstHour + hours * HOUR_MS).toISOString();
      for (const row of perHour.all(hourFrom, hourTo)) buckets.set(row.hour, row);
      const series: DashboardStats['perHour'] = [];
      for (let i = 0; i < hours; i++) {
        const hour = new Date(firstHour + i * HOUR_MS).toISOString();
        const bucket = buckets.get(hour.slice(0, 13));
        series.push({ hour, total: bucket?.n ?? 0, critical: bucket?.critical ?? 0 });
      }

      const top = (rows: { value: string; n: number }[]) => rows.map((r) => ({ value: r.value, count: r.n }));
      const acknowledged = mtta.get(from, to);
      const resolved = mttr.get(from, to);
      return {
        from,
        to,
        total,
        bySeverity,
        byStatus,
        perHour: series,
        topHosts: top(topHosts.all(from, to, TOP_N)),
        topIps: top(topIps.all(from, to, TOP_N)),
        topRules: top(topTitles.all(from, to, TOP_N)),
        mttaSec: acknowledged?.n ? (acknowledged.mean ?? null) : null,
        mttrSec: resolved?.n ? (resolved.mean ?? null) : null,
        acknowledged: acknowledged?.n ?? 0,
        resolved: resolved?.n ?? 0,
      };
    },
  };
}

export type DashboardRepo = ReturnType<typeof createDashboardRepo>;
