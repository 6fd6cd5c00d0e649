/**
 * Names and times of backup files. Snapshot names carry a UTC stamp
 * (vigil-YYYYMMDD-HHmmss.db): UTC sorts correctly across DST changes, where a
 * local stamp would repeat an hour. Day files are named by the UTC day of the
 * events they hold (YYYY-MM-DD.jsonl, .jsonl.gz once the day closed).
 */
import { join } from 'node:path';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Anything else in backup/db (temp files, a user's notes) is neither listed nor restorable. */
export const SNAPSHOT_NAME = /^vigil-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d{1,3}))?\.db$/;
export const DAY_FILE_NAME = /^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$/;
/** A plain day file that is being compressed; a leftover one (crash) is removed at start. */
export const GZIP_TEMP_SUFFIX = '.gz.tmp';
/** A snapshot being written; renamed to its final name only when complete. */
export const SNAPSHOT_TEMP_SUFFIX = '.partial';
/** A copy of a snapshot prepared for a restore (migrated when older). */
export const RESTORE_TEMP_PREFIX = '.restore-';

export interface BackupDirs {
  root: string;
  db: string;
  events: string;
}

/** backup/db and backup/events under the data dir's backup folder. */
export function backupDirs(root: string): BackupDirs {
  return { root, db: join(root, 'db'), events: join(root, 'events') };
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first millisecond of a UTC day `YYYY-MM-DD`. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** The first millisecond of the UTC day after the one holding `ms`. */
export function nextUtcMidnight(ms: number): number {
  return dayStart(utcDay(ms)) + DAY_MS;
}

/** The snapshot name for an instant; `serial` > 0 tells apart snapshots taken in the same second. */
export function snapshotName(ms: number, serial = 0): string {
  const d = new Date(ms);
  const stamp =
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return serial > 0 ? `vigil-${stamp}-${String(serial)}.db` : `vigil-${stamp}.db`;
}

/** When a snapshot was taken, from its name; null for a name that is not a snapshot's. */
export function snapshotTime(name: string): number | null {
  const m = SNAPSHOT_NAME.exec(name);
  if (!m) return null;
  const [, year, month, day, hour, minute, second] = m;
  const time = Date.parse(`${year!}-${month!}-${day!}T${hour!}:${minute!}:${second!}.000Z`);
  return Number.isNaN(time) ? null : time;
}

/**
 * The next instant after `now` at which the machine's local clock reads
 * `hour`:00. Local on purpose: "3 in the morning" means the analyst's night.
 * On a DST spring-forward day a missing hour moves to the next existing one.
 */
export function nextLocalHour(now: number, hour: number): number {
  const d = new Date(now);
  d.setHours(hour, 0, 0, 0);
  if (d.getTime() <= now) {
    d.setDate(d.getDate() + 1);
    d.setHours(hour, 0, 0, 0);
  }
  return d.getTime();
}

/** The latest instant at or before `now` at which the local clock read `hour`:00. */
export function previousLocalHour(now: number, hour: number): number {
  const d = new Date(now);
  d.setHours(hour, 0, 0, 0);
  if (d.getTime() > now) {
    d.setDate(d.getDate() - 1);
    d.setHours(hour, 0, 0, 0);
  }
  return d.getTime();
}
