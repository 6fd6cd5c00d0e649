/**
 * Work on another database file through the live connection. Everything runs
 * on the one better-sqlite3 connection so the desktop shell needs no second
 * native binding, and an online restore is one transaction on it: readers
 * and the ingest path see the old contents or the new, never a mix.
 *
 * better-sqlite3 opens connections without URI filenames, so ATTACH cannot ask
 * for `?mode=ro`; the restore attaches a private copy of the snapshot instead,
 * which also leaves the snapshot file untouched when an older one is migrated.
 */
import { ContractError } from '../../../shared/ipc/result';
import type { Db } from '../db/database';

const ALIAS = 'vigil_backup_file';

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Runs `fn` with `file` attached under a fixed schema name, and detaches it afterwards. */
export function withAttached<T>(db: Db, file: string, fn: (schema: string) => T): T {
  db.prepare(`ATTACH DATABASE ? AS ${ALIAS}`).run(file);
  try {
    return fn(ALIAS);
  } finally {
    db.exec(`DETACH DATABASE ${ALIAS}`);
  }
}

/** Tables derived from others by triggers: the copy of their sources rebuilds them. */
const DERIVED_TABLES = new Set(['incident_counts']);

/**
 * The tables whose rows make up the database: ordinary tables of `main`, not
 * SQLite's own (sqlite_sequence, sqlite_stat*) nor virtual tables and their
 * shadow tables: the full-text index is rebuilt by the triggers on the rows
 * copied into `incidents` and `analyses` (migration 0004), and the counts
 * likewise by theirs (0005).
 */
export function dataTables(db: Db): string[] {
  const shadow = new Set(
    (db.pragma('main.table_list') as { name: string; type: string }[])
      .filter((t) => t.type === 'shadow' || t.type === 'virtual')
      .map((t) => t.name),
  );
  const names = db
    .prepare<[], string>(
      "SELECT name FROM main.sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name",
    )
    .pluck()
    .all();
  return names.filter((name) => !shadow.has(name) && !DERIVED_TABLES.has(name));
}

function columns(db: Db, schema: string, table: string): string[] {
  return (db.pragma(`${schema}.table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name);
}

export interface FileInspection {
  version: number;
}

/**
 * Reads a database file's schema version and checks that it is an intact
 * SQLite database; refuses anything else with a ContractError.
 */
export function inspectFile(db: Db, file: string, label: string): FileInspection {
  try {
    return withAttached(db, file, (schema) => {
      const check = db.pragma(`${schema}.quick_check`, { simple: true }) as string;
      if (check !== 'ok') throw new ContractError('bad_request', `${label} is damaged: ${check}`);
      return { version: db.pragma(`${schema}.user_version`, { simple: true }) as number };
    });
  } catch (error) {
    if (error instanceof ContractError) throw error;
    throw new ContractError(
      'bad_request',
      `${label} is not a readable SQLite database: ${(error as Error).message}`,
    );
  }
}

/**
 * Checks that `file` holds every table and column the live database has, so
 * the copy cannot fail half-way for a schema reason.
 */
export function assertSameShape(db: Db, file: string, label: string): void {
  withAttached(db, file, (schema) => {
    for (const table of dataTables(db)) {
      const theirs = new Set(columns(db, schema, table));
      if (theirs.size === 0) throw new ContractError('bad_request', `${label} has no table ${table}`);
      const missing = columns(db, 'main', table).filter((c) => !theirs.has(c));
      if (missing.length > 0) {
        throw new ContractError('bad_request', `${label}: table ${table} lacks ${missing.join(', ')}`);
      }
    }
  });
}

/**
 * Replaces the rows of every data table of the live database with those of
 * `file`, in one transaction. Foreign keys are checked at commit, so the
 * order of the tables does not matter and a broken reference rolls all of
 * it back. Returns the number of rows copied per table.
 */
export function replaceContents(db: Db, file: string): Record<string, number> {
  return withAttached(db, file, (schema) =>
    db.transaction(() => {
      db.pragma('defer_foreign_keys = ON');
      const copied: Record<string, number> = {};
      for (const table of dataTables(db)) {
        const list = columns(db, 'main', table).map(quote).join(', ');
        db.prepare(`DELETE FROM main.${quote(table)}`).run();
        copied[table] = db
          .prepare(`INSERT INTO main.${quote(table)} (${list}) SELECT ${list} FROM ${schema}.${quote(table)}`)
          .run().changes;
      }
      return copied;
    })(),
  );
}

/** Sets an attached file's journal mode to DELETE so it is one self-contained file. */
export function makeStandalone(db: Db, file: string): void {
  withAttached(db, file, (schema) => {
    db.pragma(`${schema}.journal_mode = DELETE`);
  });
}
