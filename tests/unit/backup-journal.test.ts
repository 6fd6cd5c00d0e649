/**
 * Raw-event day files: the real Ingestor on a real SQLite file commits events
 * while a ManualClock crosses UTC midnight; the day files must hold exactly
 * the committed events, the closed day must end up gzipped, retention must
 * remove old files only, and a write failure must never stop ingestion.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { openDatabase } from '../../electron/core/db/database';
import type { IngestInput } from '../../electron/core/ingest/ingestor';
import { LogSink, createLogger } from '../../electron/core/logger';
import { parseConfig } from '../../shared/config';
import { backupHarness } from '../helpers/backup-harness';
import { normalizedFixture } from '../helpers/incidents';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MINUTE = 60_000;

interface StoredLine {
  id: string;
  receivedAt: string;
  sourceKind: string;
  sourceId: string;
  route: string;
  dedupKey: string | null;
  body: string;
}

function setup(options: { start?: string; retentionDays?: number } = {}) {
  const { dir, clock, db, backup, ingestor } = backupHarness({
    prefix: 'vigil-backup-',
    start: options.start ?? '2026-03-10T23:00:00Z',
    config: parseConfig({ backup: { retentionDays: options.retentionDays ?? 30 } }),
    cleanups,
    logger: ({ dir, clock }) =>
      createLogger(new LogSink({ dir: join(dir, 'logs') }), 'test', () => clock.now()),
    service: { openDatabase: (file) => openDatabase(file) },
  });
  let n = 0;
  const input = (dedupKey: string | null = null): IngestInput => {
    n += 1;
    return {
      source: { kind: 'webhook', id: 'api-alert', name: 'Webhook' },
      route: '/api/alert',
      body: JSON.stringify({ n, text: 'line\nbreak "quoted" ünïcode' }),
      dedupKey,
      incident: normalizedFixture({
        fingerprint: `fp-${String(n)}`,
        title: `Alert ${String(n)}`,
        severity: 'high',
      }),
      via: 'webhook',
    };
  };
  const eventsDir = join(dir, 'backup', 'events');
  /** Every raw event in the database, as the day files must hold it. */
  const stored = (day: string): StoredLine[] =>
    db
      .prepare<[string], StoredLine>(
        `SELECT id, received_at AS receivedAt, source_kind AS sourceKind, source_id AS sourceId, route,
                dedup_key AS dedupKey, body
           FROM raw_events WHERE substr(received_at, 1, 10) = ? ORDER BY id`,
      )
      .all(day);
  return { dir, eventsDir, clock, db, backup, ingestor, input, stored };
}

function parseLines(text: string): StoredLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as StoredLine);
}

const byId = (a: StoredLine, b: StoredLine) => (a.id < b.id ? -1 : 1);

describe('backup: raw-event day files', () => {
  it('holds every committed event of each UTC day once, and gzips the day once it closed', async () => {
    const t = setup({ start: '2026-03-10T23:00:00Z' });
    await t.backup.start();

    for (let i = 0; i < 3; i++) {
      t.ingestor.ingest(t.input());
      t.clock.advance(15 * MINUTE);
    }
    // A batch, and a repeat of a stored vendor event (stored once, so written once).
    t.ingestor.ingestMany([t.input('vendor-1'), t.input('vendor-2')]);
    t.ingestor.ingest({ ...t.input('vendor-1') });
    t.clock.set(Date.parse('2026-03-11T00:00:00Z'));
    for (let i = 0; i < 4; i++) {
      t.ingestor.ingest(t.input());
      t.clock.advance(20 * MINUTE);
    }
    await t.backup.maintain();

    const day1 = t.stored('2026-03-10');
    const day2 = t.stored('2026-03-11');
    expect(day1).toHaveLength(5);
    expect(day2).toHaveLength(4);

    expect(existsSync(join(t.eventsDir, '2026-03-10.jsonl'))).toBe(false);
    const closed = parseLines(gunzipSync(readFileSync(join(t.eventsDir, '2026-03-10.jsonl.gz'))).toString());
    expect(closed.sort(byId)).toEqual(day1);
    expect(new Set(closed.map((line) => line.id)).size).toBe(closed.length);

    const open = parseLines(readFileSync(join(t.eventsDir, '2026-03-11.jsonl'), 'utf8'));
    expect(open.sort(byId)).toEqual(day2);

    expect(t.backup.list().eventDays).toMatchObject([
      { name: '2026-03-11.jsonl', day: '2026-03-11', gzipped: false },
      { name: '2026-03-10.jsonl.gz', day: '2026-03-10', gzipped: true },
    ]);
  });

  it('never writes a closed day again: a late event goes to the open day', async () => {
    const t = setup({ start: '2026-03-10T23:59:00Z' });
    await t.backup.start();
    t.ingestor.ingest(t.input());
    t.clock.set(Date.parse('2026-03-11T00:00:01Z'));
    t.ingestor.ingest(t.input());
    await t.backup.maintain();
    const gzBefore = readFileSync(join(t.eventsDir, '2026-03-10.jsonl.gz'));

    // The machine's clock is set back across midnight.
    t.clock.set(Date.parse('2026-03-10T23:59:30Z'));
    const late = t.ingestor.ingest(t.input());
    await t.backup.maintain();

    expect(readFileSync(join(t.eventsDir, '2026-03-10.jsonl.gz'))).toEqual(gzBefore);
    expect(existsSync(join(t.eventsDir, '2026-03-10.jsonl'))).toBe(false);
    const open = parseLines(readFileSync(join(t.eventsDir, '2026-03-11.jsonl'), 'utf8'));
    expect(open.map((line) => line.id)).toContain(late.eventId);
    expect(open.find((line) => line.id === late.eventId)?.receivedAt).toBe('2026-03-10T23:59:30.000Z');
  });

  it('gzips days left plain by an earlier run when it starts, and removes half-written files', async () => {
    const t = setup({ start: '2026-03-10T08:00:00Z' });
    mkdirSync(t.eventsDir, { recursive: true });
    const lines = ['{"id":"evt_a","body":"x"}', '{"id":"evt_b","body":"y"}'].join('\n') + '\n';
    writeFileSync(join(t.eventsDir, '2026-03-08.jsonl'), lines);
    writeFileSync(join(t.eventsDir, '2026-03-09.jsonl.gz.tmp'), 'half');
    mkdirSync(join(t.dir, 'backup', 'db'), { recursive: true });
    writeFileSync(join(t.dir, 'backup', 'db', 'vigil-20260309-030000.db.partial'), 'half');

    await t.backup.start();
    await t.backup.maintain();

    expect(existsSync(join(t.eventsDir, '2026-03-08.jsonl'))).toBe(false);
    expect(gunzipSync(readFileSync(join(t.eventsDir, '2026-03-08.jsonl.gz'))).toString()).toBe(lines);
    expect(existsSync(join(t.eventsDir, '2026-03-09.jsonl.gz.tmp'))).toBe(false);
    expect(existsSync(join(t.dir, 'backup', 'db', 'vigil-20260309-030000.db.partial'))).toBe(false);
  });

  it('retention removes day files and snapshots older than retentionDays, and nothing else', async () => {
    const t = setup({ start: '2026-03-10T12:00:00Z', retentionDays: 3 });
    const dbDir = join(t.dir, 'backup', 'db');
    mkdirSync(t.eventsDir, { recursive: true });
    mkdirSync(dbDir, { recursive: true });
    for (const day of ['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09']) {
      writeFileSync(join(t.eventsDir, `${day}.jsonl.gz`), gzipSync(`{"id":"${day}"}\n`));
    }
    for (const name of [
      'vigil-20260305-030000.db',
      'vigil-20260307-030000.db',
      'vigil-20260307-130000.db',
      'vigil-20260309-030000.db',
      'notes.txt',
    ]) {
      writeFileSync(join(dbDir, name), 'x');
    }
    await t.backup.start();
    await t.backup.maintain();

    const list = t.backup.list();
    // Cut-off 2026-03-07T12:00Z: a day goes once all of it is older, a snapshot once its time is.
    expect(list.eventDays.map((f) => f.day)).toEqual(['2026-03-09', '2026-03-08', '2026-03-07']);
    expect(list.snapshots.map((f) => f.name)).toEqual([
      'vigil-20260309-030000.db',
      'vigil-20260307-130000.db',
    ]);
    expect(existsSync(join(dbDir, 'notes.txt'))).toBe(true);
  });

  it('keeps the newest snapshot however old it is', async () => {
    const t = setup({ start: '2026-03-10T12:00:00Z', retentionDays: 3 });
    const dbDir = join(t.dir, 'backup', 'db');
    mkdirSync(dbDir, { recursive: true });
    writeFileSync(join(dbDir, 'vigil-20250101-030000.db'), 'x');
    writeFileSync(join(dbDir, 'vigil-20241231-030000.db'), 'x');
    await t.backup.start();
    await t.backup.maintain();
    expect(t.backup.list().snapshots.map((f) => f.name)).toEqual(['vigil-20250101-030000.db']);
  });

  it('logs and reports a failed write without failing ingestion, and recovers', async () => {
    const t = setup({ start: '2026-03-10T12:00:00Z' });
    await t.backup.start();
    rmSync(t.eventsDir, { recursive: true });
    writeFileSync(t.eventsDir, 'not a directory');

    const first = t.ingestor.ingest(t.input());
    expect(first.incidentId).not.toBeNull();
    expect(t.stored('2026-03-10').map((e) => e.id)).toEqual([first.eventId]);
    expect(t.backup.health().events).toMatchObject({ ok: false, linesLost: 1 });
    expect(t.backup.list().health.events.ok).toBe(false);
    expect(t.backup.health().events.lastError).toMatch(/ENOTDIR|EEXIST|not a directory/i);
    const errorLog = readFileSync(join(t.dir, 'logs', 'error.log'), 'utf8');
    expect(errorLog).toContain('could not write the raw-event day file');

    rmSync(t.eventsDir);
    const second = t.ingestor.ingest(t.input());
    const lines = parseLines(readFileSync(join(t.eventsDir, '2026-03-10.jsonl'), 'utf8'));
    expect(lines.map((line) => line.id)).toEqual([second.eventId]);
    expect(t.backup.health().events).toMatchObject({ ok: true, linesLost: 1 });
  });
});
