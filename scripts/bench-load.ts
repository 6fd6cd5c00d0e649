/**
 * Shared pieces of the process-level benches: starting a server script as a
 * child process (so the load generator never shares an event loop with the
 * server it measures), an HTTP load generator over a bounded pool of
 * keep-alive connections, percentiles, CPU readings from /proc, and the
 * targets of the hardening issue.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connect } from 'node:net';

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

/** CPU seconds (user + system) a live process has used, from /proc (Linux); null when unreadable. */
export function cpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name; utime and stime are the 12th and 13th, in clock ticks (100 Hz).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** Body of the i-th request. */
  body: (i: number) => string;
  durationMs: number;
  /** Requests per second; omitted = saturation (every connection always busy). */
  rate?: number;
  connections: number;
  /** The server's pid, to report the CPU it used. */
  serverPid?: number;
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
  /** CPU the server used over the run, in cores (1 = one core busy throughout); null when unreadable. */
  serverCores: number | null;
  /** CPU the load generator used, in cores: near 1 means the generator, not the server, set the pace. */
  generatorCores: number;
}

/** Most time a request may take before it counts as an error (and its connection is replaced). */
const REQUEST_TIMEOUT_MS = 10_000;

interface Connection {
  socket: Socket;
  /** When the request in flight was due (its latency is measured from then), or null when idle. */
  dueAt: number | null;
  received: Buffer | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Drives `url` with POSTs over `connections` keep-alive sockets, one request
 * in flight per socket (no pipelining: what a webhook sender does). At a
 * fixed rate, request i is due at start + i/rate and its latency is measured
 * from that due time, so a server that falls behind shows it in the latency
 * (no coordinated omission) instead of quietly lowering the offered rate.
 * Anything but a 202 counts as an error.
 *
 * It speaks HTTP/1.1 on plain sockets (a request is one write of a prebuilt
 * head and the body; an answer is found by its Content-Length) rather than
 * through node:http's client, which needs more CPU per request than a bare
 * Node server needs to answer one: on this 2-core machine the node:http
 * client was at 100% of a core at 13k req/s while the bare server was at
 * 66%, so the "ceiling" measured the client. This one uses about a third
 * of a core at 20k req/s, so both servers are measured, not the generator;
 * `generatorCores` is reported so a run can show it.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const head =
    `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
    'Content-Type: application/json\r\n' +
    Object.entries(options.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
  const latencies: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let sent = 0;
  let lastDone = 0;
  const waiting: number[] = [];
  const idle: Connection[] = [];
  const connections = new Set<Connection>();
  let finishing = false;
  let onIdle: (() => void) | null = null;
  const onError = (reason: string) => {
    errors++;
    if (errorSamples.size < 5) errorSamples.add(reason);
  };

  const start = performance.now();
  const end = start + options.durationMs;
  const saturation = options.rate === undefined;

  const send = (conn: Connection, dueAt: number) => {
    const body = options.body(sent++);
    conn.dueAt = dueAt;
    conn.timer = setTimeout(
      () => fail(conn, `timeout after ${REQUEST_TIMEOUT_MS / 1000} s`),
      REQUEST_TIMEOUT_MS,
    );
    conn.socket.write(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  /** The connection is free: next due request, the next saturation request, or rest. */
  const next = (conn: Connection) => {
    const due = waiting.shift();
    if (due !== undefined) send(conn, due);
    else if (saturation && !finishing && performance.now() < end) send(conn, performance.now());
    else {
      idle.push(conn);
      onIdle?.();
    }
  };
  const complete = (conn: Connection, status: number) => {
    clearTimeout(conn.timer ?? undefined);
    const now = performance.now();
    lastDone = now;
    if (status === 202) latencies.push(now - conn.dueAt!);
    else onError(`HTTP ${status}`);
    conn.dueAt = null;
    next(conn);
  };
  const fail = (conn: Connection, reason: string) => {
    clearTimeout(conn.timer ?? undefined);
    connections.delete(conn);
    conn.socket.destroy();
    if (conn.dueAt !== null) {
      lastDone = performance.now();
      onError(reason);
    }
    conn.dueAt = null;
    // Replace the connection so the pool keeps its size.
    if (!finishing) void open().then(next, (error: Error) => onError(`connect: ${error.message}`));
  };
  const parse = (conn: Connection) => {
    while (conn.received) {
      const buffer = conn.received;
      const headEnd = buffer.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const text = buffer.toString('latin1', 0, headEnd);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
      if (!length) {
        fail(conn, 'answer without Content-Length');
        return;
      }
      const total = headEnd + 4 + Number(length[1]);
      if (buffer.length < total) return;
      conn.received = buffer.length === total ? null : buffer.subarray(total);
      if (conn.dueAt === null) {
        fail(conn, 'answer without a request');
        return;
      }
      complete(conn, Number(text.slice(9, 12)));
    }
  };
  const open = () =>
    new Promise<Connection>((resolve, reject) => {
      const socket = connect(Number(target.port), target.hostname);
      const conn: Connection = { socket, dueAt: null, received: null, timer: null };
      socket.setNoDelay(true);
      socket.once('connect', () => {
        connections.add(conn);
        resolve(conn);
      });
      socket.on('data', (chunk: Buffer) => {
        conn.received = conn.received ? Buffer.concat([conn.received, chunk]) : chunk;
        parse(conn);
      });
      socket.on('error', (error) => {
        if (!connections.has(conn)) reject(error);
        else fail(conn, error.message);
      });
      socket.on('close', () => {
        if (connections.has(conn)) fail(conn, 'connection closed by the server');
      });
    });

  const cpuAtStart = process.cpuUsage();
  const serverAtStart = options.serverPid !== undefined ? cpuSeconds(options.serverPid) : null;
  const pool = await Promise.all(Array.from({ length: options.connections }, () => open()));
  const allIdle = () =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (idle.length >= connections.size && waiting.length === 0) resolve();
      };
      onIdle = check;
      check();
    });
  if (saturation) {
    for (const conn of pool) send(conn, performance.now());
    await allIdle();
  } else {
    idle.push(...pool);
    const interval = 1000 / options.rate!;
    const total = Math.floor((options.durationMs / 1000) * options.rate!);
    // Past this many requests waiting for a connection the server is hopelessly behind; stop offering more.
    const maxWaiting = options.connections * 64;
    let due = 0;
    while (due < total && performance.now() < end + 2_000) {
      const now = performance.now();
      while (due < total && start + due * interval <= now) {
        const dueAt = start + due * interval;
        due++;
        const conn = idle.pop();
        if (conn) send(conn, dueAt);
        else if (waiting.length < maxWaiting) waiting.push(dueAt);
        else onError('generator: too many requests waiting (server behind)');
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // The last answers get a bounded grace period.
    await Promise.race([allIdle(), new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS))]);
  }
  finishing = true;
  const stoppedAt = Math.max(lastDone, end);
  const cpu = process.cpuUsage(cpuAtStart);
  const serverAtEnd = options.serverPid !== undefined ? cpuSeconds(options.serverPid) : null;
  for (const conn of connections) {
    clearTimeout(conn.timer ?? undefined);
    conn.socket.destroy();
  }
  connections.clear();
  const elapsedS = (stoppedAt - start) / 1000;
  const wallS = (performance.now() - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    mode: saturation ? `saturation, ${options.connections} conns` : `${options.rate} req/s`,
    durationS: round1(elapsedS),
    sent,
    completed: sorted.length,
    requestsPerSec: Math.round(sorted.length / elapsedS),
    p50Ms: round1(percentile(sorted, 50)),
    p99Ms: round1(percentile(sorted, 99)),
    maxMs: round1(sorted.at(-1) ?? Number.NaN),
    errors,
    errorSamples: [...errorSamples],
    serverCores:
      serverAtStart !== null && serverAtEnd !== null ? round2((serverAtEnd - serverAtStart) / wallS) : null,
    generatorCores: round2((cpu.user + cpu.system) / 1e6 / wallS),
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
