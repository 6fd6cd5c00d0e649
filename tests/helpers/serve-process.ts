/**
 * `npm run serve` as a child process (through tsx, from source), for tests
 * that need a real process: its output, its exit code, or killing it.
 */
import type { ChildServer } from '../../scripts/child-process';
import { startChild } from '../../scripts/child-process';

export interface ServeProcess extends ChildServer {
  /** The UI/API and webhook base URLs, once printed. */
  urls(): Promise<{ url: string; webhook: string }>;
}

export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): ServeProcess {
  const server = startChild('electron/server/cli.ts', args, env);
  return {
    ...server,
    urls: async () => ({
      url: (await server.waitFor(/Open:\s+(http:\/\/127\.0\.0\.1:\d+)/, 20_000))[1]!,
      webhook: (await server.waitFor(/Webhook:\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/alert/, 20_000))[1]!,
    }),
  };
}
