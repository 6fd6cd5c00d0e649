/**
 * The shift report from real SQLite data: incidents ingested and handled
 * through the real Ingestor and IncidentActions on a moved clock, read by the
 * reports repository and rendered to HTML. Checks what is listed, the
 * figures (MTTA / MTTR from the acknowledged / resolved times the incidents
 * repository keeps), that outside text cannot become markup, masking and
 * truncation.
 */
import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../electron/core/clock';
import type { Db } from '../../electron/core/db/database';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createRawEventsRepo } from '../../electron/core/db/repos/raw-events-repo';
import { createReportsRepo } from '../../electron/core/db/repos/reports-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { EventBus } from '../../electron/core/event-bus';
import { createIdGenerator } from '../../electron/core/ids';
import { IncidentActions } from '../../electron/core/incidents/incident-actions';
import { Ingestor } from '../../electron/core/ingest/ingestor';
import { silentLogger } from '../../electron/core/logger';
import {
  esc,
  formatDuration,
  maskShiftIncidents,
  parseStatusDetail,
  renderShiftReport,
} from '../../electron/core/reports/shift-report';
import type { ShiftReportData } from '../../electron/core/reports/shift-report';
import { Sanitizer } from '../../electron/core/sanitizer/sanitizer';
import type { Severity, Status } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { normalizedFixture } from '../helpers/incidents';
import { memoryDb } from '../helpers/test-db';

const MIN = 60_000;
const SHIFT_FROM = '2026-03-02T08:00:00.000Z';
const SHIFT_TO = '2026-03-02T20:00:00.000Z';

function world(db: Db = memoryDb()) {
  const clock = new ManualClock(Date.parse('2026-03-02T07:00:00Z'));
  const incidents = createIncidentsRepo(db);
  const timeline = createTimelineRepo(db);
  const bus = new EventBus();
  const ingestor = new Ingestor({
    db,
    incidents,
    rawEvents: createRawEventsRepo(db),
    timeline,
    ids: createIdGenerator(clock),
    clock,
    bus,
    dedupWindowSec: () => 0,
    onCountsChanged: () => undefined,
  });
  const actions = new IncidentActions({
    db,
    incidents,
    timeline,
    bus,
    clock,
    logger: silentLogger,
    onCountsChanged: () => undefined,
    writeBack: () => null,
  });
  let n = 0;
  const raise = (title: string, severity: Severity, host = `ws-${String(n)}`) => {
    n += 1;
    const result = ingestor.ingest({
      source: { kind: 'webhook', id: 'api-alert', name: 'SIEM' },
      route: '/api/alert',
      body: '{}',
      dedupKey: `k${String(n)}`,
      via: 'webhook',
      incident: normalizedFixture({
        fingerprint: `fp-${String(n)}`,
        title,
        severity,
        entities: { ...emptyEntities(), hosts: [host], users: ['ivanov.p'] },
      }),
    });
    return result.incidentId!;
  };
  const set = (id: string, status: Status, actor: string, note?: string) =>
    actions.setStatus(id, status, { actor, via: 'ui' }, note);
  return { db, clock, actions, raise, set, repo: () => createReportsRepo(db) };
}

function report(repo: ReturnType<typeof createReportsRepo>, overrides: Partial<ShiftReportData> = {}) {
  const limit = overrides.limit ?? 5000;
  const summary = repo.summary(SHIFT_FROM, SHIFT_TO);
  const incidents = repo.incidents(SHIFT_FROM, SHIFT_TO, limit);
  return renderShiftReport({
    from: SHIFT_FROM,
    to: SHIFT_TO,
    generatedAt: '2026-03-02T20:05:00.000Z',
    timeZone: 'Europe/Moscow',
    generatedBy: 'petrova',
    version: '9.9.9',
    summary,
    incidents,
    changes: repo.changes(SHIFT_FROM, SHIFT_TO, limit),
    limit,
    truncated: summary.total > incidents.length,
    masked: false,
    ...overrides,
  });
}

/** A shift: one incident before it, four in it (handled in different ways), one after it. */
function seededShift(w: ReturnType<typeof world>) {
  const before = w.raise('Before the shift', 'critical');
  w.clock.set(Date.parse('2026-03-02T09:00:00Z'));
  const beacon = w.raise('C2 beacon from finance laptop', 'critical', 'fin-lt-07');
  w.clock.advance(10 * MIN);
  w.set(beacon, 'acknowledged', 'petrova');
  w.clock.advance(50 * MIN);
  w.set(beacon, 'resolved', 'sidorov', 'isolated and reimaged');
  w.clock.set(Date.parse('2026-03-02T10:00:00Z'));
  const scan = w.raise('Port scan of the DMZ', 'high', 'dmz-fw-1');
  w.clock.advance(20 * MIN);
  w.set(scan, 'false_positive', 'petrova', 'scheduled scanner');
  w.clock.set(Date.parse('2026-03-02T11:00:00Z'));
  const login = w.raise('Off-hours login', 'medium', 'jump-2');
  w.clock.advance(30 * MIN);
  w.set(login, 'in_progress', 'sidorov');
  w.clock.set(Date.parse('2026-03-02T19:59:59Z'));
  const last = w.raise('Last minute alert', 'low', 'ws-99');
  w.clock.set(Date.parse('2026-03-02T20:00:00Z'));
  const after = w.raise('After the shift', 'critical');
  return { before, beacon, scan, login, last, after };
}

describe('shift report', () => {
  it('lists the incidents first seen in [from, to) with their outcome, who and when', async () => {
    const w = world();
    const ids = seededShift(w);
    const html = await report(w.repo());

    for (const id of [ids.beacon, ids.scan, ids.login, ids.last])
      expect(html).toContain(`data-incident="${id}"`);
    // The end of the period is exclusive, its start inclusive.
    expect(html).not.toContain(ids.before);
    expect(html).not.toContain(ids.after);
    expect(html).not.toContain('After the shift');

    const row = (id: string) => new RegExp(`<tr data-incident="${id}">([\\s\\S]*?)</tr>`).exec(html)![1]!;
    // Times are in the configured zone (Moscow is UTC+3).
    expect(row(ids.beacon)).toContain('2026-03-02 12:00');
    expect(row(ids.beacon)).toContain('Resolved');
    expect(row(ids.beacon)).toContain('by sidorov');
    expect(row(ids.beacon)).toContain('2026-03-02 12:10</span> (+10 min)');
    expect(row(ids.beacon)).toContain('2026-03-02 13:00</span> (+1 h 00 min)');
    expect(row(ids.scan)).toContain('False positive');
    expect(row(ids.scan)).toContain('by petrova');
    expect(row(ids.login)).toMatch(/outcome-open">In progress/);
    expect(row(ids.last)).toMatch(/outcome-open">New/);

    // Notable: the critical and the high one, with their status history and notes.
    const notable = /Notable incidents[\s\S]*?<h2>Incidents<\/h2>/.exec(html)![0];
    expect(notable).toContain(`data-incident="${ids.beacon}"`);
    expect(notable).toContain(`data-incident="${ids.scan}"`);
    expect(notable).not.toContain(`data-incident="${ids.login}"`);
    expect(notable).toContain('New → <strong>Acknowledged</strong>');
    expect(notable).toContain('Acknowledged → <strong>Resolved</strong> — isolated and reimaged');
    expect(notable).toContain('by petrova (ui)');
    // Open ones first, then by severity: here both are handled, so the critical beacon leads.
    expect(notable.indexOf(ids.beacon)).toBeLessThan(notable.indexOf(ids.scan));

    expect(html).toContain('2026-03-02 11:00 – 2026-03-02 23:00 Europe/Moscow (12 h 00 min)');
    expect(html).toContain('by petrova');
  });

  it('counts by severity and outcome and gives MTTA / MTTR over the whole period', async () => {
    const w = world();
    seededShift(w);
    const summary = w.repo().summary(SHIFT_FROM, SHIFT_TO);
    expect(summary.total).toBe(4);
    expect(summary.bySeverity).toEqual({ critical: 1, high: 1, medium: 1, low: 1, info: 0 });
    expect(summary.byStatus).toMatchObject({ resolved: 1, false_positive: 1, in_progress: 1, new: 1 });
    // Acknowledged: beacon +10 min, scan +20 min, login +30 min. Resolved: beacon +60, scan +20.
    expect(summary.acknowledged).toBe(3);
    expect(summary.mttaSec).toBeCloseTo(20 * 60, 3);
    expect(summary.resolved).toBe(2);
    // The critical beacon is resolved and the high scan dismissed: no severe incident is left open.
    expect(summary.openSevere).toBe(0);
    expect(summary.mttrSec).toBeCloseTo(40 * 60, 3);

    const html = await report(w.repo());
    expect(html).toMatch(/data-field="total"><b>4<\/b>/);
    expect(html).toMatch(/data-field="open"><b>2<\/b>/);
    expect(html).toMatch(/data-field="mtta"><b>20 min<\/b>/);
    expect(html).toMatch(/data-field="mttr"><b>40 min<\/b>/);
  });

  it('never lets incident text become markup', async () => {
    const w = world();
    w.clock.set(Date.parse('2026-03-02T09:00:00Z'));
    const hostile = `<script>alert(1)</script><img src=x onerror="fetch('//evil')"> & 'quoted'`;
    const id = w.raise(hostile, 'critical', '<b>host</b>');
    w.set(id, 'resolved', '<i>mallory</i>', '</li><script>x()</script>');
    const html = await report(w.repo());

    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b>host/);
    expect(html).not.toMatch(/<i>mallory/);
    expect(html).toContain(esc(hostile));
    expect(html).toContain('&lt;script&gt;x()&lt;/script&gt;');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(esc(`<a href='x'>"&"</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });

  it('says so when the period holds more incidents than a report lists', async () => {
    const w = world();
    w.clock.set(Date.parse('2026-03-02T09:00:00Z'));
    for (let i = 0; i < 7; i += 1) {
      w.raise(`Alert ${String(i)}`, 'medium');
      w.clock.advance(MIN);
    }
    const repo = w.repo();
    const html = await report(repo, { limit: 5 });
    expect(html).toContain('data-field="truncated"');
    expect(html).toContain('7 incidents were first seen in this period; the table lists the first 5');
    expect(html.match(/<tr data-incident=/g)).toHaveLength(5);
    expect(await report(repo)).not.toContain('data-field="truncated"');
  });

  it('masks hosts, users and addresses consistently across the report', async () => {
    const w = world();
    w.clock.set(Date.parse('2026-03-02T09:00:00Z'));
    const a = w.raise('Beacon from fin-lt-07 to 203.0.113.9', 'critical', 'fin-lt-07');
    w.clock.advance(MIN);
    w.raise('Second alert on fin-lt-07', 'high', 'fin-lt-07');
    w.set(a, 'resolved', 'petrova', 'fin-lt-07 reimaged, ivanov.p informed');
    const repo = w.repo();
    const masked = await maskShiftIncidents(
      repo.incidents(SHIFT_FROM, SHIFT_TO, 100),
      repo.changes(SHIFT_FROM, SHIFT_TO, 100),
      new Sanitizer(() => ({ enabled: true, classes: [], allow: [] })),
    );
    const html = await report(repo, { ...masked, masked: true });
    expect(html).not.toContain('fin-lt-07');
    expect(html).not.toContain('203.0.113.9');
    expect(html).not.toContain('ivanov.p');
    // One pseudonym for the one machine, in both incidents and in the note.
    const host = /Beacon from (HOST_\d+)/.exec(html)![1]!;
    expect(html).toContain(`Second alert on ${host}`);
    expect(html).toContain(`${host} reimaged`);
    expect(html).toContain('Masked: hosts, users');
    // Analysts' names are not the monitored network's and stay.
    expect(html).toContain('by petrova');
  });

  it('puts what the next shift inherits first among the notable incidents', async () => {
    const w = world();
    w.clock.set(Date.parse('2026-03-02T09:00:00Z'));
    const handled = w.raise('Handled critical', 'critical');
    w.set(handled, 'resolved', 'petrova');
    w.clock.advance(MIN);
    const openHigh = w.raise('Open high', 'high');
    w.clock.advance(MIN);
    const openCritical = w.raise('Open critical', 'critical');
    const html = await report(w.repo());
    const notable = /Notable incidents[\s\S]*?<h2>Incidents<\/h2>/.exec(html)![0];
    const order = [openCritical, openHigh, handled].map((id) => notable.indexOf(`data-incident="${id}"`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toMatch(/data-field="open-severe"><b>2<\/b>/);
  });

  it('shows assignments in the history of notable incidents', async () => {
    const w = world();
    w.clock.set(Date.parse('2026-03-02T09:00:00Z'));
    const id = w.raise('Ransomware note on file server', 'critical', 'fs-01');
    w.clock.advance(5 * MIN);
    w.actions.assign(id, 'petrova', { actor: 'lead', via: 'ui' });
    w.clock.advance(5 * MIN);
    w.actions.assign(id, 'sidorov', { actor: 'lead', via: 'ui' });
    const html = await report(w.repo());
    const notable = new RegExp(`<div class="notable" data-incident="${id}">[\\s\\S]*?</div>`).exec(html)![0];
    expect(notable).toContain('Assigned to <strong>petrova</strong> <span class="muted">by lead (ui)');
    expect(notable).toContain('Reassigned from petrova to <strong>sidorov</strong>');
    expect(notable).toContain('assigned to sidorov');
    // An assignment is not a status change: nothing acknowledged yet.
    expect(w.repo().summary(SHIFT_FROM, SHIFT_TO).acknowledged).toBe(0);
  });

  it('counts a resolution from the change out of an unresolved status, not a later relabel', async () => {
    const w = world();
    w.clock.set(Date.parse('2026-03-02T09:00:00Z'));
    const id = w.raise('Phishing report', 'medium');
    w.clock.advance(15 * MIN);
    w.set(id, 'resolved', 'petrova');
    w.clock.advance(60 * MIN);
    w.set(id, 'closed', 'sidorov');
    const incident = w.repo().incidents(SHIFT_FROM, SHIFT_TO, 10)[0]!;
    expect(incident.resolvedAt).toBe('2026-03-02T09:15:00.000Z');
    expect(w.repo().summary(SHIFT_FROM, SHIFT_TO).mttrSec).toBeCloseTo(15 * 60, 3);
    const row = /<tr data-incident=[\s\S]*?<\/tr>/.exec(await report(w.repo()))![0];
    expect(row).toContain('Closed');
    expect(row).toContain('2026-03-02 12:15</span> (+15 min)<br><span class="muted">by petrova');
  });

  it('renders an empty period and reads status details back', async () => {
    const w = world();
    const html = await report(w.repo());
    expect(html).toContain('No incidents were first seen in this period.');
    expect(html).toContain('No high or critical incidents in this period.');
    expect(html).toMatch(/data-field="mtta"><b>—<\/b>/);
    expect(parseStatusDetail('new -> resolved: done: really')).toEqual({
      from: 'new',
      to: 'resolved',
      note: 'done: really',
    });
    expect(parseStatusDetail('assigned to bob')).toBeNull();
    expect(formatDuration(59)).toBe('59 s');
    expect(formatDuration(3 * 86_400 + 7200)).toBe('3 d 2 h');
  });
});
