/**
 * Opening the one SQLite database. WAL with synchronous=NORMAL: a commit
 * survives a killed process (the WAL is written before commit returns), which
 * is the durability DESIGN.md §2 asks for; only an OS crash or power loss can
 * roll back the last moments.
 */
import Database from 'better-sqlite3';

import { runMigrations } from './migrations';
import { migrations } from './migrations/index';

export type Db = Database.Database;

export interface OpenOptions {
  /** A better_sqlite3.node built for another ABI (the Electron shell passes one). */
  nativeBinding?: string;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  runMigrations(db, migrations);
  return db;
}

/**
 * A second, read-only connection to the database file, for long reads that
 * yield to the event loop between pages (exports, dashboard figures):
 * `readSnapshot` holds one read transaction on it, so every page sees the
 * database as it was at the first read while the main connection keeps
 * writing (WAL).
 */
export function openReader(file: string, options: OpenOptions = {}): Db {
  const db = new Database(file, {
    readonly: true,
    fileMustExist: true,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Runs `read` on a fresh reader inside one read transaction, then closes it.
 * Without a reader (an in-memory database has no file to open twice) `read`
 * gets the main connection and no snapshot: pages see the writes between them.
 */
export async function readSnapshot<T>(
  main: Db,
  open: (() => Db) | null,
  read: (db: Db) => Promise<T>,
): Promise<T> {
  if (!open) return read(main);
  const reader = open();
  try {
    reader.exec('BEGIN');
    return await read(reader);
  } finally {
    // Closing ends the read transaction; nothing was written, so nothing is lost.
    reader.close();
  }
}
