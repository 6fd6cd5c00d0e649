/**
 * Webhook ingest over loopback: `POST /api/alert` against the real headless
 * shell (electron/server/cli.ts, its own process, temp data dir) and, as the
 * ceiling, against a bare Node server that only parses the JSON
 * (scripts/bench-ceiling.ts). Each gets the same load: saturation over a
 * bounded pool of keep-alive connections, then two fixed rates.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LoadResult } from './bench-load';
import { ROOT, runLoad, startChild } from './bench-load';

export interface IngestBenchOptions {
  saturationMs: number;
  rates: number[];
  rateMs: number;
  connections: number;
}

export interface IngestResult {
  name: string;
  runs: LoadResult[];
}

export interface IngestBench {
  vigil: IngestResult;
  ceiling: IngestResult;
  /** Vigil's saturation throughput as a share of the ceiling's. */
  shareOfCeiling: number;
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

async function loadRuns(url: string, options: IngestBenchOptions, runBase: number): Promise<LoadResult[]> {
  const headers = { authorization: `Bearer ${WEBHOOK_TOKEN}` };
  const runs: LoadResult[] = [];
  // A short warm-up so JIT and the first SQLite pages do not count against the first run.
  await runLoad({ url, headers, body: (i) => alertBody(runBase, i), durationMs: 1_000, connections: 8 });
  const plans: { rate?: number; durationMs: number }[] = [
    { durationMs: options.saturationMs },
    ...options.rates.map((rate) => ({ rate, durationMs: options.rateMs })),
  ];
  for (const [index, plan] of plans.entries()) {
    const run = runBase + index + 1;
    const result = await runLoad({
      url,
      headers,
      body: (i) => alertBody(run, i),
      durationMs: plan.durationMs,
      connections: options.connections,
      ...(plan.rate !== undefined ? { rate: plan.rate } : {}),
    });
    console.log(
      `  ${result.mode.padEnd(22)} ${String(result.requestsPerSec).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  errors ${result.errors}`,
    );
    runs.push(result);
  }
  return runs;
}

/** Ingest throughput and latency of the headless shell, then of the bare-Node ceiling. */
export async function benchIngest(options: IngestBenchOptions): Promise<IngestBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-ingest-'));
  const seed = join(dataDir, 'seed.json');
  writeFileSync(seed, JSON.stringify({ webhook: { token: WEBHOOK_TOKEN, rateLimitPerMin: 100_000_000 } }));
  let vigilRuns: LoadResult[];
  const vigil = startChild(
    'electron/server/cli.ts',
    ['--data-dir', join(dataDir, 'data'), '--port', '0', '--webhook-port', '0', '--config', seed],
    { VIGIL_API_TOKEN: 'bench-api-token-0123456789', VIGIL_PIN: '12345678' },
  );
  try {
    const webhook = (await vigil.waitFor(/Webhook:\s+(http:\/\/127\.0\.0\.1:\d+\/api\/alert)/))[1]!;
    console.log(`Vigil headless shell (pid ${vigil.child.pid ?? '?'})`);
    vigilRuns = await loadRuns(webhook, options, 0);
  } finally {
    await vigil.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  let ceilingRuns: LoadResult[];
  const ceiling = startChild(join(ROOT, 'scripts', 'bench-ceiling.ts'), []);
  try {
    const url = (await ceiling.waitFor(/Webhook:\s+(http:\/\/127\.0\.0\.1:\d+\/api\/alert)/))[1]!;
    console.log(`Bare Node ceiling (pid ${ceiling.child.pid ?? '?'})`);
    ceilingRuns = await loadRuns(url, options, 100);
  } finally {
    await ceiling.stop();
  }
  const vigilSat = vigilRuns[0]?.requestsPerSec ?? 0;
  const ceilingSat = ceilingRuns[0]?.requestsPerSec ?? 0;
  return {
    vigil: { name: 'Vigil POST /api/alert (headless shell)', runs: vigilRuns },
    ceiling: { name: 'bare Node: parse JSON, answer 202', runs: ceilingRuns },
    shareOfCeiling: ceilingSat > 0 ? Math.round((vigilSat / ceilingSat) * 1000) / 1000 : 0,
  };
}
