/**
 * The shift report as one self-contained, print-styled HTML document: no
 * script, no external resource (a CSP meta forbids both, so a title that
 * slipped past escaping still could not run or fetch anything), A4 pages.
 * Both PDF engines print this same document, and the HTML download is it too.
 *
 * Pure: the caller reads the data (db/repos/reports-repo.ts) and, when asked,
 * masks it (`maskShiftIncidents`) before rendering. Every value that came
 * from outside (titles, hosts, notes, names) is attacker-controlled text and
 * goes through `esc`.
 */
import type { Status } from '../../../shared/domain';
import { SEVERITIES, severityRank } from '../../../shared/domain';
import { SEVERITY_LABEL, STATUS_LABEL } from '../../../shared/labels';
import type { ShiftChange, ShiftIncident, ShiftSummary } from '../db/repos/reports-repo';
import { formatTime, zoneName } from '../notify/telegram/format';
import { Slicer } from '../slices';
import type { Sanitizer } from '../sanitizer/sanitizer';

/** The most incidents one report lists; the summary still counts all of them. */
export const SHIFT_REPORT_MAX_INCIDENTS = 5_000;
/** High and critical incidents described one by one (the rest of them are still in the table). */
const NOTABLE_MAX = 200;
/** Status changes shown per notable incident (the latest ones). */
const NOTABLE_CHANGES_MAX = 12;

export interface ShiftReportData {
  /** ISO instants of the period [from, to). */
  from: string;
  to: string;
  generatedAt: string;
  /** 'local' or an IANA zone (config ui.timeZone): every time in the report is shown in it. */
  timeZone: string;
  /** Who asked for the report (the caller's actor), or null. */
  generatedBy: string | null;
  version: string;
  summary: ShiftSummary;
  /** Oldest first, at most `limit` of them. */
  incidents: ShiftIncident[];
  changes: Map<string, ShiftChange[]>;
  limit: number;
  /** More incidents were first seen in the period than `incidents` holds. */
  truncated: boolean;
  masked: boolean;
}

const OPEN: readonly Status[] = ['new', 'acknowledged', 'in_progress'];

/** Escapes text for HTML content and double- or single-quoted attributes. */
export function esc(value: string | number | null | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '—';
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${String(s)} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${String(min)} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${String(h)} h ${String(min % 60).padStart(2, '0')} min`;
  return `${String(Math.floor(h / 24))} d ${String(h % 24)} h`;
}

/** A stored status change's detail, "new -> resolved: note", read back. */
export function parseStatusDetail(
  detail: string | null,
): { from: Status | null; to: Status | null; note: string | null } | null {
  if (!detail) return null;
  const match = /^([a-z_]+) -> ([a-z_]+)(?:: ([\s\S]*))?$/.exec(detail);
  if (!match) return null;
  const known = (value: string | undefined) =>
    value !== undefined && value in STATUS_LABEL ? (value as Status) : null;
  return { from: known(match[1]), to: known(match[2]), note: match[3] ?? null };
}

/**
 * Masks what an incident says about the monitored network (titles, hosts,
 * entities, notes) with one pseudonym map for the whole report, so HOST_1 is
 * the same machine in every row. Analysts' names and source names stay.
 */
export async function maskShiftIncidents(
  incidents: ShiftIncident[],
  changes: Map<string, ShiftChange[]>,
  sanitizer: Pick<Sanitizer, 'session'>,
  slicer = new Slicer(),
): Promise<{ incidents: ShiftIncident[]; changes: Map<string, ShiftChange[]> }> {
  const session = sanitizer.session();
  const maskedChanges = new Map<string, ShiftChange[]>();
  const maskedIncidents: ShiftIncident[] = [];
  for (const incident of incidents) {
    const own = changes.get(incident.id) ?? [];
    const value = session.mask(
      {
        title: incident.title,
        host: incident.host,
        entities: incident.entities,
        details: own.map((change) => change.detail),
      },
      incident.entities,
    );
    maskedChanges.set(
      incident.id,
      own.map((change, i) => ({ ...change, detail: value.details[i] ?? null })),
    );
    maskedIncidents.push({ ...incident, title: value.title, host: value.host, entities: value.entities });
    await slicer.pause();
  }
  return { incidents: maskedIncidents, changes: maskedChanges };
}

function sinceFirstSeen(incident: ShiftIncident, at: string | null): string {
  if (!at) return '';
  const sec = (Date.parse(at) - Date.parse(incident.firstSeen)) / 1000;
  return Number.isFinite(sec) ? ` (+${formatDuration(sec)})` : '';
}

/** The change that resolved the incident: the last one out of an unresolved status (a later relabel keeps it). */
function resolution(incident: ShiftIncident, changes: ShiftChange[]): ShiftChange | null {
  if (OPEN.includes(incident.status)) return null;
  for (let i = changes.length - 1; i >= 0; i -= 1) {
    const change = changes[i]!;
    if (change.action !== 'status_changed') continue;
    const from = parseStatusDetail(change.detail)?.from;
    if (from && OPEN.includes(from)) return change;
  }
  return null;
}

function outcomeClass(status: Status): string {
  return OPEN.includes(status) ? 'open' : status === 'false_positive' ? 'fp' : 'done';
}

/** One history line; the detail formats are those IncidentActions writes. */
function changeLine(change: ShiftChange, time: (iso: string) => string): string {
  let what: string;
  if (change.action === 'status_changed') {
    const status = parseStatusDetail(change.detail);
    what = status
      ? `${esc(status.from ? STATUS_LABEL[status.from] : '?')} → <strong>${esc(
          status.to ? STATUS_LABEL[status.to] : '?',
        )}</strong>${status.note ? ` — ${esc(status.note)}` : ''}`
      : `Status: ${esc(change.detail)}`;
  } else if (change.action === 'assigned') {
    const [from, to] = (change.detail ?? '').split(' -> ');
    what =
      to !== undefined
        ? `Reassigned from ${esc(from)} to <strong>${esc(to)}</strong>`
        : `Assigned to <strong>${esc(from)}</strong>`;
  } else if (change.action === 'unassigned') {
    what = `Unassigned${change.detail ? ` (was ${esc(change.detail)})` : ''}`;
  } else {
    what = `${esc(change.action.replace(/_/g, ' '))}${change.detail ? `: ${esc(change.detail)}` : ''}`;
  }
  return `<li><span class="mono">${esc(time(change.at))}</span> ${what} <span class="muted">by ${esc(
    change.actor,
  )} (${esc(change.via)})</span></li>`;
}

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #111; font: 9.5pt/1.35 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
h1 { margin: 0 0 2mm; font-size: 17pt; }
h2 { margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1px solid #999; font-size: 12pt; }
h3 { margin: 0 0 1mm; font-size: 10pt; }
p { margin: 1mm 0; }
.muted { color: #555; }
.mono { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8.5pt; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 4mm; margin: 2mm 0 0; }
.meta dt { color: #555; }
.meta dd { margin: 0; }
.note { margin: 3mm 0; padding: 2mm 3mm; border-left: 3px solid #b58900; background: #fdf6e3; }
.figures { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0; }
.figure { min-width: 28mm; padding: 2mm 3mm; border: 1px solid #ccc; border-radius: 2mm; }
.figure b { display: block; font-size: 14pt; }
.figure span { color: #555; font-size: 8.5pt; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 1mm 1.5mm; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #eee; font-size: 8.5pt; }
td.num, th.num { text-align: right; }
.counts { width: auto; min-width: 70mm; }
.side { display: flex; flex-wrap: wrap; gap: 8mm; }
.sev { display: inline-block; padding: 0 1.5mm; border-radius: 1mm; color: #fff; font-size: 8pt; font-weight: bold; }
.sev-critical { background: #b00020; }
.sev-high { background: #d9480f; }
.sev-medium { background: #b08800; }
.sev-low { background: #1c7ed6; }
.sev-info { background: #6c757d; }
.outcome-open { color: #b00020; font-weight: bold; }
.outcome-done { color: #2b8a3e; }
.outcome-fp { color: #555; }
.title { word-break: break-word; }
.notable { margin: 0 0 3mm; padding: 2mm 3mm; border: 1px solid #ccc; border-radius: 2mm; break-inside: avoid; }
.notable ul { margin: 1mm 0 0; padding-left: 5mm; }
footer { margin-top: 6mm; color: #555; font-size: 8pt; }
`;

/** The report as an HTML document (UTF-8), built in slices (5,000 rows are a few hundred ms of work). */
export async function renderShiftReport(data: ShiftReportData, slicer = new Slicer()): Promise<string> {
  const zone = zoneName(data.timeZone);
  const time = (iso: string) => formatTime(iso, data.timeZone);
  const short = (iso: string) => time(iso).slice(0, 16);
  const { summary } = data;
  const hours = (Date.parse(data.to) - Date.parse(data.from)) / 3_600_000;
  const open = summary.byStatus.new + summary.byStatus.acknowledged + summary.byStatus.in_progress;
  const listed = data.incidents.length;

  const header = `
<header>
  <h1>Shift report</h1>
  <dl class="meta">
    <dt>Period</dt><dd data-field="period">${esc(short(data.from))} – ${esc(short(data.to))} ${esc(zone)} (${esc(
      formatDuration(hours * 3600),
    )})</dd>
    <dt>Generated</dt><dd>${esc(time(data.generatedAt))} ${esc(zone)}${
      data.generatedBy ? ` by ${esc(data.generatedBy)}` : ''
    }</dd>
    <dt>Time zone</dt><dd>${esc(zone)}</dd>
    <dt>Values</dt><dd>${
      data.masked
        ? 'Masked: hosts, users, addresses and paths are replaced by placeholders (HOST_1, USER_2 …)'
        : 'Real values'
    }</dd>
  </dl>
</header>`;

  const truncation = data.truncated
    ? `<p class="note" data-field="truncated">${esc(summary.total)} incidents were first seen in this period; the table lists the first ${esc(
        listed,
      )} (a report holds at most ${esc(data.limit)}). The figures above count all of them. Choose a shorter period for a complete list.</p>`
    : '';

  const severityRows = [...SEVERITIES]
    .reverse()
    .map(
      (s) =>
        `<tr><td><span class="sev sev-${s}">${esc(SEVERITY_LABEL[s])}</span></td><td class="num">${esc(
          summary.bySeverity[s],
        )}</td></tr>`,
    )
    .join('');
  const outcomeRows = [
    [
      'Open',
      open,
      `new ${String(summary.byStatus.new)}, acknowledged ${String(summary.byStatus.acknowledged)}, in progress ${String(summary.byStatus.in_progress)}`,
    ],
    ['Resolved', summary.byStatus.resolved, ''],
    ['Closed', summary.byStatus.closed, ''],
    ['False positive', summary.byStatus.false_positive, ''],
  ]
    .map(
      ([label, n, note]) =>
        `<tr><td>${esc(label)}${note ? ` <span class="muted">(${esc(note)})</span>` : ''}</td><td class="num">${esc(
          n,
        )}</td></tr>`,
    )
    .join('');

  const summaryHtml = `
<section>
  <h2>Summary</h2>
  <div class="figures">
    <div class="figure" data-field="total"><b>${esc(summary.total)}</b><span>incidents first seen</span></div>
    <div class="figure" data-field="open"><b>${esc(open)}</b><span>still open</span></div>
    <div class="figure" data-field="open-severe"><b>${esc(summary.openSevere)}</b><span>high or critical still open</span></div>
    <div class="figure" data-field="mtta"><b>${esc(formatDuration(summary.mttaSec))}</b><span>mean time to acknowledge (${esc(
      summary.acknowledged,
    )} acknowledged)</span></div>
    <div class="figure" data-field="mttr"><b>${esc(formatDuration(summary.mttrSec))}</b><span>mean time to resolve (${esc(
      summary.resolved,
    )} resolved)</span></div>
  </div>
  <p class="muted">Times to acknowledge and resolve run from an incident's first sighting to its first status change and to the change that resolved, closed or dismissed it.</p>
  <div class="side">
    <table class="counts" data-table="severity"><thead><tr><th>Severity</th><th class="num">Incidents</th></tr></thead><tbody>${severityRows}</tbody></table>
    <table class="counts" data-table="outcome"><thead><tr><th>Outcome</th><th class="num">Incidents</th></tr></thead><tbody>${outcomeRows}</tbody></table>
  </div>
</section>`;

  // What the next shift inherits first: open before handled, critical before high, then oldest first.
  const notable = data.incidents
    .filter((i) => i.severity === 'critical' || i.severity === 'high')
    .map((incident, order) => ({ incident, order }))
    .sort(
      (a, b) =>
        Number(!OPEN.includes(a.incident.status)) - Number(!OPEN.includes(b.incident.status)) ||
        severityRank(b.incident.severity) - severityRank(a.incident.severity) ||
        a.order - b.order,
    )
    .map(({ incident }) => incident);
  const notableHtml =
    notable.length === 0
      ? '<p class="muted">No high or critical incidents in this period.</p>'
      : notable
          .slice(0, NOTABLE_MAX)
          .map((incident) => {
            const changes = data.changes.get(incident.id) ?? [];
            const shown = changes.slice(-NOTABLE_CHANGES_MAX);
            const facts = [
              incident.host ? `host ${esc(incident.host)}` : '',
              `${esc(incident.sourceName)} (${esc(incident.sourceKind)})`,
              `first seen ${esc(time(incident.firstSeen))}`,
              incident.count > 1 ? `${esc(incident.count)} events, last ${esc(time(incident.lastSeen))}` : '',
              incident.assignee ? `assigned to ${esc(incident.assignee)}` : 'unassigned',
            ].filter(Boolean);
            return `<div class="notable" data-incident="${esc(incident.id)}">
  <h3><span class="sev sev-${incident.severity}">${esc(SEVERITY_LABEL[incident.severity])}</span> <span class="title">${esc(
    incident.title,
  )}</span></h3>
  <p class="muted">${facts.join(' · ')} · <span class="mono">${esc(incident.id)}</span></p>
  <p>Outcome: <span class="outcome-${outcomeClass(incident.status)}">${esc(STATUS_LABEL[incident.status])}</span></p>
  ${
    shown.length > 0
      ? `<ul>${changes.length > shown.length ? `<li class="muted">${esc(changes.length - shown.length)} earlier changes not shown</li>` : ''}${shown
          .map((change) => changeLine(change, time))
          .join('')}</ul>`
      : '<p class="muted">No status change yet.</p>'
  }
</div>`;
          })
          .join('\n') +
        (notable.length > NOTABLE_MAX
          ? `<p class="muted">${esc(notable.length - NOTABLE_MAX)} more high or critical incidents are in the table below.</p>`
          : '');

  function incidentRow(incident: ShiftIncident): string {
    const changes = data.changes.get(incident.id) ?? [];
    const end = resolution(incident, changes);
    const resolvedAt = incident.resolvedAt ?? end?.at ?? null;
    const ack = incident.acknowledgedAt;
    return `<tr data-incident="${esc(incident.id)}">
<td class="mono">${esc(short(incident.firstSeen))}</td>
<td><span class="sev sev-${incident.severity}">${esc(SEVERITY_LABEL[incident.severity])}</span></td>
<td><span class="title">${esc(incident.title)}</span>${
      incident.host ? `<br><span class="muted">${esc(incident.host)}</span>` : ''
    }<br><span class="muted">${esc(incident.sourceName)}</span></td>
<td class="num">${esc(incident.count)}</td>
<td class="outcome-${outcomeClass(incident.status)}">${esc(STATUS_LABEL[incident.status])}</td>
<td>${incident.assignee ? esc(incident.assignee) : '<span class="muted">—</span>'}</td>
<td>${ack ? `<span class="mono">${esc(short(ack))}</span>${esc(sinceFirstSeen(incident, ack))}` : '<span class="muted">—</span>'}</td>
<td>${
      resolvedAt
        ? `<span class="mono">${esc(short(resolvedAt))}</span>${esc(sinceFirstSeen(incident, resolvedAt))}${
            end ? `<br><span class="muted">by ${esc(end.actor)}</span>` : ''
          }`
        : '<span class="muted">—</span>'
    }</td>
</tr>`;
  }
  const rowHtml: string[] = [];
  for (const incident of data.incidents) {
    rowHtml.push(incidentRow(incident));
    await slicer.pause();
  }
  const rows = rowHtml.join('\n');

  const tableHtml =
    listed === 0
      ? '<p class="muted" data-field="empty">No incidents were first seen in this period.</p>'
      : `<table data-table="incidents">
<thead><tr><th>First seen</th><th>Severity</th><th>Incident</th><th class="num">Events</th><th>Outcome</th><th>Assignee</th><th>Acknowledged</th><th>Resolved</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="Vigil ${esc(data.version)}">
<title>Vigil shift report ${esc(short(data.from))} – ${esc(short(data.to))}</title>
<style>${STYLE}</style>
</head>
<body>
${header}
${summaryHtml}
<section>
  <h2>Notable incidents (high and critical)</h2>
  ${notableHtml}
</section>
<section>
  <h2>Incidents</h2>
  ${truncation}
  ${tableHtml}
</section>
<footer>Vigil ${esc(data.version)} · ${esc(summary.total)} incidents first seen in the period, ${esc(listed)} listed · times in ${esc(zone)}</footer>
</body>
</html>
`;
}
