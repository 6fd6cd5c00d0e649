/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs
 * inside whichever commit pushes the WAL past 1000 pages, on the committing
 * thread, and with synchronous=NORMAL it syncs the WAL and then the database
 * file. Measured on the 2-core dev VM: 5-70 ms, about once every 90
 * single-event ingests, which was the webhook's p99 at 200 req/s.
 *
 * This service raises the main connection's automatic checkpoint to a
 * safety limit and runs PASSIVE checkpoints from a worker thread with its own
 * connection, which SQLite allows alongside the writer (WAL mode: the
 * checkpointer copies committed frames while new ones are appended). The
 * syncs still happen, so durability is unchanged; they just no longer hold
 * the event loop. Should the worker fail to start or die, the main
 * connection's automatic checkpoint is restored, so the WAL never grows
 * without bound and nothing but latency depends on the worker.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import type { Logger } from '../logger';
import type { Service, ServiceState } from '../service-host';
import type { Db } from './database';

/** SQLite's default: what the main connection checkpoints at by itself when no worker does it. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/**
 * While the worker runs, the main connection still checkpoints past this many
 * pages (about 40 MB). Under sustained saturation the WAL is rarely fully
 * copied at the moment a write begins (which is when SQLite rewinds it), so
 * it is reached there now and then (measured: about every 5 s at 4,600
 * req/s), with little left to copy; at steady rates the worker keeps up.
 */
const SAFETY_AUTOCHECKPOINT_PAGES = 10_000;
const INTERVAL_MS = 100;
const STOP_TIMEOUT_MS = 3_000;

/**
 * The worker's source, CommonJS evaluated in the worker (`eval: true`) so the
 * bundled shells need no separate entry file. It loads better-sqlite3 from the
 * path the main thread resolved, with the same native binding.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.file, {
  fileMustExist: true,
  ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}),
});
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
// This connection only checkpoints; it never commits, so its own automatic checkpoint never runs.
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message ? error.message : error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage({ ready: true });
`;

type WorkerMessage = { ready: true } | { error: string };

export interface WalCheckpointerDeps {
  db: Db;
  /** The database file the main connection has open. */
  file: string;
  /** The better_sqlite3.node the main connection uses (the Electron shell's build), if not the default. */
  nativeBinding?: string;
  logger: Logger;
}

export class WalCheckpointer implements Service {
  readonly name = 'wal-checkpointer';
  state: ServiceState = 'stopped';
  private worker: Worker | null = null;

  constructor(private readonly deps: WalCheckpointerDeps) {}

  /** Starts the worker; resolves once it has its connection (or has fallen back to the main thread). */
  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    this.state = 'starting';
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          modulePath: createRequire(import.meta.url).resolve('better-sqlite3'),
          file: this.deps.file,
          nativeBinding: this.deps.nativeBinding,
          intervalMs: INTERVAL_MS,
        },
      });
    } catch (error) {
      this.fallBack(error);
      return;
    }
    this.worker = worker;
    const ready = await new Promise<boolean>((resolve) => {
      const onMessage = (message: WorkerMessage) => {
        if ('ready' in message) resolve(true);
      };
      worker.on('message', onMessage);
      worker.once('error', (error) => {
        this.fallBack(error);
        resolve(false);
      });
      worker.once('exit', (code) => {
        if (this.worker === worker && this.state !== 'stopping') {
          this.fallBack(new Error(`the checkpoint worker exited with code ${code}`));
        }
        resolve(false);
      });
    });
    if (!ready) return;
    worker.on('message', (message: WorkerMessage) => {
      if ('error' in message) this.deps.logger.warn('WAL checkpoint failed', { error: message.error });
    });
    worker.unref();
    this.deps.db.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`);
    this.state = 'running';
  }

  /** Asks the worker for a last checkpoint, waits for it to close, and restores the main connection's own. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    this.restoreAutocheckpoint();
    this.state = 'stopped';
  }

  private fallBack(error: unknown): void {
    this.worker = null;
    this.restoreAutocheckpoint();
    this.state = 'failed';
    this.deps.logger.warn('WAL checkpoints run on the main thread (the checkpoint worker is not running)', {
      error: error instanceof Error ? error.message : String(error),
    });
  }

  private restoreAutocheckpoint(): void {
    if (this.deps.db.open) this.deps.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }
}
