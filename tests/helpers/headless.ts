/**
 * Starts the real headless shell in-process on a temp data dir with ephemeral
 * ports on 127.0.0.1, and tears everything down afterwards.
 */
import type { ConfigInput } from '../../shared/config';
import type { EventName } from '../../shared/ipc/contract';
import { createCore, memoryBackend } from '../../electron/core/index';
import type { Core, CoreOptions } from '../../electron/core/index';
import { createHttpShell } from '../../electron/server/http-server';
import { tempDir } from './temp-dir';

export const TEST_PIN = '24681357';
export const TEST_API_TOKEN = 'test-api-token-0123456789';
export const TEST_WEBHOOK_TOKEN = 'test-webhook-token-0123456789';

export interface Headless {
  core: Core;
  url: string;
  webhookUrl: string;
  dataDir: string;
  rpc(method: string, args?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export async function startHeadless(
  options: {
    config?: ConfigInput;
    staticDir?: string | null;
    dataDir?: string;
    /** Extra createCore options (a desktop notifier, test hooks). */
    core?: Partial<CoreOptions>;
    /** Where the browser PIN is read, as the CLI does (default: always TEST_PIN). */
    pin?: (core: Core) => string;
    /** Reverse proxies whose X-Forwarded-For is believed (VIGIL_TRUSTED_PROXIES). */
    trustedProxies?: string[];
  } = {},
): Promise<Headless> {
  const dir = options.dataDir ? { path: options.dataDir, remove: () => undefined } : tempDir();
  const core = createCore({
    dataDir: dir.path,
    shell: 'headless',
    version: '0.0.0-test',
    configBackend: memoryBackend({}),
    seedConfig: { ...options.config, webhook: { token: TEST_WEBHOOK_TOKEN, ...options.config?.webhook } },
    webhook: { host: '127.0.0.1', port: 0 },
    ...options.core,
  });
  const shell = createHttpShell({
    core,
    staticDir: options.staticDir ?? null,
    apiToken: TEST_API_TOKEN,
    pin: options.pin ? () => options.pin!(core) : () => TEST_PIN,
    logger: core.logger.child('server'),
    ...(options.trustedProxies ? { trustedProxies: options.trustedProxies } : {}),
  });
  await core.start();
  const url = await shell.listen(0, '127.0.0.1');
  return {
    core,
    url,
    webhookUrl: core.webhookUrl()!,
    dataDir: dir.path,
    async rpc(method, args = {}) {
      const res = await fetch(`${url}/api/rpc/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_API_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(args),
      });
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      await shell.close();
      await core.stop('test');
      dir.remove();
    },
  };
}

/** Calls `method` over the shell's API and returns its value; throws with the error's message when refused. */
export async function rpcValue<T>(app: Headless, method: string, args: unknown = {}): Promise<T> {
  const res = await app.rpc(method, args);
  const body = res.body as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${method} failed: ${body.error?.message}`);
  return body.value as T;
}

export interface EventStream {
  events: { name: EventName; data: unknown }[];
  /** Resolves once `predicate` holds for the events received so far; rejects after the timeout. */
  waitFor(
    predicate: (events: { name: EventName; data: unknown }[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  close(): void;
}

/** Opens /api/events; resolves once the server has accepted the subscription. */
export async function openEventStream(url: string): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/events`, {
    headers: { Authorization: `Bearer ${TEST_API_TOKEN}` },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`SSE answered ${res.status}`);
  const events: { name: EventName; data: unknown }[] = [];
  const waiters = new Set<() => void>();
  const body = res.body;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name && data) events.push({ name: name as EventName, data: JSON.parse(data) as unknown });
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    events,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(events)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`timed out waiting for events; got ${events.map((e) => e.name).join(', ') || 'none'}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}
