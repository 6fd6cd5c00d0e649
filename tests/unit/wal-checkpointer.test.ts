/**
 * WalCheckpointer on a real database file: while it runs, the main
 * connection no longer checkpoints at 1000 pages and the worker copies the
 * WAL into the database file instead; a worker that cannot start leaves the
 * main connection checkpointing as before; stop restores it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Db } from '../../electron/core/db/database';
import { openDatabase } from '../../electron/core/db/database';
import { WalCheckpointer } from '../../electron/core/db/wal-checkpointer';
import type { Logger } from '../../electron/core/logger';
import { silentLogger } from '../../electron/core/logger';
import { tempDir } from '../helpers/temp-dir';

const dirs: { remove: () => void }[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

function database(): { db: Db; file: string } {
  const dir = tempDir('vigil-checkpoint-');
  dirs.push(dir);
  const file = join(dir.path, 'vigil.db');
  const db = openDatabase(file);
  dbs.push(db);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return { db, file };
}

const autocheckpoint = (db: Db) => db.pragma('wal_autocheckpoint', { simple: true }) as number;

/** Waits (bounded) until `check` holds; the bound only stops a broken run from hanging. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describe('WalCheckpointer', () => {
  it('moves checkpoints to its worker while running and hands them back on stop', async () => {
    const { db, file } = database();
    const checkpointer = new WalCheckpointer({ db, file, logger: silentLogger });
    await checkpointer.start();
    expect(checkpointer.state).toBe('running');
    expect(autocheckpoint(db)).toBe(10_000);

    const sizeBefore = statSync(file).size;
    // About 1500 pages: past the main connection's old threshold, far below its new one.
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 1500; i++) insert.run('x'.repeat(3500));
    })();
    await eventually(
      () => statSync(file).size > sizeBefore + 4_000_000,
      'the worker copied the WAL into the file',
    );

    await checkpointer.stop();
    expect(checkpointer.state).toBe('stopped');
    expect(autocheckpoint(db)).toBe(1000);
  });

  it('leaves checkpoints on the main connection when its worker cannot start', async () => {
    const { db, file } = database();
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message) => warnings.push(message) };
    const checkpointer = new WalCheckpointer({
      db,
      file,
      nativeBinding: join(file, '..', 'no-such-binding.node'),
      logger,
    });
    await checkpointer.start();
    expect(checkpointer.state).toBe('failed');
    expect(autocheckpoint(db)).toBe(1000);
    expect(warnings).toEqual([
      'WAL checkpoints run on the main thread (the checkpoint worker is not running)',
    ]);
    await checkpointer.stop();
  });
});
