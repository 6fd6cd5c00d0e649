/**
 * Shared pieces of the process-level benches: starting a server script as a
 * child process (so the load generator never shares an event loop with the
 * server it measures), an HTTP load generator over a bounded pool of
 * keep-alive connections, percentiles, and the targets of the hardening issue.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export { ROOT, startChild } from './child-process';
export type { ChildServer } from './child-process';

/** Targets from the hardening issue, printed beside the figures. */
export const TARGETS = {
  ingestShareOfCeiling: 0.8,
  ingestP99Ms: 10,
  listP95Ms: 50,
  rssMb: 200,
} as const;

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
