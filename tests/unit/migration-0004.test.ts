import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { replaceContents } from '../../electron/core/backup/db-restore';
import type { Db } from '../../electron/core/db/database';
import { openDatabase } from '../../electron/core/db/database';
import { runMigrations } from '../../electron/core/db/migrations';
import { migrations } from '../../electron/core/db/migrations/index';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { emptyEntities } from '../../shared/domain';
import { incidentFixture } from '../helpers/incidents';
import { tempDir } from '../helpers/temp-dir';

/** A database as Vigil 0003 left it: incidents, their timeline and an AI analysis, written with its SQL. */
function version3(): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  runMigrations(
    db,
    migrations.filter((m) => m.version <= 3),
  );
  const incident = db.prepare(`
    INSERT INTO incidents (id, fingerprint, source_kind, source_id, source_name, title, description, severity,
      severity_rank, status, mitre, entities, host, first_seen, last_seen, count, assignee, tags, created_at,
      updated_at)
    VALUES (?, ?, 'webhook', 'api', 'API', ?, '', ?, ?, ?, '{"tactics":[],"techniques":[]}', ?, NULL, ?, ?, 1, ?, ?,
      ?, ?)`);
  const entities = (hosts: string[], users: string[], ips: string[]) =>
    JSON.stringify({ hosts, users, ips, files: [], processes: [], urls: [], domains: [] });
  incident.run(
    'inc_a',
    'fp-a',
    'Mimikatz executed',
    'critical',
    4,
    'resolved',
    entities(['WS-FIN-042'], ['CORP\\jdoe'], ['10.20.30.40']),
    '2026-11-20T08:00:00.000Z',
    '2026-11-20T09:00:00.000Z',
    'ana',
    '["vip"]',
    '2026-11-20T08:00:00.000Z',
    '2026-11-20T12:00:00.000Z',
  );
  incident.run(
    'inc_b',
    'fp-b',
    'Encoded PowerShell',
    'high',
    3,
    'new',
    entities(['srv-db-07.corp.local'], ['j.doe@corp.local'], []),
    '2026-11-20T10:00:00.000Z',
    '2026-11-20T10:30:00.000Z',
    null,
    '[]',
    '2026-11-20T10:00:00.000Z',
    '2026-11-20T13:00:00.000Z',
  );
  incident.run(
    'inc_c',
    'fp-c',
    'Lateral movement',
    'low',
    1,
    'acknowledged',
    '{}',
    '2026-11-20T11:00:00.000Z',
    '2026-11-20T11:00:00.000Z',
    null,
    'not json',
    '2026-11-20T11:00:00.000Z',
    '2026-11-20T11:05:00.000Z',
  );
  const moved = db.prepare(
    "INSERT INTO timeline_entries (incident_id, at, actor, via, action, detail) VALUES (?, ?, 'ana', 'ui', ?, ?)",
  );
  moved.run('inc_a', '2026-11-20T08:00:00.000Z', 'created', 'received through /api/alert');
  moved.run('inc_a', '2026-11-20T08:10:00.000Z', 'status_changed', 'new -> acknowledged: on it -> really');
  moved.run('inc_a', '2026-11-20T08:40:00.000Z', 'status_changed', 'acknowledged -> resolved');
  moved.run('inc_a', '2026-11-20T09:30:00.000Z', 'status_changed', 'resolved -> new: reopened');
  moved.run('inc_a', '2026-11-20T10:00:00.000Z', 'status_changed', 'new -> in_progress');
  moved.run('inc_a', '2026-11-20T12:00:00.000Z', 'status_changed', 'in_progress -> resolved: fixed');
  moved.run('inc_b', '2026-11-20T10:05:00.000Z', 'status_changed', 'new -> acknowledged');
  moved.run('inc_b', '2026-11-20T10:06:00.000Z', 'status_changed', 'acknowledged -> new');
  moved.run('inc_c', '2026-11-20T11:05:00.000Z', 'status_changed', 'new -> acknowledged');
  moved.run('inc_c', '2026-11-20T11:06:00.000Z', 'severity_raised', 'low -> high');
  db.prepare(
    `INSERT INTO analyses (incident_id, fingerprint, state, answer, created_at)
     VALUES ('inc_b', 'fp-b', 'done', '{"summary":"HOST_1 ran an exfiltration tool"}', 'x'),
            ('inc_b', 'fp-b', 'failed', NULL, 'y')`,
  ).run();
  return db;
}

describe('migration 0004 (triage)', () => {
  it('backfills the search index and the acknowledged / resolved times of a version-3 database', () => {
    const db = version3();
    expect(runMigrations(db, migrations)).toMatchObject({ from: 3 });

    const repo = createIncidentsRepo(db);
    const found = (query: Parameters<typeof repo.list>[0]) =>
      repo
        .list({ ...query })
        .items.map((i) => i.id)
        .sort();
    const q = (text: string) => found({ limit: 50, q: text });
    expect(q('mimikatz')).toEqual(['inc_a']);
    expect(q('WS-FIN-042')).toEqual(['inc_a']);
    expect(q('10.20.30.40')).toEqual(['inc_a']);
    expect(q('jdoe')).toEqual(['inc_a']);
    expect(q('vip')).toEqual(['inc_a']);
    expect(q('exfiltration')).toEqual(['inc_b']);
    expect(q('srv-db*')).toEqual(['inc_b']);
    expect(found({ limit: 50, user: 'j.doe@corp.local' })).toEqual(['inc_b']);
    expect(found({ limit: 50, sort: 'severity' })).toEqual(['inc_a', 'inc_b', 'inc_c']);

    const times = db.prepare('SELECT id, acknowledged_at, resolved_at FROM incidents ORDER BY id').all() as {
      id: string;
      acknowledged_at: string | null;
      resolved_at: string | null;
    }[];
    expect(times).toEqual([
      // First left 'new' at 08:10; resolved again (after reopening) at 12:00.
      { id: 'inc_a', acknowledged_at: '2026-11-20T08:10:00.000Z', resolved_at: '2026-11-20T12:00:00.000Z' },
      // Acknowledged once, then back to new: acknowledged stays, never resolved.
      { id: 'inc_b', acknowledged_at: '2026-11-20T10:05:00.000Z', resolved_at: null },
      { id: 'inc_c', acknowledged_at: '2026-11-20T11:05:00.000Z', resolved_at: null },
    ]);

    const indexes = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents'").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining(['incidents_by_last_seen', 'incidents_by_first_seen', 'incidents_by_severity']),
    );
    expect(indexes).not.toContain('incidents_last_seen');
  });

  it('keeps the index in step through the triggers: insert, update, analyses, delete', () => {
    const db = version3();
    runMigrations(db, migrations);
    const repo = createIncidentsRepo(db);
    const q = (text: string) =>
      repo
        .list({ limit: 50, q: text })
        .items.map((i) => i.id)
        .sort();
    db.prepare(
      `INSERT INTO analyses (incident_id, fingerprint, state, answer, created_at)
       VALUES ('inc_a', 'fp-a', 'pending', NULL, 'z')`,
    ).run();
    expect(q('kerberoasting')).toEqual([]);
    db.prepare(
      `UPDATE analyses SET state = 'done', answer = '{"summary":"kerberoasting seen"}' WHERE incident_id = 'inc_a'`,
    ).run();
    expect(q('kerberoasting')).toEqual(['inc_a']);
    db.prepare("DELETE FROM analyses WHERE incident_id = 'inc_a'").run();
    expect(q('kerberoasting')).toEqual([]);
    db.prepare("DELETE FROM timeline_entries WHERE incident_id = 'inc_a'").run();
    db.prepare("DELETE FROM incidents WHERE id = 'inc_a'").run();
    expect(q('mimikatz')).toEqual([]);
    expect(
      db.prepare("SELECT count(*) AS n FROM incidents_fts WHERE incidents_fts MATCH 'jdoe'").get(),
    ).toEqual({
      n: 0,
    });
  });

  it('rebuilds the search index when a restore copies a snapshot in', () => {
    const dir = tempDir();
    try {
      const live = openDatabase(join(dir.path, 'live.db'));
      const snapshot = openDatabase(join(dir.path, 'snapshot.db'));
      const host = (id: string, name: string) =>
        incidentFixture({
          id,
          fingerprint: id,
          title: `Alert on ${name}`,
          entities: { ...emptyEntities(), hosts: [name] },
        });
      createIncidentsRepo(live).insert(host('inc_live', 'LIVE-HOST-1'));
      const saved = createIncidentsRepo(snapshot);
      saved.insert(host('inc_old_1', 'OLD-HOST-1'));
      saved.insert(host('inc_old_2', 'OLD-HOST-2'));
      snapshot.close();

      replaceContents(live, join(dir.path, 'snapshot.db'));
      const repo = createIncidentsRepo(live);
      const ids = (query: Omit<Parameters<typeof repo.list>[0], 'limit'>) =>
        repo
          .list({ limit: 10, ...query })
          .items.map((i) => i.id)
          .sort();
      expect(ids({ q: 'live' })).toEqual([]);
      expect(ids({ q: 'old' })).toEqual(['inc_old_1', 'inc_old_2']);
      expect(ids({ host: 'OLD-HOST-2' })).toEqual(['inc_old_2']);
      live.close();
    } finally {
      dir.remove();
    }
  });
});
