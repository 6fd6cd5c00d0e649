/**
 * The incident list at 1,000,000 incidents: a temp database migrated by
 * openDatabase and seeded straight through better-sqlite3 (the ingestor would
 * take far too long for a million), then the repository's list() timed
 * in-process for the queries the UI makes, and the headless shell's resident
 * memory once it has opened that database and gone idle.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Severity, Status } from '../shared/domain';
import { severityRank } from '../shared/domain';
import { openDatabase } from '../electron/core/db/database';
import type { ListQuery } from '../electron/core/db/repos/incidents-repo';
import { createIncidentsRepo } from '../electron/core/db/repos/incidents-repo';
import { dataPaths } from '../electron/core/paths';
import { percentile, round1, rssMb, startChild } from './bench-load';

export interface ListCase {
  name: string;
  runs: number;
  rows: number;
  total: number;
  p50Ms: number;
  p95Ms: number;
}

export interface ListBench {
  incidents: number;
  seedSeconds: number;
  dbMb: number;
  cases: ListCase[];
  rssMb: number | null;
  search: string;
}

/** Cumulative weights: most alerts are low/medium, few critical. */
const SEVERITY_WEIGHTS: [Severity, number][] = [
  ['info', 0.1],
  ['low', 0.35],
  ['medium', 0.7],
  ['high', 0.92],
  ['critical', 1],
];
const SOURCES = [
  { kind: 'sentinelone', id: 's1', name: 'SentinelOne' },
  { kind: 'maxpatrol', id: 'mp', name: 'MaxPatrol SIEM' },
  { kind: 'deepinstinct', id: 'di', name: 'Deep Instinct' },
  { kind: 'webhook', id: 'api-alert', name: 'Webhook /api/alert' },
] as const;
const TITLES = [
  'Credential dumping: Mimikatz executed',
  'Encoded PowerShell downloading a payload',
  'Multiple failed logons followed by success',
  'Outbound connection to known C2',
  'Unsigned binary launched from a temp folder',
  'Lateral movement over SMB admin share',
];

/** mulberry32, so every run seeds the same rows. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeds `count` incidents spread over two years up to now, in arrival order
 * (ids are time-ordered like the product's). Older incidents are mostly
 * closed; the last few days are mostly still open, as on a real console.
 */
function seed(file: string, count: number): number {
  const started = performance.now();
  const db = openDatabase(file);
  // Bulk load only: no journal and no fsync; the product reopens it in WAL.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = db.prepare(`
    INSERT INTO incidents (id, fingerprint, source_kind, source_id, source_name, vendor_id, console_url, title,
      description, severity, severity_rank, status, category, mitre, entities, host, first_seen, last_seen, count,
      vendor_status, assignee, tags, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const random = prng(1_000_000);
  const now = Date.now();
  const span = 2 * 365 * 24 * 3600 * 1000;
  const batch = 50_000;
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const firstMs = now - span + Math.floor((i / count) * span);
      const lastMs = firstMs + Math.floor(random() * 6 * 3600 * 1000);
      const ageDays = (now - firstMs) / 86_400_000;
      const roll = random();
      const severity = SEVERITY_WEIGHTS.find(([, w]) => roll < w)![0];
      const statusRoll = random();
      const status: Status =
        ageDays < 3
          ? statusRoll < 0.6
            ? 'new'
            : statusRoll < 0.8
              ? 'acknowledged'
              : statusRoll < 0.9
                ? 'in_progress'
                : 'resolved'
          : statusRoll < 0.005
            ? 'new'
            : statusRoll < 0.55
              ? 'closed'
              : statusRoll < 0.85
                ? 'resolved'
                : 'false_positive';
      const source = SOURCES[i % SOURCES.length]!;
      const title = TITLES[Math.floor(random() * TITLES.length)]!;
      const host = `ws-${(i % 5000).toString().padStart(4, '0')}.corp.example.com`;
      const ip = `10.${i % 40}.${(i >> 8) & 255}.${(i & 127) + 1}`;
      const first = new Date(firstMs).toISOString();
      const last = new Date(lastMs).toISOString();
      const id = `inc_${firstMs.toString(16).padStart(12, '0')}${(i & 0xffff).toString(16).padStart(4, '0')}${Math.floor(
        random() * 0xffffffff,
      )
        .toString(16)
        .padStart(8, '0')}`;
      insert.run(
        id,
        `alert|${title}|${host}|${ip}`,
        source.kind,
        source.id,
        source.name,
        source.kind === 'webhook' ? null : `${1_700_000_000_000 + i}`,
        null,
        `${title} on ${host}`,
        `${title} reported for ${host} (${ip}); user CORP\\user${i % 900}.`,
        severity,
        severityRank(severity),
        status,
        null,
        '{"tactics":["TA0002"],"techniques":["T1059.001"]}',
        JSON.stringify({
          hosts: [host],
          users: [`CORP\\user${i % 900}`],
          ips: [ip],
          files: [],
          processes: [],
          urls: [],
          domains: [],
        }),
        host,
        first,
        last,
        1 + Math.floor(random() * 4),
        null,
        status === 'new' ? null : `analyst${i % 12}`,
        '[]',
        first,
        last,
      );
    }
  });
  for (let from = 0; from < count; from += batch) {
    insertBatch(from, Math.min(count, from + batch));
    if ((from + batch) % 200_000 === 0 || from + batch >= count)
      console.log(
        `  seeded ${Math.min(count, from + batch).toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
  }
  db.exec('ANALYZE');
  db.pragma('journal_mode = WAL');
  db.close();
  return (performance.now() - started) / 1000;
}

function timeCase(name: string, runs: number, work: () => { items: unknown[]; total: number }): ListCase {
  work();
  const times: number[] = [];
  let rows = 0;
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const page = work();
    times.push(performance.now() - start);
    rows = page.items.length;
    total = page.total;
  }
  times.sort((a, b) => a - b);
  return {
    name,
    runs,
    rows,
    total,
    p50Ms: round1(percentile(times, 50)),
    p95Ms: round1(percentile(times, 95)),
  };
}

/** Seeds `count` incidents, times list() in-process, then measures the idle shell's RSS on that data. */
export async function benchList(count = 1_000_000, runs = 50): Promise<ListBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-list-'));
  try {
    const file = dataPaths(dataDir).db;
    console.log(`Seeding ${count.toLocaleString('en')} incidents into ${file}`);
    const seedSeconds = seed(file, count);
    const db = openDatabase(file);
    const repo = createIncidentsRepo(db);
    const deep = db
      .prepare<[number], { last_seen: string; id: string }>(
        'SELECT last_seen, id FROM incidents ORDER BY last_seen DESC, id DESC LIMIT 1 OFFSET ?',
      )
      .get(Math.floor(count / 2));
    const page = (query: Omit<ListQuery, 'limit'>) => () => repo.list({ limit: 100, ...query });
    const cases = [
      timeCase('first page (100)', runs, page({})),
      timeCase(
        'page at row 500k (cursor)',
        runs,
        page(deep ? { cursor: { lastSeen: deep.last_seen, id: deep.id } } : {}),
      ),
      timeCase('severity = critical', runs, page({ severity: ['critical'] })),
      timeCase('status = new', runs, page({ status: ['new'] })),
      timeCase(
        'severity >= high, open',
        runs,
        page({ severity: ['high', 'critical'], status: ['new', 'acknowledged', 'in_progress'] }),
      ),
    ];
    const dbMb = round1(
      ((db.pragma('page_count', { simple: true }) as number) *
        (db.pragma('page_size', { simple: true }) as number)) /
        1048576,
    );
    db.close();

    const seedFile = join(dataDir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify({ webhook: { token: 'bench-list-webhook-token-0123456789' } }));
    const shell = startChild(
      'electron/server/cli.ts',
      ['--data-dir', dataDir, '--port', '0', '--webhook-port', '0', '--config', seedFile],
      { VIGIL_API_TOKEN: 'bench-api-token-0123456789', VIGIL_PIN: '12345678' },
    );
    let rss: number | null = null;
    try {
      await shell.waitFor(/Open:\s+http:\/\/127\.0\.0\.1:\d+/, 60_000);
      await new Promise((r) => setTimeout(r, 2_000));
      rss = shell.child.pid !== undefined ? rssMb(shell.child.pid) : null;
    } finally {
      await shell.stop();
    }
    return {
      incidents: count,
      seedSeconds: round1(seedSeconds),
      dbMb,
      cases,
      rssMb: rss,
      search: 'not implemented yet',
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
