/**
 * The incident list and search at 1,000,000 incidents: a temp database
 * migrated by openDatabase and seeded straight through better-sqlite3 (the
 * ingestor would take far too long for a million; the full-text triggers
 * still index every row as in the product), then the repository's list()
 * timed in-process for the queries the UI makes, and the headless shell's
 * resident memory once it has opened that database and gone idle.
 *
 * The data is deterministic (a fixed PRNG seed) and shaped like a console two
 * years into use: incidents spread over two years up to now in arrival
 * order; older ones mostly closed, the last days mostly open; 6,000 hosts
 * (WS-FIN-042, srv-db-007.corp.local), their addresses plus some public
 * ones, 1,200 users written CORP\jdoe or j.doe@corp.local, a few tags,
 * assignees on handled incidents, an AI summary on 3 % of them, and titles
 * from common (Encoded PowerShell, ~16 %) to rare (Kerberoasting, ~0.05 %).
 *
 * Every timed call is a first page as the UI asks for it (with its count),
 * except the deep pages, which carry the count in their cursor as
 * incidents.list does. No ANALYZE: the product never runs it, and the list
 * chooses its indexes itself.
 *
 * Standalone: node --import tsx scripts/bench-list.ts [--count N] [--runs N]
 *   [--db FILE] (seed FILE once and reuse it) [--no-rss]
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  /** CPU time of this process per call (median): the same work on a machine busy with other things. */
  cpuP50Ms: number;
}

export interface ListBench {
  incidents: number;
  seedSeconds: number;
  dbMb: number;
  /** list() without full-text search: first pages, deep pages, each filter, each sort. */
  cases: ListCase[];
  rssMb: number | null;
  /** Full-text search (`q`), first page with its count. */
  searchCases: ListCase[];
  /** One line for the targets table: the worst search p95 against its target. */
  search: string;
}

/** Search p95 target at 1M incidents (the list's is TARGETS.listP95Ms). */
export const SEARCH_P95_MS = 100;

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
/** Title templates with cumulative weights; the last ones are rare. */
const TITLES: [string, number][] = [
  ['Credential dumping: Mimikatz executed', 0.14],
  ['Encoded PowerShell downloading a payload', 0.3],
  ['Multiple failed logons followed by success', 0.46],
  ['Outbound connection to known C2', 0.58],
  ['Unsigned binary launched from a temp folder', 0.7],
  ['Lateral movement over SMB admin share', 0.8],
  ['Suspicious scheduled task created', 0.87],
  ['Office macro spawned a command shell', 0.93],
  ['Ransomware behaviour: mass file renames', 0.97],
  ['DNS tunnelling suspected', 0.9995],
  ['Kerberoasting: TGS requests for service accounts', 1],
];
const HOST_KINDS = ['WS', 'LT', 'SRV', 'VDI'];
const DEPTS = ['FIN', 'HR', 'DEV', 'OPS', 'SALES', 'LEGAL', 'IT', 'MKT'];
const FIRST = ['j', 'anna', 'm', 'oleg', 'svetlana', 'p', 'david', 'li', 'fatima', 'k', 'maria', 'tom'];
const LAST = ['doe', 'petrov', 'smith', 'ivanova', 'garcia', 'chen', 'kowalski', 'nguyen', 'muller', 'rossi'];
const ANALYSTS = ['a.volkova', 'b.keller', 'c.ortiz', 'd.sato', 'e.haddad', 'f.larsen'];
const SUMMARY_WORDS = [
  'the',
  'process',
  'beacon',
  'persistence',
  'credential',
  'exfiltration',
  'likely',
  'benign',
  'admin',
  'tooling',
  'observed',
  'contained',
  'isolate',
  'reset',
  'password',
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

/** Host n of 6,000: workstations as WS-FIN-042, every fifth a server FQDN. */
function hostName(n: number): string {
  const kind = HOST_KINDS[n % HOST_KINDS.length]!;
  const dept = DEPTS[Math.floor(n / HOST_KINDS.length) % DEPTS.length]!;
  const number = String(Math.floor(n / (HOST_KINDS.length * DEPTS.length)) + 1).padStart(3, '0');
  return kind === 'SRV' ? `srv-${dept.toLowerCase()}-${number}.corp.local` : `${kind}-${dept}-${number}`;
}

/** Host n's own address. */
function hostIp(n: number): string {
  return `10.${20 + (n % 30)}.${Math.floor(n / 30) % 250}.${(n % 200) + 10}`;
}

/** User n of 1,200, as CORP\jdoe (even) or j.doe@corp.local (odd). */
function userName(n: number): string {
  const first = FIRST[n % FIRST.length]!;
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
  const suffix = Math.floor(n / (FIRST.length * LAST.length));
  const tail = suffix === 0 ? '' : String(suffix);
  return n % 2 === 0 ? `CORP\\${first[0]}${last}${tail}` : `${first}.${last}${tail}@corp.local`;
}

interface SeedResult {
  seconds: number;
  analyses: number;
}

/** Seeds `count` incidents into a new database at `file`. */
function seedIncidents(file: string, count: number, log: (line: string) => void): SeedResult {
  const started = performance.now();
  const db = openDatabase(file);
  // Bulk load only: no journal and no fsync; the product reopens it in WAL.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = db.prepare(`
    INSERT INTO incidents (id, fingerprint, source_kind, source_id, source_name, vendor_id, console_url, title,
      description, severity, severity_rank, status, category, mitre, entities, host, first_seen, last_seen, count,
      vendor_status, assignee, tags, created_at, updated_at, acknowledged_at, resolved_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertAnalysis = db.prepare(`
    INSERT INTO analyses (incident_id, fingerprint, state, answer, pseudonym_map, model, cached, created_at,
      finished_at)
    VALUES (?, ?, 'done', ?, '{}', 'bench-model', 0, ?, ?)`);
  const random = prng(1_000_000);
  const now = Date.now();
  const span = 2 * 365 * 24 * 3600 * 1000;
  const batch = 50_000;
  let analyses = 0;
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
      const titleRoll = random();
      const title = TITLES.find(([, w]) => titleRoll < w)![0];
      const hostIndex = Math.floor(random() * 6000);
      const hosts = [hostName(hostIndex)];
      if (random() < 0.15) hosts.push(hostName(Math.floor(random() * 6000)));
      const ips = [hostIp(hostIndex)];
      if (random() < 0.3)
        ips.push(`${random() < 0.5 ? '203.0.113' : '198.51.100'}.${1 + Math.floor(random() * 254)}`);
      const users = random() < 0.9 ? [userName(Math.floor(random() * 1200))] : [];
      const tagRoll = random();
      const tags =
        tagRoll < 0.1 ? ['vip'] : tagRoll < 0.15 ? ['pci'] : tagRoll < 0.18 ? ['phishing', 'email'] : [];
      const first = new Date(firstMs).toISOString();
      const last = new Date(lastMs).toISOString();
      const handledMs = firstMs + Math.floor(random() * 3 * 3600 * 1000);
      const acknowledgedAt = status === 'new' ? null : new Date(Math.min(handledMs, now)).toISOString();
      const resolvedAt =
        status === 'resolved' || status === 'closed' || status === 'false_positive'
          ? new Date(Math.min(handledMs + Math.floor(random() * 24 * 3600 * 1000), now)).toISOString()
          : null;
      const id = `inc_${firstMs.toString(16).padStart(12, '0')}${(i & 0xffff).toString(16).padStart(4, '0')}${Math.floor(
        random() * 0xffffffff,
      )
        .toString(16)
        .padStart(8, '0')}`;
      const fingerprint = `alert|${title}|${hosts[0]}`;
      insert.run(
        id,
        fingerprint,
        source.kind,
        source.id,
        source.name,
        source.kind === 'webhook' ? null : `${1_700_000_000_000 + i}`,
        null,
        `${title} on ${hosts[0]}`,
        `${title} reported for ${hosts[0]} (${ips[0]})${users[0] ? `; user ${users[0]}` : ''}.`,
        severity,
        severityRank(severity),
        status,
        null,
        '{"tactics":["TA0002"],"techniques":["T1059.001"]}',
        JSON.stringify({ hosts, users, ips, files: [], processes: [], urls: [], domains: [] }),
        hosts[0],
        first,
        last,
        1 + Math.floor(random() * 4),
        null,
        status === 'new' ? null : ANALYSTS[i % ANALYSTS.length]!,
        JSON.stringify(tags),
        first,
        last,
        acknowledgedAt,
        resolvedAt,
      );
      if (random() < 0.03) {
        const words = Array.from(
          { length: 12 },
          () => SUMMARY_WORDS[Math.floor(random() * SUMMARY_WORDS.length)]!,
        );
        const summary = `HOST_1 shows ${title.toLowerCase()}; ${words.join(' ')}.`;
        insertAnalysis.run(id, fingerprint, JSON.stringify({ summary }), last, last);
        analyses++;
      }
    }
  });
  for (let from = 0; from < count; from += batch) {
    insertBatch(from, Math.min(count, from + batch));
    if ((from + batch) % 200_000 === 0 || from + batch >= count)
      log(
        `  seeded ${Math.min(count, from + batch).toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
  }
  db.pragma('journal_mode = WAL');
  db.close();
  return { seconds: (performance.now() - started) / 1000, analyses };
}

function timeCase(name: string, runs: number, work: () => { items: unknown[]; total: number }): ListCase {
  work();
  const times: number[] = [];
  const cpu: number[] = [];
  let rows = 0;
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const used = process.cpuUsage();
    const start = performance.now();
    const page = work();
    times.push(performance.now() - start);
    const spent = process.cpuUsage(used);
    cpu.push((spent.user + spent.system) / 1000);
    rows = page.items.length;
    total = page.total;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    name,
    runs,
    rows,
    total,
    p50Ms: round1(percentile(times, 50)),
    p95Ms: round1(percentile(times, 95)),
    cpuP50Ms: round1(percentile(cpu, 50)),
  };
}

function printCases(title: string, cases: ListCase[]): void {
  const width = Math.max(title.length, ...cases.map((c) => c.name.length));
  console.log(
    `${title.padEnd(width)}  ${'matching'.padStart(9)}  ${'p50 ms'.padStart(7)}  ${'p95 ms'.padStart(7)}  ${'cpu p50'.padStart(7)}`,
  );
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(9)}  ${'-'.repeat(7)}  ${'-'.repeat(7)}  ${'-'.repeat(7)}`);
  for (const c of cases) {
    const matching = c.total >= 100_000 ? '100,000+' : c.total.toLocaleString('en');
    console.log(
      `${c.name.padEnd(width)}  ${matching.padStart(9)}  ${c.p50Ms.toFixed(1).padStart(7)}  ${c.p95Ms.toFixed(1).padStart(7)}  ${c.cpuP50Ms.toFixed(1).padStart(7)}`,
    );
  }
}

type Query = Omit<ListQuery, 'limit'>;

/** Times list() and search on a seeded database file. */
function timeQueries(
  file: string,
  count: number,
  runs: number,
): { cases: ListCase[]; searchCases: ListCase[]; dbMb: number } {
  const db = openDatabase(file);
  const repo = createIncidentsRepo(db);
  const page = (query: Query) => () => repo.list({ limit: 100, ...query });
  /** A page deep in the list, with the first page's count carried as the cursor carries it. */
  const deep = (query: Query, offset: number) => {
    const first = repo.list({ limit: 100, ...query });
    let cursor: ListQuery['cursor'];
    const sort = query.sort ?? 'lastSeen';
    const column = sort === 'firstSeen' ? 'first_seen' : 'last_seen';
    const row = db
      .prepare<[number], { last_seen: string; first_seen: string; severity_rank: number; id: string }>(
        `SELECT last_seen, first_seen, severity_rank, id FROM incidents ORDER BY ${sort === 'severity' ? 'severity_rank DESC, ' : ''}${column} DESC, id DESC LIMIT 1 OFFSET ?`,
      )
      .get(offset);
    if (row)
      cursor = {
        lastSeen: row.last_seen,
        firstSeen: row.first_seen,
        severityRank: row.severity_rank,
        id: row.id,
      };
    return () => repo.list({ limit: 100, ...query, cursor, carry: first.carry });
  };
  const half = Math.floor(count / 2);
  const open: Status[] = ['new', 'acknowledged', 'in_progress'];
  const ip = hostIp(1234);
  const cases = [
    timeCase('first page (100)', runs, page({})),
    timeCase(`page at row ${half.toLocaleString('en')} (cursor)`, runs, deep({}, half)),
    timeCase('severity = critical', runs, page({ severity: ['critical'] })),
    timeCase('status = new', runs, page({ status: ['new'] })),
    timeCase('status = open (3 values)', runs, page({ status: open })),
    timeCase('status = open, oldest first', runs, page({ status: open, order: 'asc' })),
    timeCase('source kind = sentinelone', runs, page({ sourceKind: ['sentinelone'] })),
    timeCase('source id = mp', runs, page({ sourceId: ['mp'] })),
    timeCase(`host = ${hostName(42)}`, runs, page({ host: hostName(42) })),
    timeCase(`host = ${hostName(2)} (server)`, runs, page({ host: hostName(2) })),
    timeCase('host prefix WS-FIN-04*', runs, page({ host: 'WS-FIN-04*' })),
    timeCase(`ip = ${ip}`, runs, page({ ip })),
    timeCase(`user = ${userName(8)}`, runs, page({ user: userName(8) })),
    timeCase(`user = ${userName(9)}`, runs, page({ user: userName(9) })),
    timeCase('tag = vip', runs, page({ tag: 'vip' })),
    timeCase('assignee = b.keller', runs, page({ assignee: 'b.keller' })),
    timeCase('assignee prefix a.*', runs, page({ assignee: 'a.*' })),
    timeCase('last 24 hours', runs, page({ from: new Date(Date.now() - 86_400_000).toISOString() })),
    timeCase(
      'severity >= high, open, sentinelone',
      runs,
      page({ severity: ['high', 'critical'], status: open, sourceKind: ['sentinelone'] }),
    ),
    timeCase(
      'critical, closed, last 30 days',
      runs,
      page({
        severity: ['critical'],
        status: ['closed'],
        from: new Date(Date.now() - 30 * 86_400_000).toISOString(),
      }),
    ),
    timeCase(
      'severity = critical, page at row 40,000',
      runs,
      deep({ severity: ['critical'], sort: 'severity' }, 40_000),
    ),
    timeCase('sort lastSeen ascending', runs, page({ order: 'asc' })),
    timeCase('sort firstSeen descending', runs, page({ sort: 'firstSeen' })),
    timeCase('sort firstSeen ascending', runs, page({ sort: 'firstSeen', order: 'asc' })),
    timeCase('sort severity descending', runs, page({ sort: 'severity' })),
    timeCase('sort severity ascending', runs, page({ sort: 'severity', order: 'asc' })),
    timeCase(
      `sort firstSeen, page at row ${half.toLocaleString('en')}`,
      runs,
      deep({ sort: 'firstSeen' }, half),
    ),
  ];
  const search = (q: string, extra: Query = {}) => page({ q, ...extra });
  const searchCases = [
    timeCase(`host: ${hostName(42)}`, runs, search(hostName(42))),
    timeCase('host prefix: WS-FIN-04*', runs, search('WS-FIN-04*')),
    timeCase(`ip: ${ip}`, runs, search(ip)),
    timeCase('ip prefix: 10.21.3*', runs, search('10.21.3*')),
    timeCase(`user: ${userName(8)}`, runs, search(userName(8))),
    timeCase(`user: ${userName(9)}`, runs, search(userName(9))),
    timeCase('title word: mimikatz', runs, search('mimikatz')),
    timeCase('rare term: kerberoasting', runs, search('kerberoasting')),
    timeCase('AI summary word: exfiltration', runs, search('exfiltration')),
    timeCase('common term: powershell (~16 %)', runs, search('powershell')),
    timeCase('very common term: corp (~90 %)', runs, search('corp')),
    timeCase('two words: lateral smb', runs, search('lateral smb')),
    timeCase('common term, sorted by severity', runs, search('powershell', { sort: 'severity' })),
    timeCase('common term + status = new', runs, search('powershell', { status: ['new'] })),
  ];
  const dbMb = round1(
    ((db.pragma('page_count', { simple: true }) as number) *
      (db.pragma('page_size', { simple: true }) as number)) /
      1048576,
  );
  db.close();
  return { cases, searchCases, dbMb };
}

async function idleRss(dataDir: string): Promise<number | null> {
  const seedFile = join(dataDir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify({ webhook: { token: 'bench-list-webhook-token-0123456789' } }));
  const shell = startChild(
    'electron/server/cli.ts',
    ['--data-dir', dataDir, '--port', '0', '--webhook-port', '0', '--config', seedFile],
    { VIGIL_API_TOKEN: 'bench-api-token-0123456789', VIGIL_PIN: '12345678' },
  );
  try {
    await shell.waitFor(/Open:\s+http:\/\/127\.0\.0\.1:\d+/, 60_000);
    await new Promise((r) => setTimeout(r, 2_000));
    return shell.child.pid !== undefined ? rssMb(shell.child.pid) : null;
  } finally {
    await shell.stop();
  }
}

export interface ListBenchOptions {
  /** Seed this file once and reuse it on later runs (the default seeds a temp database and removes it). */
  dbFile?: string;
  /** Skip starting the headless shell to read its idle RSS. */
  skipRss?: boolean;
}

/** Seeds `count` incidents, times list() and search in-process, then measures the idle shell's RSS on that data. */
export async function benchList(
  count = 1_000_000,
  runs = 50,
  options: ListBenchOptions = {},
): Promise<ListBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-list-'));
  try {
    const file = options.dbFile ?? dataPaths(dataDir).db;
    let seedSeconds = 0;
    if (options.dbFile && existsSync(options.dbFile)) {
      console.log(`Reusing the seeded database ${file}`);
    } else {
      console.log(`Seeding ${count.toLocaleString('en')} incidents into ${file}`);
      const seeded = seedIncidents(file, count, (line) => console.log(line));
      seedSeconds = seeded.seconds;
      console.log(`  with ${seeded.analyses.toLocaleString('en')} AI summaries`);
    }
    const { cases, searchCases, dbMb } = timeQueries(file, count, runs);
    console.log('');
    printCases('search (q), first page of 100 with its count', searchCases);
    let rss: number | null = null;
    if (!options.skipRss) {
      if (options.dbFile) {
        console.log('(idle RSS is measured on a temp database only; skipped with --db)');
      } else {
        rss = await idleRss(dataDir);
      }
    }
    const worst = searchCases.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
    return {
      incidents: count,
      seedSeconds: round1(seedSeconds),
      dbMb,
      cases,
      rssMb: rss,
      searchCases,
      search: `p95 ${worst.p95Ms.toFixed(1)} ms worst (${worst.name}), goal < ${SEARCH_P95_MS} ms: ${
        worst.p95Ms < SEARCH_P95_MS ? 'ok' : 'MISSED'
      }`,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at >= 0 ? process.argv[at + 1] : undefined;
  };
  const count = Number(arg('--count') ?? 1_000_000);
  const runs = Number(arg('--runs') ?? 50);
  const dbFile = arg('--db');
  const result = await benchList(count, runs, {
    ...(dbFile ? { dbFile: resolve(dbFile) } : {}),
    skipRss: process.argv.includes('--no-rss'),
  });
  console.log('');
  printCases('list() query, limit 100', result.cases);
  const worst = result.cases.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
  console.log(`\nlist p95 worst ${worst.p95Ms.toFixed(1)} ms (${worst.name}); search ${result.search}`);
  if (result.rssMb !== null) console.log(`idle headless shell RSS ${result.rssMb} MB`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
