/**
 * Quitting stops the core exactly once (flushes the database, closes the
 * webhook listener) before the process exits, and exits anyway if stopping
 * hangs: a stuck shutdown must never leave an invisible process behind.
 */
import type { Logger } from '../core/logger';

export interface ShutdownOptions {
  stop: (reason: string) => Promise<void>;
  exit: (code: number) => void;
  timeoutMs: number;
  logger: Logger;
}

export interface Shutdown {
  /**
   * Starts shutting down and exits with `exitCode` (1 if stopping failed or
   * timed out). Later calls return the same promise; never rejects.
   */
  run(reason: string, exitCode?: number): Promise<void>;
  /** True once run() was called. */
  readonly started: boolean;
}

/** Creates the once-only shutdown sequence: stop (bounded by a timeout), then exit. */
export function createShutdown(options: ShutdownOptions): Shutdown {
  let running: Promise<void> | null = null;

  const sequence = async (reason: string, exitCode: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    let code = exitCode;
    try {
      const outcome = await Promise.race([options.stop(reason).then(() => 'stopped' as const), timeout]);
      if (outcome === 'timeout') {
        code = 1;
        options.logger.error('core did not stop in time; exiting anyway', {
          reason,
          timeoutMs: options.timeoutMs,
        });
      }
    } catch (error) {
      code = 1;
      options.logger.error('core failed to stop cleanly', { reason, error });
    } finally {
      clearTimeout(timer);
    }
    options.exit(code);
  };

  return {
    run(reason, exitCode = 0) {
      running ??= sequence(reason, exitCode);
      return running;
    },
    get started() {
      return running !== null;
    },
  };
}
