/**
 * Database snapshots and online restore on a real SQLite file: a snapshot is
 * a complete, standalone database with the live contents; a restore puts a
 * snapshot's contents back into the live connection (after a safety
 * snapshot), migrates an older one on a copy, and refuses names that are not
 * listed snapshots and snapshots from a newer Vigil.
 */
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { nextLocalHour } from '../../electron/core/backup/backup-files';
import { dataTables } from '../../electron/core/backup/db-restore';
import type { Db } from '../../electron/core/db/database';
import type { Migration } from '../../electron/core/db/migrations';
import { latestVersion, runMigrations } from '../../electron/core/db/migrations';
import { migrations as appMigrations } from '../../electron/core/db/migrations/index';
import { createSourceStatesRepo } from '../../electron/core/db/repos/source-states-repo';
import { silentLogger } from '../../electron/core/logger';
import type { Config } from '../../shared/config';
import { parseConfig } from '../../shared/config';
import type { Status } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import type { EventName } from '../../shared/ipc/contract';
import { ContractError } from '../../shared/ipc/result';
import { backupHarness } from '../helpers/backup-harness';
import { normalizedFixture } from '../helpers/incidents';

/** The schema version this build creates; snapshots taken in these tests carry it. */
const LATEST = latestVersion(appMigrations);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Dump = Record<string, unknown[]>;

/** Every row of every data table (not the full-text index, which triggers rebuild), in a stable order. */
/** The rows of every data table; derived ones (the search index, the counts) are rebuilt by triggers. */
function dump(db: Db): Dump {
  return Object.fromEntries(
    dataTables(db).map((table) => [table, db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all()]),
  );
}

function dumpFile(file: string): Dump {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return dump(db);
  } finally {
    db.close();
  }
}

function setup(
  options: {
    migrations?: readonly Migration[];
    config?: Partial<Config['backup']>;
    catchUpDelayMs?: number;
    start?: string;
  } = {},
) {
  const { dir, clock, db, bus, incidents, timeline, backup, ingestor } = backupHarness({
    prefix: 'vigil-snapshot-',
    start: options.start ?? '2026-04-02T10:20:30Z',
    config: parseConfig({ backup: options.config ?? {} }),
    cleanups,
    logger: () => silentLogger,
    service: {
      openDatabase: (file) => new Database(file),
      ...(options.migrations ? { migrations: options.migrations } : {}),
      ...(options.catchUpDelayMs !== undefined ? { catchUpDelayMs: options.catchUpDelayMs } : {}),
    },
  });
  const pushed: { name: EventName; payload: unknown }[] = [];
  bus.on((name, payload) => pushed.push({ name, payload }));
  const states = createSourceStatesRepo(db);
  let n = 0;
  const addIncident = (): string => {
    n += 1;
    clock.advance(1000);
    return ingestor.ingest({
      source: { kind: 'webhook', id: 'api-alert', name: 'Webhook' },
      route: '/api/alert',
      body: JSON.stringify({ n }),
      incident: normalizedFixture({
        fingerprint: `fp-${String(n)}`,
        title: `Alert ${String(n)}`,
        entities: { ...emptyEntities(), hosts: [`host-${String(n)}`] },
      }),
      via: 'webhook',
    }).incidentId!;
  };
  const setStatus = (id: string, status: Status) => {
    const incident = incidents.get(id)!;
    incidents.update({ ...incident, status, updatedAt: new Date(clock.now()).toISOString() });
    timeline.add({
      incidentId: id,
      at: new Date(clock.now()).toISOString(),
      actor: 'analyst',
      via: 'ui',
      action: 'status_changed',
      detail: `${incident.status} -> ${status}`,
    });
  };
  const dbDir = join(dir, 'backup', 'db');
  const progress = (operation: 'backup' | 'restore') =>
    pushed
      .filter((e) => e.name === 'backup.progress')
      .map((e) => e.payload as { operation: string; percent: number; message: string })
      .filter((p) => p.operation === operation);
  return {
    dir,
    dbDir,
    clock,
    db,
    backup,
    incidents,
    states,
    addIncident,
    setStatus,
    pushed,
    progress,
  };
}

async function refusal(promise: Promise<unknown>): Promise<ContractError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractError);
  return error as ContractError;
}

describe('backup: snapshots', () => {
  it('writes a complete standalone SQLite database with the live contents, reporting progress', async () => {
    const t = setup();
    await t.backup.start();
    const ids = [t.addIncident(), t.addIncident(), t.addIncident()];
    t.setStatus(ids[1]!, 'acknowledged');

    const { snapshot } = await t.backup.run();

    expect(snapshot.name).toBe('vigil-20260402-102033.db');
    expect(snapshot.createdAt).toBe('2026-04-02T10:20:33.000Z');
    const file = join(t.dbDir, snapshot.name);
    const copy = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.pragma('user_version', { simple: true })).toBe(LATEST);
    } finally {
      copy.close();
    }
    expect(dumpFile(file)).toEqual(dump(t.db));
    expect(dumpFile(file).incidents).toHaveLength(3);
    expect(readdirSync(t.dbDir)).toEqual([snapshot.name]);

    const steps = t.progress('backup');
    expect(steps[0]).toMatchObject({ percent: 0 });
    expect(steps.at(-1)).toEqual({
      operation: 'backup',
      percent: 100,
      message: `Snapshot ${snapshot.name} written`,
    });
    const percents = steps.map((s) => s.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));

    expect(t.backup.list().snapshots).toEqual([snapshot]);
  });

  it('names snapshots taken in the same second apart and lists them newest first', async () => {
    const t = setup();
    await t.backup.start();
    const a = (await t.backup.run()).snapshot.name;
    const b = (await t.backup.run()).snapshot.name;
    t.clock.advance(1000);
    const c = (await t.backup.run()).snapshot.name;
    expect([a, b, c]).toEqual([
      'vigil-20260402-102030.db',
      'vigil-20260402-102030-1.db',
      'vigil-20260402-102031.db',
    ]);
    expect(t.backup.list().snapshots.map((s) => s.name)).toEqual([c, b, a]);
  });

  it('answers unavailable once stopped', async () => {
    const t = setup();
    await t.backup.start();
    await t.backup.stop();
    expect((await refusal(t.backup.run())).code).toBe('unavailable');
  });

  it('takes a missed daily snapshot after start and the next one at dbSnapshotHour local time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const start = Date.parse('2026-04-02T10:20:30Z');
    const hour = (new Date(start).getHours() + 3) % 24;
    const t = setup({ config: { dbSnapshotHour: hour }, catchUpDelayMs: 5_000 });
    await t.backup.start();
    expect(t.backup.list().snapshots).toEqual([]);

    t.clock.advance(5_000);
    vi.advanceTimersByTime(5_000);
    await until(() => t.backup.list().snapshots.length === 1);

    const at = nextLocalHour(t.clock.now(), hour);
    vi.advanceTimersByTime(at - t.clock.now() - 1000);
    await settle();
    expect(t.backup.list().snapshots).toHaveLength(1);
    t.clock.set(at);
    vi.advanceTimersByTime(1000);
    await until(() => t.backup.list().snapshots.length === 2);
    const daily = t.backup.list().snapshots[0]!;
    expect(Date.parse(daily.createdAt)).toBe(at);
    expect(new Date(daily.createdAt).getHours()).toBe(hour);
  });
});

describe('backup: restore', () => {
  it('brings a snapshot back into the live database and keeps a safety snapshot of what it replaced', async () => {
    const t = setup();
    await t.backup.start();
    const ids = [t.addIncident(), t.addIncident(), t.addIncident()];
    t.setStatus(ids[0]!, 'acknowledged');
    t.states.save('s1', {
      cursor: 'c-1',
      lastSuccess: null,
      lastError: null,
      lastErrorAt: null,
      consecutiveFailures: 0,
      nextRun: null,
      eventsTotal: 3,
    });
    const { snapshot } = await t.backup.run();
    const atSnapshot = dump(t.db);
    const countsAtSnapshot = t.incidents.counts();

    t.clock.advance(60_000);
    t.addIncident();
    t.addIncident();
    t.setStatus(ids[0]!, 'resolved');
    t.setStatus(ids[2]!, 'false_positive');
    t.states.save('s1', {
      cursor: 'c-2',
      lastSuccess: null,
      lastError: null,
      lastErrorAt: null,
      consecutiveFailures: 0,
      nextRun: null,
      eventsTotal: 9,
    });
    const beforeRestore = dump(t.db);
    expect(beforeRestore).not.toEqual(atSnapshot);
    t.pushed.length = 0;

    const result = await t.backup.restore(snapshot.name);

    expect(result.restored).toBe(snapshot.name);
    expect(result.safetySnapshot).not.toBe(snapshot.name);
    expect(dump(t.db)).toEqual(atSnapshot);
    expect(t.incidents.get(ids[0]!)?.status).toBe('acknowledged');
    expect(t.incidents.counts()).toEqual(countsAtSnapshot);
    expect(t.incidents.counts().total).toBe(3);
    expect(dumpFile(join(t.dbDir, result.safetySnapshot))).toEqual(beforeRestore);
    expect(dumpFile(join(t.dbDir, snapshot.name))).toEqual(atSnapshot);
    expect(readdirSync(t.dbDir).sort()).toEqual([snapshot.name, result.safetySnapshot].sort());

    expect(t.progress('restore').at(-1)).toEqual({
      operation: 'restore',
      percent: 100,
      message: `Restored ${snapshot.name}`,
    });
    expect(t.pushed.find((e) => e.name === 'system.counts')?.payload).toMatchObject({ total: 3, open: 3 });

    // The live database goes on working: new incidents, foreign keys intact.
    t.addIncident();
    expect(t.incidents.counts().total).toBe(4);
    expect(t.db.pragma('foreign_key_check')).toEqual([]);
  });

  it.each([
    ['../vigil.db', 'bad_request'],
    ['vigil-20260402-102030.db/../../vigil.db', 'bad_request'],
    ['/etc/passwd', 'bad_request'],
    ['vigil-20261399-000000.db', 'bad_request'],
    ['', 'bad_request'],
    ['vigil-20990101-000000.db', 'not_found'],
  ])('refuses %j (%s) and changes nothing', async (name, code) => {
    const t = setup();
    await t.backup.start();
    t.addIncident();
    await t.backup.run();
    const before = dump(t.db);
    expect((await refusal(t.backup.restore(name))).code).toBe(code);
    expect(dump(t.db)).toEqual(before);
    expect(t.backup.list().snapshots).toHaveLength(1);
  });

  it('refuses a snapshot written by a newer Vigil before touching anything', async () => {
    const t = setup();
    await t.backup.start();
    t.addIncident();
    const { snapshot } = await t.backup.run();
    const file = new Database(join(t.dbDir, snapshot.name));
    file.pragma('user_version = 99');
    file.close();
    t.addIncident();
    const before = dump(t.db);

    const error = await refusal(t.backup.restore(snapshot.name));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(
      new RegExp(`newer Vigil \\(schema version 99; this one knows up to ${LATEST}\\)`),
    );
    expect(dump(t.db)).toEqual(before);
    expect(readdirSync(t.dbDir)).toEqual([snapshot.name]);
  });

  it('refuses a file that is not a SQLite database', async () => {
    const t = setup();
    await t.backup.start();
    t.addIncident();
    writeFileSync(join(t.dbDir, 'vigil-20260101-000000.db'), 'not sqlite at all, just text '.repeat(200));
    const error = await refusal(t.backup.restore('vigil-20260101-000000.db'));
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(/not a readable SQLite database/);
    expect(t.incidents.counts().total).toBe(1);
  });

  it('migrates an older snapshot on a copy before restoring it', async () => {
    const next: Migration = {
      version: LATEST + 1,
      name: 'next-test',
      up(db) {
        db.exec(`
          ALTER TABLE incidents ADD COLUMN note TEXT NOT NULL DEFAULT 'none';
          CREATE TABLE notes (id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incidents (id), text TEXT NOT NULL);
        `);
      },
    };
    const newer = [...appMigrations, next];
    const t = setup({ migrations: newer });
    await t.backup.start();
    const kept = [t.addIncident(), t.addIncident()];
    const { snapshot } = await t.backup.run();
    const original = join(t.dir, 'original.db');
    copyFileSync(join(t.dbDir, snapshot.name), original);

    // This Vigil upgrades its database, then gets more data, including in the new table.
    runMigrations(t.db, newer);
    const later = t.addIncident();
    t.db.prepare("INSERT INTO notes (incident_id, text) VALUES (?, 'later')").run(later);

    await t.backup.restore(snapshot.name);

    expect(t.db.pragma('user_version', { simple: true })).toBe(LATEST + 1);
    const rows = t.db.prepare('SELECT id, note FROM incidents ORDER BY id').all();
    expect(rows).toEqual(kept.sort().map((id) => ({ id, note: 'none' })));
    expect(t.db.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 0 });
    // The snapshot itself is untouched: still at the schema it was taken at, same bytes.
    expect(dumpFile(join(t.dbDir, snapshot.name))).toEqual(dumpFile(original));
    const file = new Database(join(t.dbDir, snapshot.name), { readonly: true });
    expect(file.pragma('user_version', { simple: true })).toBe(LATEST);
    file.close();
    expect(readdirSync(t.dbDir).filter((name) => !name.startsWith('vigil-'))).toEqual([]);
    expect(existsSync(join(t.dbDir, `${snapshot.name}-wal`))).toBe(false);
  });
});

/** Lets pending I/O callbacks and immediates run (the fake timers leave setImmediate real). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function until(condition: () => boolean, attempts = 2000): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}
