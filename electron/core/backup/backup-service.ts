/**
 * Backups (DESIGN.md §4): raw-event day files in backup/events (see
 * event-journal.ts), SQLite snapshots in backup/db taken with the online
 * backup API daily at backup.dbSnapshotHour (local time) and on demand, and
 * an online restore of a snapshot into the live connection. Snapshots and
 * restores run one at a time; progress goes out as `backup.progress`.
 */
import { copyFile, rename, rm } from 'node:fs/promises';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { Config } from '../../../shared/config';
import type { BackupFile, BackupList, EventPayload } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { Clock } from '../clock';
import type { ConfigStore } from '../config/config-store';
import type { Db } from '../db/database';
import type { Migration } from '../db/migrations';
import { latestVersion, runMigrations } from '../db/migrations';
import { migrations as appMigrations } from '../db/migrations/index';
import type { NewRawEvent } from '../db/repos/raw-events-repo';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import type { Service, ServiceState } from '../service-host';
import type { BackupDirs } from './backup-files';
import {
  RESTORE_TEMP_PREFIX,
  SNAPSHOT_NAME,
  SNAPSHOT_TEMP_SUFFIX,
  backupDirs,
  nextLocalHour,
  nextUtcMidnight,
  previousLocalHour,
  snapshotName,
  snapshotTime,
} from './backup-files';
import { assertSameShape, inspectFile, makeStandalone, replaceContents } from './db-restore';
import type { JournalHealth } from './event-journal';
import { EventJournal } from './event-journal';

export interface BackupServiceDeps {
  /** The live connection: snapshots read it, a restore writes it. */
  db: Db;
  bus: EventBus;
  config: Pick<ConfigStore, 'get' | 'onChange'>;
  clock: Clock;
  logger: Logger;
  /** The data dir's backup folder: `dataPaths(dataDir).backup`. */
  dir: string;
  /**
   * Opens another database file with the native binding of the running ABI;
   * used to migrate the copy of an older snapshot before it is restored.
   */
  openDatabase: (file: string) => Db;
  /** Pushed as `system.counts` after a restore so every header and tray catch up at once. */
  counts: () => EventPayload<'system.counts'>;
  /** The app's migrations; tests pass their own list to act as a newer Vigil. */
  migrations?: readonly Migration[];
  /** How long after start a daily snapshot missed while the app was not running is taken. */
  catchUpDelayMs?: number;
}

export interface BackupHealth {
  events: JournalHealth;
  lastSnapshot: string | null;
  lastSnapshotError: string | null;
}

type Operation = EventPayload<'backup.progress'>['operation'];
type Report = (fraction: number, message: string) => void;

/** Pages copied per step of the online backup: small enough for ingest to interleave, large enough to be quick. */
const PAGES_PER_STEP = 256;
/** Long enough not to slow down start-up, short enough that a short session still gets its snapshot. */
const DEFAULT_CATCH_UP_DELAY_MS = 60_000;

export class BackupService implements Service {
  readonly name = 'backup';
  state: ServiceState = 'stopped';

  private readonly dirs: BackupDirs;
  private readonly journal: EventJournal;
  private readonly migrations: readonly Migration[];
  private readonly logger: Logger;
  /** Snapshots and restores run one after another, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private snapshotTimer: NodeJS.Timeout | undefined;
  private unsubscribeConfig: (() => void) | null = null;
  private lastSnapshotError: string | null = null;
  private maintenance: Promise<void> = Promise.resolve();

  constructor(private readonly deps: BackupServiceDeps) {
    this.dirs = backupDirs(deps.dir);
    this.logger = deps.logger;
    this.migrations = deps.migrations ?? appMigrations;
    this.journal = new EventJournal(this.dirs.events, deps.clock, deps.logger.child('events'));
  }

  start(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    this.state = 'starting';
    try {
      mkdirSync(this.dirs.db, { recursive: true, mode: 0o700 });
      mkdirSync(this.dirs.events, { recursive: true, mode: 0o700 });
      this.removeLeftovers();
    } catch (error) {
      // Backups are a second copy: a broken backup folder must not keep the app (and ingestion) from starting.
      this.logger.error('the backup folder is not usable; backups will fail until it is', {
        dir: this.dirs.root,
        error,
      });
    }
    this.state = 'running';
    // Leftover plain files of past days are gzipped in the background: start-up does not wait for it.
    this.maintenance = this.maintain();
    this.scheduleRollover();
    this.scheduleDailySnapshot();
    if (this.snapshotDue()) {
      this.after(this.deps.catchUpDelayMs ?? DEFAULT_CATCH_UP_DELAY_MS, () => this.takeDueSnapshot());
    }
    let hour = this.settings().dbSnapshotHour;
    this.unsubscribeConfig = this.deps.config.onChange((config) => {
      if (config.backup.dbSnapshotHour === hour) return;
      hour = config.backup.dbSnapshotHour;
      this.scheduleDailySnapshot();
    });
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.unsubscribeConfig?.();
    this.unsubscribeConfig = null;
    await this.queue.catch(() => undefined);
    await this.maintenance;
    try {
      await this.journal.close();
    } catch (error) {
      this.logger.error('could not close the raw-event day file', { error });
    }
    this.state = 'stopped';
  }

  /** The Ingestor's after-commit hook: appends the raw events it stored to their day file. Never throws. */
  recordEvents(events: readonly NewRawEvent[]): void {
    this.journal.append(events);
  }

  /**
   * Closes finished days (gzipping their files) and applies retention. Runs at
   * start, at each UTC midnight and after each daily snapshot.
   */
  async maintain(): Promise<void> {
    try {
      this.journal.rollover();
      await this.journal.compressClosedDays();
      this.prune();
    } catch (error) {
      this.logger.error('backup maintenance failed', { error });
    }
  }

  /** Takes a database snapshot now; progress goes out as `backup.progress` events. */
  run(): Promise<{ snapshot: BackupFile }> {
    return this.exclusive(async () => {
      const snapshot = await this.snapshot(this.reporter('backup', 0, 100));
      this.prune();
      return { snapshot };
    });
  }

  /**
   * Snapshots (newest first) and raw-event day files on disk. `health` is not
   * in the contract yet, so the dispatcher strips it until it is declared.
   */
  list(): BackupList & { health: BackupHealth } {
    return { snapshots: this.snapshots(), eventDays: this.journal.list(), health: this.health() };
  }

  /**
   * Replaces the live database's contents with a snapshot's, online. The
   * name must be a snapshot listed in backup/db; a snapshot from a newer
   * Vigil is refused, an older one is migrated (on a copy) first. The current
   * contents are snapshotted before anything changes.
   */
  restore(name: string): Promise<{ restored: string; safetySnapshot: string }> {
    return this.exclusive(async () => {
      const file = this.snapshotPath(name);
      const progress = this.reporter('restore', 0, 100);
      const temp = join(this.dirs.db, `${RESTORE_TEMP_PREFIX}${String(this.deps.clock.now())}.db`);
      try {
        progress(0, `Checking ${name}`);
        await copyFile(file, temp);
        this.prepareForRestore(temp, name, progress);

        const safety = await this.snapshot((fraction, message) =>
          progress(0.25 + 0.45 * fraction, `Safety snapshot: ${message}`),
        );
        progress(0.75, `Replacing the database with ${name}`);
        const copied = replaceContents(this.deps.db, temp);
        progress(1, `Restored ${name}`);
        this.logger.success('restored a snapshot', { name, safetySnapshot: safety.name, rows: copied });
        this.deps.bus.emit('system.counts', this.deps.counts());
        this.deps.bus.emit('backup.restored', { name });
        return { restored: name, safetySnapshot: safety.name };
      } finally {
        await removeDbFile(temp);
      }
    });
  }

  health(): BackupHealth {
    const newest = this.snapshots()[0];
    return {
      events: this.journal.health(),
      lastSnapshot: newest?.name ?? null,
      lastSnapshotError: this.lastSnapshotError,
    };
  }

  /** Snapshots on disk, newest first. */
  private snapshots(): BackupFile[] {
    const files: (BackupFile & { time: number; serial: number })[] = [];
    for (const name of readNames(this.dirs.db)) {
      const time = snapshotTime(name);
      if (time === null) continue;
      try {
        files.push({
          name,
          bytes: statSync(join(this.dirs.db, name)).size,
          createdAt: new Date(time).toISOString(),
          time,
          serial: Number(SNAPSHOT_NAME.exec(name)?.[7] ?? 0),
        });
      } catch {
        // Removed between readdir and stat (retention): not there any more.
      }
    }
    files.sort((a, b) => b.time - a.time || b.serial - a.serial);
    return files.map(({ name, bytes, createdAt }) => ({ name, bytes, createdAt }));
  }

  /** The path of a listed snapshot; anything else (another file, a path) is refused. */
  private snapshotPath(name: string): string {
    if (!SNAPSHOT_NAME.test(name) || snapshotTime(name) === null) {
      throw new ContractError(
        'bad_request',
        `"${name.slice(0, 80)}" is not a snapshot name (vigil-YYYYMMDD-HHmmss.db)`,
      );
    }
    if (!readNames(this.dirs.db).includes(name)) {
      throw new ContractError('not_found', `no snapshot ${name} in backup/db`);
    }
    return join(this.dirs.db, name);
  }

  /** Checks the copy of a snapshot and brings an older one up to this Vigil's schema. */
  private prepareForRestore(temp: string, name: string, progress: Report): void {
    const latest = latestVersion(this.migrations);
    const { version } = inspectFile(this.deps.db, temp, name);
    if (version > latest) {
      throw new ContractError(
        'conflict',
        `${name} was written by a newer Vigil (schema version ${String(version)}; this one knows up to ` +
          `${String(latest)}): restore it with that version`,
      );
    }
    if (version === 0) throw new ContractError('bad_request', `${name} is not a Vigil database`);
    if (version < latest) {
      progress(0.1, `Upgrading ${name} from schema version ${String(version)} to ${String(latest)}`);
      const conn = this.deps.openDatabase(temp);
      try {
        runMigrations(conn, this.migrations);
        conn.pragma('journal_mode = DELETE');
      } finally {
        conn.close();
      }
    }
    assertSameShape(this.deps.db, temp, name);
    progress(0.2, `${name} checked`);
  }

  /**
   * Writes a snapshot through the online backup API into a temporary name,
   * makes it a single self-contained file (journal mode DELETE) and renames
   * it into place, so a listed snapshot is always complete.
   */
  private async snapshot(report: Report): Promise<BackupFile> {
    mkdirSync(this.dirs.db, { recursive: true, mode: 0o700 });
    const now = this.deps.clock.now();
    const name = this.freeSnapshotName(now);
    const final = join(this.dirs.db, name);
    const temp = `${final}${SNAPSHOT_TEMP_SUFFIX}`;
    report(0, `Writing ${name}`);
    try {
      await this.deps.db.backup(temp, {
        progress: ({ totalPages, remainingPages }) => {
          if (totalPages > 0) report((0.9 * (totalPages - remainingPages)) / totalPages, `Copying ${name}`);
          return PAGES_PER_STEP;
        },
      });
      report(0.9, `Finishing ${name}`);
      makeStandalone(this.deps.db, temp);
      await rename(temp, final);
    } catch (error) {
      await removeDbFile(temp);
      this.lastSnapshotError = (error as Error).message;
      this.logger.error('snapshot failed', { name, error });
      throw error;
    }
    this.lastSnapshotError = null;
    const bytes = statSync(final).size;
    report(1, `Snapshot ${name} written`);
    this.logger.success('snapshot written', { name, bytes });
    return { name, bytes, createdAt: new Date(snapshotTime(name) ?? now).toISOString() };
  }

  private freeSnapshotName(now: number): string {
    for (let serial = 0; serial < 1000; serial++) {
      const name = snapshotName(now, serial);
      const path = join(this.dirs.db, name);
      if (!existsSync(path) && !existsSync(`${path}${SNAPSHOT_TEMP_SUFFIX}`)) return name;
    }
    throw new ContractError('conflict', 'too many snapshots in the same second');
  }

  /**
   * Removes day files and snapshots older than backup.retentionDays. The
   * newest snapshot always stays, so a machine that was off for longer than
   * the retention still has one to restore.
   */
  private prune(): void {
    const { retentionDays } = this.settings();
    const removed = this.journal.prune(retentionDays);
    const cutoff = this.deps.clock.now() - retentionDays * 24 * 60 * 60 * 1000;
    for (const snapshot of this.snapshots().slice(1)) {
      if (Date.parse(snapshot.createdAt) >= cutoff) continue;
      try {
        rmSync(join(this.dirs.db, snapshot.name), { force: true });
        removed.push(snapshot.name);
      } catch (error) {
        this.logger.warn('could not remove an expired snapshot', { name: snapshot.name, error });
      }
    }
    if (removed.length > 0) this.logger.info('retention removed old backups', { removed, retentionDays });
  }

  /** Whether no snapshot was taken since the last time the local clock read dbSnapshotHour. */
  private snapshotDue(): boolean {
    const newest = this.snapshots()[0];
    const since = previousLocalHour(this.deps.clock.now(), this.settings().dbSnapshotHour);
    return !newest || Date.parse(newest.createdAt) < since;
  }

  private async takeDueSnapshot(): Promise<void> {
    if (this.state !== 'running' || !this.snapshotDue()) return;
    try {
      await this.exclusive(async () => {
        await this.snapshot(this.reporter('backup', 0, 100));
        this.prune();
      });
    } catch {
      // Logged by snapshot(); tomorrow's timer tries again.
    }
  }

  private scheduleDailySnapshot(): void {
    if (this.snapshotTimer) {
      clearTimeout(this.snapshotTimer);
      this.timers.delete(this.snapshotTimer);
    }
    const now = this.deps.clock.now();
    const at = nextLocalHour(now, this.settings().dbSnapshotHour);
    // A timer can fire a little before the injected clock reaches the hour; takeDueSnapshot then does nothing.
    this.snapshotTimer = this.after(at - now, async () => {
      await this.takeDueSnapshot();
      if (this.state === 'running') this.scheduleDailySnapshot();
    });
  }

  private scheduleRollover(): void {
    const now = this.deps.clock.now();
    this.after(nextUtcMidnight(now) - now, async () => {
      this.maintenance = this.maintain();
      await this.maintenance;
      if (this.state === 'running') this.scheduleRollover();
    });
  }

  private after(delayMs: number, fn: () => Promise<void>): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        void fn();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.state !== 'running') {
      return Promise.reject(new ContractError('unavailable', 'backups are not running'));
    }
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Maps an operation's 0..1 fraction onto percent and emits it, once per whole percent or new message. */
  private reporter(operation: Operation, from: number, to: number): Report {
    let last = '';
    return (fraction, message) => {
      const percent = Math.round(from + (to - from) * Math.min(1, Math.max(0, fraction)));
      const key = `${String(percent)}|${message}`;
      if (key === last) return;
      last = key;
      this.deps.bus.emit('backup.progress', { operation, percent, message });
    };
  }

  private settings(): Config['backup'] {
    return this.deps.config.get().backup;
  }

  /** Temp files a crash left in backup/: half-written snapshots and restore copies. */
  private removeLeftovers(): void {
    for (const name of readNames(this.dirs.db)) {
      if (name.includes(SNAPSHOT_TEMP_SUFFIX) || name.startsWith(RESTORE_TEMP_PREFIX)) {
        rmSync(join(this.dirs.db, name), { force: true });
      }
    }
    this.journal.removeLeftovers();
  }
}

function readNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Removes a database file with any journal SQLite left beside it. */
async function removeDbFile(path: string): Promise<void> {
  await Promise.all(
    ['', '-journal', '-wal', '-shm'].map((suffix) => rm(`${path}${suffix}`, { force: true })),
  );
}
