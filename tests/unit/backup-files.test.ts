/** Backup file names and the times the scheduler derives from the machine's local clock. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  nextLocalHour,
  nextUtcMidnight,
  previousLocalHour,
  snapshotName,
  snapshotTime,
  utcDay,
} from '../../electron/core/backup/backup-files';

describe('backup file names', () => {
  it('stamps snapshots in UTC and reads the stamp back', () => {
    const at = Date.parse('2026-12-31T23:59:58.600Z');
    expect(snapshotName(at)).toBe('vigil-20261231-235958.db');
    expect(snapshotName(at, 2)).toBe('vigil-20261231-235958-2.db');
    expect(snapshotTime('vigil-20261231-235958-2.db')).toBe(Date.parse('2026-12-31T23:59:58Z'));
    for (const bad of [
      'vigil-20261231-235958.db.partial',
      'x/vigil-20261231-235958.db',
      'vigil-20261340-000000.db',
    ]) {
      expect(snapshotTime(bad)).toBeNull();
    }
  });

  it('names days in UTC', () => {
    expect(utcDay(Date.parse('2026-03-10T23:59:59.999Z'))).toBe('2026-03-10');
    expect(nextUtcMidnight(Date.parse('2026-03-10T23:59:59.999Z'))).toBe(Date.parse('2026-03-11T00:00:00Z'));
    expect(nextUtcMidnight(Date.parse('2026-03-11T00:00:00Z'))).toBe(Date.parse('2026-03-12T00:00:00Z'));
  });
});

describe('local snapshot hour', () => {
  const savedTz = process.env.TZ;
  beforeEach(() => {
    process.env.TZ = 'Europe/Berlin';
  });
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('finds the next and the previous time the local clock reads the hour', () => {
    // 10:00 in Berlin (UTC+1 in winter).
    const now = Date.parse('2026-01-15T09:00:00Z');
    expect(nextLocalHour(now, 3)).toBe(Date.parse('2026-01-16T02:00:00Z'));
    expect(nextLocalHour(now, 11)).toBe(Date.parse('2026-01-15T10:00:00Z'));
    expect(previousLocalHour(now, 3)).toBe(Date.parse('2026-01-15T02:00:00Z'));
    expect(previousLocalHour(now, 11)).toBe(Date.parse('2026-01-14T10:00:00Z'));
    // Exactly on the hour: the next one is tomorrow, the previous one is now.
    const onHour = Date.parse('2026-01-15T02:00:00Z');
    expect(nextLocalHour(onHour, 3)).toBe(Date.parse('2026-01-16T02:00:00Z'));
    expect(previousLocalHour(onHour, 3)).toBe(onHour);
  });

  it('follows daylight saving time', () => {
    // Summer time starts 2026-03-29 at 02:00 local; 03:00 local is then 01:00Z.
    expect(nextLocalHour(Date.parse('2026-03-28T12:00:00Z'), 3)).toBe(Date.parse('2026-03-29T01:00:00Z'));
    expect(nextLocalHour(Date.parse('2026-03-29T12:00:00Z'), 3)).toBe(Date.parse('2026-03-30T01:00:00Z'));
  });
});
