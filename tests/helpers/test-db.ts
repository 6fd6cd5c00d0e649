import Database from 'better-sqlite3';

import type { Db } from '../../electron/core/db/database';
import { runMigrations } from '../../electron/core/db/migrations';
import { migrations } from '../../electron/core/db/migrations/index';

/** A real :memory: SQLite with every migration applied. */
export function memoryDb(): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  runMigrations(db, migrations);
  return db;
}
