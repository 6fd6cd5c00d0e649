/**
 * Webhook -> Telegram latency: alerts posted to the webhook of a real core
 * (temp data dir, ephemeral ports) with a Telegram channel pointed at the
 * telegram-test-api emulator on 127.0.0.1; the time from POST to the bot's
 * message appearing in the emulator, per alert. Alerts are spaced so each is
 * measured on its own, not queued behind the previous one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import TelegramServer from 'telegram-test-api';

import { createCore, memoryBackend } from '../electron/core/index';
import { percentile } from './bench-load';

interface Emulator {
  config: { port: number; apiURL: string };
  storage: { botMessages: { botToken: string; message: { text: string } }[] };
  start(): Promise<void>;
  stop(): Promise<boolean>;
}

export interface LatencyResult {
  name: string;
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export async function benchWebhookToTelegram(samples = 50): Promise<LatencyResult> {
  const emulator = new TelegramServer({ host: '127.0.0.1', port: 1 }) as unknown as Emulator;
  // The emulator treats port 0 as unset: set it after construction and read the real port back.
  emulator.config.port = 0;
  await emulator.start();
  const { port } = (emulator as unknown as { server: Server }).server.address() as AddressInfo;
  emulator.config.apiURL = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-tg-'));
  const token = '4242:bench-token';
  const webhookToken = 'bench-webhook-token-0123456789';
  const core = createCore({
    dataDir,
    shell: 'headless',
    version: 'bench',
    configBackend: memoryBackend({}),
    logLevel: 'warn',
    seedConfig: {
      webhook: { token: webhookToken, rateLimitPerMin: 100_000 },
      channels: [
        {
          id: 'tg',
          kind: 'telegram',
          name: 'Bench',
          minSeverity: 'info',
          mask: true,
          botToken: token,
          apiRoot: emulator.config.apiURL,
          chatId: '777',
        },
      ],
    },
    webhook: { host: '127.0.0.1', port: 0 },
  });
  await core.start();
  const webhook = core.webhookUrl()!;
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const marker = `bench-host-${i}`;
      const started = performance.now();
      const res = await fetch(`${webhook}/api/alert`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${webhookToken}` },
        body: JSON.stringify({ type: 'bench', severity: 'high', target: marker, rule: `Bench rule ${i}` }),
      });
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
      const deadline = started + 10_000;
      const sent = () =>
        emulator.storage.botMessages.some(
          (m) => m.botToken === token && m.message.text.includes(`Bench rule ${i}`),
        );
      while (!sent()) {
        if (performance.now() > deadline) throw new Error(`alert ${i} never reached Telegram`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await core.stop('bench');
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name: 'webhook -> Telegram message',
    samples: sorted.length,
    p50Ms: Number(percentile(sorted, 50).toFixed(1)),
    p95Ms: Number(percentile(sorted, 95).toFixed(1)),
    maxMs: Number(sorted.at(-1)!.toFixed(1)),
  };
}
