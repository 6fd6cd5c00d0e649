/**
 * SQL for the dashboard: counts, hourly arrivals, top entities and response
 * times over a window of time. Each figure reads an index made for it
 * (migration 0004): counts by severity and status walk the last_seen index,
 * which carries both; arrivals per hour walk first_seen; MTTA and MTTR read
 * the partial indexes on acknowledged_at and resolved_at. Only the top hosts,
 * IPs and titles read incident rows, for the incidents in the window.
 *
 * A long window is read in ranges of about `chunkRows` incidents of each
 * index, the figures of each range added up, with `pause` awaited between
 * ranges: 30 days of 100k incidents took 0.7 s in one go, time in which no
 * webhook, poll or click was served. Every incident falls in exactly one range
 * of each index (ranges are half-open on the indexed time), so nothing is
 * counted twice.
 */
import type { Severity, Status } from '../../../../shared/domain';
import { SEVERITIES, STATUSES, severityRank } from '../../../../shared/domain';
import type { DashboardStats } from '../../../../shared/ipc/contract';
import type { Db } from '../database';

/** How many hosts, IPs and titles the top lists hold. */
export const TOP_N = 10;

const HOUR_MS = 3_600_000;
const CRITICAL = severityRank('critical');
/** Incidents per range: a few milliseconds of each query. */
const CHUNK_ROWS = 1_000;

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** The column a figure ranges over and the index that orders it. */
interface Key {
  column: 'last_seen' | 'first_seen' | 'acknowledged_at' | 'resolved_at';
  index: string;
}
const LAST_SEEN: Key = { column: 'last_seen', index: 'incidents_by_last_seen' };
const FIRST_SEEN: Key = { column: 'first_seen', index: 'incidents_by_first_seen' };
const ACKNOWLEDGED: Key = { column: 'acknowledged_at', index: 'incidents_acknowledged' };
const RESOLVED: Key = { column: 'resolved_at', index: 'incidents_resolved' };

type Counted = { value: string; n: number };

function addTo(totals: Map<string, number>, rows: readonly Counted[]): void {
  for (const row of rows) totals.set(row.value, (totals.get(row.value) ?? 0) + row.n);
}

/** A trailing " on WS-FIN-01" / " from 10.0.0.5" / " by svc-01": a machine, address or account. */
const TRAILING_SUBJECT = / (?:on|from|by) ([^\s]+)$/;

/**
 * What an incident's title says happened, without the host, address or
 * account it ends on: "Outbound connection to known C2 on ws-01" and "… on
 * ws-02" are one rule. Titles name their subject that way (the mappers and
 * the detection rules); only a name with a digit, dot, colon or hyphen is
 * taken for one, so "Logon from Tor" stays whole.
 */
export function ruleOf(title: string): string {
  let rule = title;
  for (let strips = 0; strips < 3; strips++) {
    const subject = TRAILING_SUBJECT.exec(rule);
    if (!subject || subject.index === 0 || !/[\d.:-]/.test(subject[1]!)) break;
    rule = rule.slice(0, subject.index);
  }
  return rule;
}

/** The `TOP_N` largest counts, ties by value. */
function topOf(totals: Map<string, number>): { value: string; count: number }[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, TOP_N)
    .map(([value, count]) => ({ value, count }));
}

export interface DashboardOptions {
  /** Incidents per range (tests make it small to exercise the adding up). */
  chunkRows?: number;
}

export function createDashboardRepo(db: Db, options: DashboardOptions = {}) {
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;
  const boundaries = new Map(
    [LAST_SEEN, FIRST_SEEN, ACKNOWLEDGED, RESOLVED].map((key) => [
      key,
      {
        // The time `chunkRows` incidents into [from, to): where the next range starts.
        nth: db
          .prepare<[string, string, number], string>(
            `SELECT ${key.column} FROM incidents INDEXED BY ${key.index}
             WHERE ${key.column} >= ? AND ${key.column} < ? ORDER BY ${key.column} LIMIT 1 OFFSET ?`,
          )
          .pluck(),
        // The next later time (when more than chunkRows incidents share one).
        after: db
          .prepare<[string, string], string | null>(
            `SELECT min(${key.column}) FROM incidents INDEXED BY ${key.index}
             WHERE ${key.column} > ? AND ${key.column} < ?`,
          )
          .pluck(),
      },
    ]),
  );

  /** Consecutive half-open ranges covering [from, to), each with about chunkRows incidents of `key`. */
  function* ranges(key: Key, from: string, to: string): Generator<[string, string]> {
    const bounds = boundaries.get(key)!;
    let start = from;
    while (start < to) {
      let end = bounds.nth.get(start, to, chunkRows) ?? to;
      if (end === start) end = bounds.after.get(start, to) ?? to;
      yield [start, end];
      start = end;
    }
  }

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
  const entityCounts = (path: string) =>
    db.prepare<[string, string], Counted>(`
      SELECT value, count(*) AS n FROM (
        SELECT DISTINCT i.rowid AS incident, e.value AS value
        FROM incidents i INDEXED BY incidents_by_last_seen, json_each(i.entities, '${path}') e
        WHERE i.last_seen >= ? AND i.last_seen < ? AND e.type = 'text' AND e.value <> '')
      GROUP BY value`);
  const hostCounts = entityCounts('$.hosts');
  const ipCounts = entityCounts('$.ips');
  const titleCounts = db.prepare<[string, string], Counted>(`
    SELECT title AS value, count(*) AS n FROM incidents INDEXED BY incidents_by_last_seen
    WHERE last_seen >= ? AND last_seen < ? GROUP BY title`);
  const seconds = (later: string) => `(unixepoch(${later}, 'subsec') - unixepoch(first_seen, 'subsec'))`;
  const responseTime = (key: Key) =>
    db.prepare<[string, string], { n: number; total: number | null }>(`
      SELECT count(*) AS n, sum(${seconds(key.column)}) AS total FROM incidents INDEXED BY ${key.index}
      WHERE ${key.column} >= ? AND ${key.column} < ?`);
  const mtta = responseTime(ACKNOWLEDGED);
  const mttr = responseTime(RESOLVED);

  return {
    /**
     * The figures for the `hours` hours ending at `nowMs`. Counts, top lists
     * and response times cover incidents last seen (acknowledged, resolved)
     * in [now - hours, now); the hourly series has one bucket per clock hour,
     * the current one last, `hours` of them, by first sighting. `pause` is
     * awaited between ranges (the caller lets other work run there).
     */
    async stats(nowMs: number, hours: number, pause: () => Promise<void>): Promise<DashboardStats> {
      const from = new Date(nowMs - hours * HOUR_MS).toISOString();
      const to = new Date(nowMs).toISOString();
      const bySeverity = zeros(SEVERITIES);
      const byStatus = zeros(STATUSES);
      let total = 0;
      const hosts = new Map<string, number>();
      const ips = new Map<string, number>();
      // Counted by rule: the title without the host or address it ends on (`ruleOf`).
      const titles = new Map<string, number>();
      for (const [start, end] of ranges(LAST_SEEN, from, to)) {
        for (const row of bySeverityStatus.all(start, end)) {
          const severity: Severity | undefined = SEVERITIES[row.severity_rank];
          if (severity) bySeverity[severity] += row.n;
          if ((STATUSES as readonly string[]).includes(row.status)) byStatus[row.status as Status] += row.n;
          total += row.n;
        }
        addTo(hosts, hostCounts.all(start, end));
        addTo(ips, ipCounts.all(start, end));
        addTo(
          titles,
          titleCounts.all(start, end).map((row) => ({ value: ruleOf(row.value), n: row.n })),
        );
        await pause();
      }

      const firstHour = Math.floor(nowMs / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
      const buckets = new Map<string, { n: number; critical: number }>();
      const hourFrom = new Date(firstHour).toISOString();
      const hourTo = new Date(firstHour + hours * HOUR_MS).toISOString();
      for (const [start, end] of ranges(FIRST_SEEN, hourFrom, hourTo)) {
        for (const row of perHour.all(start, end)) {
          const bucket = buckets.get(row.hour);
          buckets.set(row.hour, {
            n: (bucket?.n ?? 0) + row.n,
            critical: (bucket?.critical ?? 0) + row.critical,
          });
        }
        await pause();
      }
      const series: DashboardStats['perHour'] = [];
      for (let i = 0; i < hours; i++) {
        const hour = new Date(firstHour + i * HOUR_MS).toISOString();
        const bucket = buckets.get(hour.slice(0, 13));
        series.push({ hour, total: bucket?.n ?? 0, critical: bucket?.critical ?? 0 });
      }

      /** Count and mean seconds over the ranges of `key`. */
      const meanOver = async (key: Key, statement: typeof mtta) => {
        let n = 0;
        let sum = 0;
        for (const [start, end] of ranges(key, from, to)) {
          const row = statement.get(start, end);
          n += row?.n ?? 0;
          sum += row?.total ?? 0;
          await pause();
        }
        return { n, mean: n > 0 ? sum / n : null };
      };
      const acknowledged = await meanOver(ACKNOWLEDGED, mtta);
      const resolved = await meanOver(RESOLVED, mttr);
      return {
        from,
        to,
        total,
        bySeverity,
        byStatus,
        perHour: series,
        topHosts: topOf(hosts),
        topIps: topOf(ips),
        topRules: topOf(titles),
        mttaSec: acknowledged.mean,
        mttrSec: resolved.mean,
        acknowledged: acknowledged.n,
        resolved: resolved.n,
      };
    },
  };
}

export type DashboardRepo = ReturnType<typeof createDashboardRepo>;
