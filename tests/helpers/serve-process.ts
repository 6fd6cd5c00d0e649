/**
 * `npm run serve` as a child process (through tsx, from source), for tests
 * that need a real process: its output, its exit code, or killing it.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** The UI/API and webhook base URLs, once printed. */
  urls(): Promise<{ url: string; webhook: string }>;
}

export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/server/cli.ts', ...args], {
    env: { ...process.env, ...env },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (d: Buffer) => {
    output += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (!match) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(match);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no ${String(pattern)} in output:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    child,
    output: () => output,
    waitFor,
    exited,
    urls: async () => ({
      url: (await waitFor(/Open:\s+(http:\/\/127\.0\.0\.1:\d+)/))[1]!,
      webhook: (await waitFor(/Webhook:\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/alert/))[1]!,
    }),
  };
}
