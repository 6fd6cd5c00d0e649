import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { openDatabase } from '../../electron/core/db/database';
import type { Migration } from '../../electron/core/db/migrations';
import { DatabaseFromFutureError, latestVersion, runMigrations } from '../../electron/core/db/migrations';
import { migrations } from '../../electron/core/db/migrations/index';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tables(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  )
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_'));
}

describe('migrations', () => {
  it('migrates an empty database to the latest schema', () => {
    const db = new Database(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    const result = runMigrations(db, migrations);
    expect(result).toEqual({ from: 0, to: latestVersion(migrations) });
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion(migrations));
    expect(tables(db)).toEqual([
      'ai_usage',
      'analyses',
      'channel_states',
      'deliveries',
      'incident_counts',
      'incidents',
      'incidents_fts',
      'incidents_fts_config',
      'incidents_fts_data',
      'incidents_fts_docsize',
      'incidents_fts_idx',
      'kv',
      'outbox',
      'raw_events',
      'sent_messages',
      'source_states',
      'telegram_chats',
      'timeline_entries',
    ]);
    // Running again is a no-op.
    expect(runMigrations(db, migrations)).toEqual({
      from: latestVersion(migrations),
      to: latestVersion(migrations),
    });
  });

  it('migrates a version-1 database with incidents to the latest, keeping them and adding analyses', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    runMigrations(
      db,
      migrations.filter((m) => m.version === 1),
    );
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).not.toContain('analyses');
    db.prepare(
      `INSERT INTO incidents (id, fingerprint, source_kind, source_id, source_name, title, description, severity,
        severity_rank, status, mitre, entities, first_seen, last_seen, count, tags, created_at, updated_at)
       VALUES ('inc_1', 'fp', 'webhook', 'w', 'W', 't', 'd', 'high', 3, 'new', '{}', '{}', 'a', 'b', 1, '[]', 'a', 'b')`,
    ).run();

    expect(runMigrations(db, migrations)).toEqual({ from: 1, to: latestVersion(migrations) });
    expect(tables(db)).toEqual(expect.arrayContaining(['analyses', 'ai_usage', 'incidents']));
    expect(db.prepare('SELECT id FROM incidents').all()).toEqual([{ id: 'inc_1' }]);
    db.prepare(
      "INSERT INTO analyses (incident_id, fingerprint, state, created_at) VALUES ('inc_1', 'fp', 'pending', 'x')",
    ).run();
    // The analysis refers to a real incident.
    expect(() =>
      db
        .prepare(
          "INSERT INTO analyses (incident_id, fingerprint, state, created_at) VALUES ('nope', 'fp', 'pending', 'x')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('opens a file database in WAL mode with the schema applied', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-db-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'vigil.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(tables(db)).toContain('incidents');
    db.close();
  });

  it('refuses a database from the future and leaves it untouched', () => {
    const db = new Database(':memory:');
    runMigrations(db, migrations);
    db.pragma(`user_version = ${latestVersion(migrations) + 5}`);
    expect(() => runMigrations(db, migrations)).toThrow(DatabaseFromFutureError);
    expect(() => runMigrations(db, migrations)).toThrow(/newer than this Vigil knows/);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion(migrations) + 5);
  });

  it('refuses a list whose versions do not increase', () => {
    const noop = () => undefined;
    const list: Migration[] = [
      { version: 1, name: 'a', up: noop },
      { version: 1, name: 'b', up: noop },
    ];
    expect(() => runMigrations(new Database(':memory:'), list)).toThrow(/does not increase/);
  });

  it('runs pending migrations in one transaction: a failure leaves the database as it was', () => {
    const db = new Database(':memory:');
    const list: Migration[] = [
      { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE one (x)') },
      {
        version: 2,
        name: 'broken',
        up: () => {
          throw new Error('boom');
        },
      },
    ];
    expect(() => runMigrations(db, list)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(tables(db)).toEqual([]);
  });
});
