/**
 * The migration runner (STYLE.md §11): versions live in PRAGMA user_version,
 * the list must strictly increase, a database from a newer Vigil is refused,
 * and everything pending runs in one transaction so a failure leaves the
 * database as it was.
 */
import type { Db } from './database';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export class DatabaseFromFutureError extends Error {
  override readonly name = 'DatabaseFromFutureError';
}

export function latestVersion(list: readonly Migration[]): number {
  return list.at(-1)?.version ?? 0;
}

export function runMigrations(db: Db, list: readonly Migration[]): { from: number; to: number } {
  list.forEach((migration, index) => {
    const previous = index === 0 ? 0 : list[index - 1]!.version;
    if (migration.version <= previous) {
      throw new Error(`migration ${migration.name}: version ${migration.version} does not increase`);
    }
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(list);
  if (current > latest) {
    throw new DatabaseFromFutureError(
      `the database is at schema version ${current}, newer than this Vigil knows (${latest}); ` +
        'run a newer Vigil or restore a backup',
    );
  }
  const pending = list.filter((m) => m.version > current);
  if (pending.length === 0) return { from: current, to: current };
  db.transaction(() => {
    for (const migration of pending) {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  })();
  return { from: current, to: latest };
}
