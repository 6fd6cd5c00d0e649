import { describe, expect, it, vi } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import { createShutdown } from '../../electron/main/shutdown';

describe('createShutdown', () => {
  it('stops the core once, then exits 0', async () => {
    const stop = vi.fn(() => Promise.resolve());
    const exit = vi.fn();
    const shutdown = createShutdown({ stop, exit, timeoutMs: 1000, logger: silentLogger });
    expect(shutdown.started).toBe(false);
    const first = shutdown.run('quit');
    const second = shutdown.run('quit again');
    expect(second).toBe(first);
    expect(shutdown.started).toBe(true);
    await first;
    expect(stop).toHaveBeenCalledTimes(1);
    expect(stop).toHaveBeenCalledWith('quit');
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('exits only after stop has finished', async () => {
    const order: string[] = [];
    let finish: () => void = () => undefined;
    const stop = () =>
      new Promise<void>((resolve) => {
        finish = () => {
          order.push('stopped');
          resolve();
        };
      });
    const running = createShutdown({
      stop,
      exit: () => order.push('exit'),
      timeoutMs: 1000,
      logger: silentLogger,
    }).run('quit');
    await Promise.resolve();
    expect(order).toEqual([]);
    finish();
    await running;
    expect(order).toEqual(['stopped', 'exit']);
  });

  it('exits with 1 when stop hangs past the timeout or fails', async () => {
    vi.useFakeTimers();
    try {
      const exit = vi.fn();
      const running = createShutdown({
        stop: () => new Promise<void>(() => undefined),
        exit,
        timeoutMs: 5000,
        logger: silentLogger,
      }).run('quit');
      await vi.advanceTimersByTimeAsync(4999);
      expect(exit).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      await running;
      expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    } finally {
      vi.useRealTimers();
    }
    const exit = vi.fn();
    await createShutdown({
      stop: () => Promise.reject(new Error('db busy')),
      exit,
      timeoutMs: 1000,
      logger: silentLogger,
    }).run('quit');
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
  });

  it('passes the requested exit code through after a clean stop', async () => {
    const exit = vi.fn();
    await createShutdown({ stop: () => Promise.resolve(), exit, timeoutMs: 1000, logger: silentLogger }).run(
      'startup failed',
      1,
    );
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
  });
});
