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
