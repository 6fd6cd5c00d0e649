/** Incident list, triage (assign, bulk), dashboard figures and CSV / JSON export. */
import type { Incident } from '../../../shared/domain';
import type { ExportFile, IncidentQuery } from '../../../shared/ipc/contract';
import { EXPORT_MAX_ROWS } from '../../../shared/ipc/contract';
import { readSnapshot } from '../db/database';
import { createDashboardRepo } from '../db/repos/dashboard-repo';
import { createIncidentsRepo, cursorAfter } from '../db/repos/incidents-repo';
import type { MaskSession } from '../sanitizer/sanitizer';
import type { HandlerDeps } from './handlers';
import type { Handlers } from './dispatcher';
import { Slicer, nextTurn } from '../slices';
import { decodeCursor, encodeCursor } from './cursor';

type IncidentMethods =
  'incidents.list' | 'incidents.assign' | 'incidents.bulkUpdate' | 'incidents.export' | 'dashboard.stats';

/** The CSV columns, in order: one row per incident, lists joined with "; ". */
const CSV_COLUMNS: [string, (incident: Incident) => string | number | null][] = [
  ['id', (i) => i.id],
  ['title', (i) => i.title],
  ['severity', (i) => i.severity],
  ['status', (i) => i.status],
  ['assignee', (i) => i.assignee],
  ['source_kind', (i) => i.source.kind],
  ['source_id', (i) => i.source.id],
  ['source_name', (i) => i.source.name],
  ['first_seen', (i) => i.firstSeen],
  ['last_seen', (i) => i.lastSeen],
  ['count', (i) => i.count],
  ['category', (i) => i.category],
  ['hosts', (i) => i.entities.hosts.join('; ')],
  ['ips', (i) => i.entities.ips.join('; ')],
  ['users', (i) => i.entities.users.join('; ')],
  ['tags', (i) => i.tags.join('; ')],
  ['mitre_techniques', (i) => i.mitre.techniques.join('; ')],
  ['vendor_id', (i) => i.vendorId],
  ['vendor_status', (i) => i.vendorStatus],
  ['console_url', (i) => i.consoleUrl],
  ['description', (i) => i.description],
];

/**
 * One CSV field (RFC 4180). A spreadsheet would run a cell that starts with
 * = + - @ (or a tab / carriage return before one) as a formula, and incident
 * text comes from outside: such a cell gets a leading apostrophe, which
 * spreadsheets show as text and never evaluate.
 */
export function csvField(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(values: (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * vigil-incidents-2026-11-21T1000Z.csv: the UTC minute of the export, safe in
 * every file system; a masked one ends -masked, so it is never taken for (or
 * saved over) the real-valued file.
 */
function exportName(nowMs: number, extension: string, masked: boolean): string {
  const iso = new Date(nowMs).toISOString();
  const stamp = `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  return `vigil-incidents-${stamp}${masked ? '-masked' : ''}.${extension}`;
}

/** What these handlers use of the core. */
export type IncidentHandlerDeps = Pick<
  HandlerDeps,
  'db' | 'openReader' | 'clock' | 'incidents' | 'actions' | 'masker' | 'bus'
>;

/** Least time between two progress events of one export. */
const EXPORT_PROGRESS_MS = 250;

export function createIncidentHandlers(deps: IncidentHandlerDeps): Pick<Handlers, IncidentMethods> {
  const dashboard = createDashboardRepo(deps.db);
  // A masked export is for sharing outside: masked whatever sanitizer.enabled says.
  const { masker } = deps;
  /**
   * An incident masked with its own entities seeded, in the export's session
   * (a host is HOST_3 on every row that names it); the source (Vigil's own
   * config) kept.
   */
  const maskIncident = (session: MaskSession, incident: Incident): Incident => {
    const { source, ...rest } = incident;
    return { ...session.mask({ incident: rest }, incident.entities).incident, source };
  };

  return {
    'incidents.list': ({ limit, cursor, ...query }) => {
      const position = cursor ? decodeCursor(cursor, query) : undefined;
      const page = deps.incidents.list({
        ...query,
        limit,
        cursor: position?.after,
        carry: position?.carry,
      });
      const last = page.items.at(-1);
      return {
        items: page.items,
        total: page.total,
        totalCapped: page.totalCapped,
        nextCursor:
          page.hasMore && last
            ? encodeCursor(query, cursorAfter(query.sort ?? 'lastSeen', last), page.carry)
            : null,
      };
    },

    'incidents.assign': ({ id, assignee }, ctx) => deps.actions.assign(id, assignee, ctx),

    'incidents.bulkUpdate': ({ ids, status, assignee, note }, ctx) =>
      deps.actions.bulkUpdate(ids, { status, assignee, note }, ctx),

    'incidents.export': ({ format, masked, progressId, ...query }) =>
      // One read snapshot for the whole export: incidents that change while it runs (a duplicate
      // moving one to the top of the sort) are neither skipped nor written twice.
      readSnapshot(deps.db, deps.openReader, async (db): Promise<ExportFile> => {
        const incidents = db === deps.db ? deps.incidents : createIncidentsRepo(db);
        const filters: IncidentQuery = query;
        const nowMs = deps.clock.now();
        const total = progressId
          ? Math.min(incidents.list({ ...filters, limit: 1 }).total, EXPORT_MAX_ROWS)
          : 0;
        const report = (rows: number) => {
          if (progressId) deps.bus.emit('incidents.exportProgress', { progressId, rows, total });
        };
        const chunks: string[] = [];
        let rows = 0;
        let truncated = false;
        // A masked export of 100k incidents is ~10 s of work: in slices, not one block.
        const slicer = new Slicer();
        const session = masked ? masker.session() : null;
        let reportedAt = performance.now();
        if (format === 'csv') chunks.push(csvLine(CSV_COLUMNS.map(([name]) => name)));
        for (const found of incidents.iterate(filters, EXPORT_MAX_ROWS + 1)) {
          if (rows === EXPORT_MAX_ROWS) {
            truncated = true;
            break;
          }
          // Even with real values, a victim's credential seen in the telemetry never leaves in a file.
          const incident = session ? maskIncident(session, found) : masker.redactSecrets(found);
          chunks.push(
            format === 'csv'
              ? csvLine(CSV_COLUMNS.map(([, read]) => read(incident)))
              : `${rows === 0 ? '' : ',\n'}${JSON.stringify(incident)}`,
          );
          rows++;
          if (performance.now() - reportedAt >= EXPORT_PROGRESS_MS) {
            report(rows);
            reportedAt = performance.now();
          }
          await slicer.pause();
        }
        report(rows);
        const content =
          format === 'csv' ? chunks.join('') : `[${rows === 0 ? '' : '\n'}${chunks.join('')}\n]\n`;
        return {
          filename: exportName(nowMs, format, masked === true),
          mimeType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
          content,
          encoding: 'utf8',
          rows,
          truncated,
        };
      }),

    // In slices from one snapshot: a long window over many incidents is seconds of reading.
    'dashboard.stats': ({ hours }) =>
      readSnapshot(deps.db, deps.openReader, (db) =>
        (db === deps.db ? dashboard : createDashboardRepo(db)).stats(deps.clock.now(), hours, nextTurn),
      ),
  };
}
