/**
 * Shared pieces of the process-level benches: starting a server script as a
 * child process (so the load generator never shares an event loop with the
 * server it measures), an HTTP load generator over a bounded pool of
 * keep-alive connections, percentiles, and the targets of the hardening issue.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Targets from the hardening issue, printed beside the figures. */
export const TARGETS = {
  ingestShareOfCeiling: 0.8,
  ingestP99Ms: 10,
  listP95Ms: 50,
  rssMb: 200,
} as const;

export interface ChildServer {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr, rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs `node --import tsx <script> ...args` from the repository root. */
export function startChild(script: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildServer {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (d: Buffer) => {
    // Only the start of the output matters (the printed URLs); keep memory bounded.
    if (output.length < 64 * 1024) output += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpExecArray>((done, fail) => {
      const check = () => {
        const match = pattern.exec(output);
        if (!match) return;
        clearTimeout(timer);
        listeners.delete(check);
        done(match);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        fail(new Error(`no ${String(pattern)} from ${script} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    child,
    output: () => output,
    waitFor,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a live process in MB, from /proc (Linux). */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round1 = (n: number): number => Math.round(n * 10) / 10;

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** Body of the i-th request. */
  body: (i: number) => string;
  durationMs: number;
  /** Requests per second; omitted = saturation (every connection always busy). */
  rate?: number;
  connections: number;
}

export interface LoadResult {
  mode: string;
  durationS: number;
  sent: number;
  completed: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** The first few distinct error reasons, to tell a 429 from a refused connection. */
  errorSamples: string[];
}

/**
 * Drives `url` with POSTs over at most `connections` keep-alive sockets. At a
 * fixed rate, request i is due at start + i/rate and its latency is measured
 * from that due time, so a server that falls behind shows it in the latency
 * (no coordinated omission) instead of quietly lowering the offered rate.
 * Anything but a 202 counts as an error.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.connections,
    maxFreeSockets: options.connections,
  });
  const target = new URL(options.url);
  const latencies: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  let lastDone = 0;
  const onError = (reason: string) => {
    errors++;
    if (errorSamples.size < 5) errorSamples.add(reason);
  };

  const fire = (i: number, dueAt: number): Promise<void> =>
    new Promise((done) => {
      const body = options.body(i);
      sent++;
      inFlight++;
      const finish = (ok: boolean, reason?: string) => {
        inFlight--;
        const now = performance.now();
        lastDone = now;
        if (ok) latencies.push(now - dueAt);
        else onError(reason ?? 'error');
        done();
      };
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            ...options.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => finish(res.statusCode === 202, `HTTP ${res.statusCode ?? '?'}`));
          res.on('error', (error) => finish(false, error.message));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout after 10 s')));
      req.on('error', (error) => finish(false, error.message));
      req.end(body);
    });

  const start = performance.now();
  const end = start + options.durationMs;
  if (options.rate === undefined) {
    // Saturation: each connection sends its next request as soon as the previous answer is in.
    const worker = async () => {
      while (performance.now() < end) {
        const now = performance.now();
        await fire(sent, now);
      }
    };
    await Promise.all(Array.from({ length: options.connections }, () => worker()));
  } else {
    const interval = 1000 / options.rate;
    const total = Math.floor((options.durationMs / 1000) * options.rate);
    // Past this many queued requests the server is hopelessly behind; stop offering more.
    const maxQueued = options.connections * 64;
    const pending: Promise<void>[] = [];
    let next = 0;
    while (next < total) {
      const now = performance.now();
      if (now > end + 2_000) break;
      while (next < total && start + next * interval <= now) {
        if (inFlight >= maxQueued) {
          onError('generator: too many requests queued (server behind)');
          next++;
          continue;
        }
        pending.push(fire(next, start + next * interval));
        next++;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    // The last answers get a bounded grace period.
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 10_000))]);
  }
  const elapsedS = (Math.max(lastDone, end) - start) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    mode: options.rate === undefined ? `saturation, ${options.connections} conns` : `${options.rate} req/s`,
    durationS: round1(elapsedS),
    sent,
    completed: sorted.length,
    requestsPerSec: Math.round(sorted.length / elapsedS),
    p50Ms: round1(percentile(sorted, 50)),
    p99Ms: round1(percentile(sorted, 99)),
    maxMs: round1(sorted.at(-1) ?? Number.NaN),
    errors,
    errorSamples: [...errorSamples],
  };
}
