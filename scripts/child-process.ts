/**
 * A Node script as a child process, run through tsx from the repository root,
 * with its output watched: the benches use it so load and server never share
 * an event loop, the tests to kill, restart and read a real process.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ChildServer {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr, rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
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
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
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
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
