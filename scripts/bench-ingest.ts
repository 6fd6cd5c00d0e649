/**
 * Webhook ingest over loopback: `POST /api/alert` against the real headless
 * shell (electron/server/cli.ts, its own process, temp data dir) and two
 * reference servers: the ceiling, a bare Node server that only parses the
 * JSON (scripts/bench-ceiling.ts), and the durable ceiling, the same server
 * committing the raw body to SQLite before its 202 (scripts/bench-durable.ts).
 * Each gets the same load: saturation over a bounded pool of keep-alive
 * connections, then fixed rates.
 *
 * The servers take turns, round after round (Vigil, ceiling, durable, Vigil,
 * ...), each round on a fresh process (and a fresh data dir), so a burst of
 * load from elsewhere on the machine lands on all of them rather than on one;
 * a figure is the median of the rounds, with the spread beside it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ChildServer, LoadResult } from './bench-load';
import { ROOT, runLoad, startChild } from './bench-load';

export interface IngestBenchOptions {
  /** Rounds per server; each figure is the median over them. */
  rounds: number;
  saturationMs: number;
  rates: number[];
  rateMs: number;
  connections: number;
}

/** One load (saturation or a rate) over the rounds: the median of each figure and its spread. */
export interface IngestCase {
  mode: string;
  requestsPerSec: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  maxMs: Spread;
  serverCores: Spread | null;
  generatorCores: Spread;
  errors: number;
  errorSamples: string[];
  /** Every round's own result, in order. */
  runs: LoadResult[];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface IngestResult {
  name: string;
  cases: IngestCase[];
}

export interface IngestBench {
  rounds: number;
  vigil: IngestResult;
  ceiling: IngestResult;
  /**
   * The ceiling plus the raw event committed to SQLite before the 202 and
   * nothing else (scripts/bench-durable.ts): what durability alone leaves of the ceiling.
   */
  durable: IngestResult;
  /** Vigil's median saturation throughput as a share of the ceiling's. */
  shareOfCeiling: number;
  /** The durable ceiling's median saturation throughput as a share of the ceiling's: the most Vigil could reach. */
  durableShareOfCeiling: number;
  /** The share round by round (Vigil's round i against the ceiling's round i). */
  shareByRound: number[];
}

const WEBHOOK_TOKEN = 'bench-ingest-webhook-token-0123456789';

const TYPES = ['ids', 'edr', 'waf', 'auth', 'dlp', 'av'];
const SEVERITY_MIX = ['info', 'low', 'medium', 'medium', 'high', 'high', 'critical'];
const RULES = [
  'Outbound connection to known C2',
  'Multiple failed logons followed by success',
  'SQL injection attempt blocked',
  'Suspicious PowerShell download cradle',
  'Sensitive file copied to removable media',
  'Malware detected and quarantined',
  'Port scan from internal host',
  'Impossible travel sign-in',
];

/**
 * The i-th alert of a run. Targets are distinct per request except every
 * tenth, which repeats a recent one, so most alerts open a new incident and
 * some take the deduplication path. `run` keeps runs from colliding.
 */
function alertBody(run: number, i: number): string {
  const n = i % 10 === 9 ? i - 5 : i;
  const host = `ws-${run}-${n.toString(36).padStart(5, '0')}.corp.example.com`;
  const ip = `10.${run % 250}.${(n >> 8) & 255}.${(n & 255) + 1 > 254 ? 254 : (n & 255) + 1}`;
  const rule = RULES[n % RULES.length]!;
  return JSON.stringify({
    type: TYPES[n % TYPES.length],
    severity: SEVERITY_MIX[n % SEVERITY_MIX.length],
    ip,
    target: host,
    rule,
    timestamp: new Date().toISOString(),
    source_log:
      `${new Date().toISOString()} sensor-${n % 7} ${rule}: src=${ip} dst=203.0.113.${(n % 250) + 1} ` +
      `proto=tcp dport=${[443, 445, 3389, 22, 80][n % 5]} user=CORP\\user${n % 500} action=alert`,
  });
}

/** One round against one server: a short warm-up, saturation, then each fixed rate. */
async function loadRound(
  server: ChildServer,
  url: string,
  options: IngestBenchOptions,
  runBase: number,
): Promise<LoadResult[]> {
  const headers = { authorization: `Bearer ${WEBHOOK_TOKEN}` };
  const serverPid = server.child.pid;
  const pid = serverPid !== undefined ? { serverPid } : {};
  // A short warm-up so JIT and the first SQLite pages do not count against the first run.
  await runLoad({ url, headers, body: (i) => alertBody(runBase, i), durationMs: 1_000, connections: 8 });
  const plans: { rate?: number; durationMs: number }[] = [
    { durationMs: options.saturationMs },
    ...options.rates.map((rate) => ({ rate, durationMs: options.rateMs })),
  ];
  const results: LoadResult[] = [];
  for (const [index, plan] of plans.entries()) {
    const run = runBase + index + 1;
    const result = await runLoad({
      url,
      headers,
      body: (i) => alertBody(run, i),
      durationMs: plan.durationMs,
      connections: options.connections,
      ...(plan.rate !== undefined ? { rate: plan.rate } : {}),
      ...pid,
    });
    console.log(
      `    ${result.mode.padEnd(22)} ${String(result.requestsPerSec).padStart(6)} req/s  p50 ${result.p50Ms} ms  ` +
        `p99 ${result.p99Ms} ms  errors ${result.errors}  cpu: server ${result.serverCores ?? '?'}, generator ${result.generatorCores}`,
    );
    results.push(result);
  }
  return results;
}

async function vigilRound(options: IngestBenchOptions, round: number): Promise<LoadResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-ingest-'));
  const seed = join(dataDir, 'seed.json');
  writeFileSync(seed, JSON.stringify({ webhook: { token: WEBHOOK_TOKEN, rateLimitPerMin: 100_000_000 } }));
  const vigil = startChild(
    'electron/server/cli.ts',
    ['--data-dir', join(dataDir, 'data'), '--port', '0', '--webhook-port', '0', '--config', seed],
    { VIGIL_API_TOKEN: 'bench-api-token-0123456789', VIGIL_PIN: '12345678' },
  );
  try {
    const webhook = (await vigil.waitFor(/Webhook:\s+(http:\/\/127\.0\.0\.1:\d+\/api\/alert)/))[1]!;
    console.log(`  round ${round + 1}: Vigil headless shell (pid ${vigil.child.pid ?? '?'})`);
    return await loadRound(vigil, webhook, options, round * 1000);
  } finally {
    await vigil.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A reference server of scripts/ (the bare ceiling or the durable ceiling), one round on a fresh process. */
async function referenceRound(
  script: string,
  label: string,
  options: IngestBenchOptions,
  round: number,
  runBase: number,
): Promise<LoadResult[]> {
  const server = startChild(join(ROOT, 'scripts', script), []);
  try {
    const url = (await server.waitFor(/Webhook:\s+(http:\/\/127\.0\.0\.1:\d+\/api\/alert)/))[1]!;
    console.log(`  round ${round + 1}: ${label} (pid ${server.child.pid ?? '?'})`);
    return await loadRound(server, url, options, runBase + round * 1000);
  } finally {
    await server.stop();
  }
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  // The lower middle for an even count, so a figure is always one that was measured.
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}

/** Case i of every round, summarised. */
function summarise(rounds: LoadResult[][]): IngestCase[] {
  return (rounds[0] ?? []).map((first, i) => {
    const runs = rounds.map((round) => round[i]!);
    const cores = runs.map((r) => r.serverCores);
    return {
      mode: first.mode,
      requestsPerSec: spread(runs.map((r) => r.requestsPerSec)),
      p50Ms: spread(runs.map((r) => r.p50Ms)),
      p99Ms: spread(runs.map((r) => r.p99Ms)),
      maxMs: spread(runs.map((r) => r.maxMs)),
      serverCores: cores.every((c) => c !== null) ? spread(cores) : null,
      generatorCores: spread(runs.map((r) => r.generatorCores)),
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
      errorSamples: [...new Set(runs.flatMap((r) => r.errorSamples))].slice(0, 5),
      runs,
    };
  });
}

/** Ingest throughput and latency of the headless shell and of both reference servers, in alternating rounds. */
export async function benchIngest(options: IngestBenchOptions): Promise<IngestBench> {
  const vigilRounds: LoadResult[][] = [];
  const ceilingRounds: LoadResult[][] = [];
  const durableRounds: LoadResult[][] = [];
  for (let round = 0; round < options.rounds; round++) {
    vigilRounds.push(await vigilRound(options, round));
    ceilingRounds.push(await referenceRound('bench-ceiling.ts', 'bare Node ceiling', options, round, 500));
    durableRounds.push(await referenceRound('bench-durable.ts', 'durable ceiling', options, round, 700));
  }
  const vigil = summarise(vigilRounds);
  const ceiling = summarise(ceilingRounds);
  const durable = summarise(durableRounds);
  const saturated = (cases: IngestCase[]) => cases[0]?.requestsPerSec.median ?? 0;
  const share = (v: number, c: number) => (c > 0 ? Math.round((v / c) * 1000) / 1000 : 0);
  return {
    rounds: options.rounds,
    vigil: { name: 'Vigil POST /api/alert (headless shell)', cases: vigil },
    ceiling: { name: 'bare Node: parse JSON, answer 202', cases: ceiling },
    durable: { name: 'durable ceiling: bare Node + raw event committed to SQLite', cases: durable },
    shareOfCeiling: share(saturated(vigil), saturated(ceiling)),
    durableShareOfCeiling: share(saturated(durable), saturated(ceiling)),
    shareByRound: vigilRounds.map((round, i) =>
      share(round[0]?.requestsPerSec ?? 0, ceilingRounds[i]?.[0]?.requestsPerSec ?? 0),
    ),
  };
}

/** A median with its spread, e.g. "4210 (3980-4400)". */
export function formatSpread(value: Spread, digits = 0): string {
  const f = (n: number) => (Number.isNaN(n) ? '?' : n.toFixed(digits));
  return value.min === value.max ? f(value.median) : `${f(value.median)} (${f(value.min)}-${f(value.max)})`;
}
