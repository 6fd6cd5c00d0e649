/**
 * `npm run serve -- --import-config FILE` as a user runs it (the CLI as a
 * child process), and `config.importSeed` over the HTTP API as the setup
 * screen calls it. The seed fixture's vendor URLs are pointed at a local
 * recording server so nothing leaves 127.0.0.1, which also shows that an
 * imported source polls with the token the import sealed.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHeadless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'seed');
const S1_TOKEN = 'PLACEHOLDER-s1-api-token-6f1d2c';
const SEED_SECRETS = [
  S1_TOKEN,
  'PLACEHOLDER-mp-password-91ab',
  'PLACEHOLDER-di-api-key-3e55',
  'PLACEHOLDER-telegram-bot-token',
  'PLACEHOLDER-teams-hook',
  'sk-PLACEHOLDER-openai-key-0a9f',
];

const dir = tempDir('vigil-import-cli-');
let vendor: Server;
const vendorRequests: IncomingHttpHeaders[] = [];
let seedFile = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Resolves once `predicate` holds, checking every 25 ms; rejects after `timeoutMs`. */
async function waitFor(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Runs the CLI until it exits by itself, or until `until` matches its stdout:
 * then awaits `beforeStop` and stops it with SIGTERM, as systemd would.
 */
function runCli(
  args: string[],
  options: { until?: RegExp; beforeStop?: () => Promise<void> } = {},
  timeoutMs = 25_000,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/server/cli.ts', ...args], {
      env: { ...process.env, VIGIL_PIN: '11223344', VIGIL_API_TOKEN: 'cli-api-token-123456' },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not finish in time:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    let stopping = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stopping || !options.until?.test(stdout)) return;
      stopping = true;
      const stop = () => {
        if (child.exitCode === null) child.kill('SIGTERM');
      };
      (options.beforeStop?.() ?? Promise.resolve()).then(stop, (error: unknown) => {
        stop();
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  vendor = createServer((req, res) => {
    vendorRequests.push(req.headers);
    req.resume();
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end('{"errors":[{"code":4010010,"title":"Authentication Failed"}]}');
  });
  await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;
  const text = readFileSync(join(FIXTURES, 'config.json'), 'utf8').replace(/https?:\/\/[^/"]+/g, local);
  seedFile = join(dir.path, 'config.json');
  writeFileSync(seedFile, text);
});

afterAll(async () => {
  await new Promise<void>((resolve) => vendor.close(() => resolve()));
  dir.remove();
});

const baseArgs = (dataDir: string) => ['--data-dir', dataDir, '--port', '0', '--webhook-port', '0'];

describe('npm run serve -- --import-config', () => {
  it('imports the seed, reports what it left out, and starts', async () => {
    const dataDir = join(dir.path, 'data-seed');
    const run = await runCli([...baseArgs(dataDir), '--import-config', seedFile], {
      until: /Open:\s+http/,
      // The imported SentinelOne source polls at start, with the token the import sealed.
      beforeStop: () =>
        waitFor(
          () => vendorRequests.some((headers) => JSON.stringify(headers).includes(S1_TOKEN)),
          'the imported source to poll the fake vendor',
        ),
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Imported from .*config\.json: 27 setting\(s\)/);
    expect(run.stdout).toContain('  + sentinelone.api_token -> sources.sentinelone.apiToken (secret)');
    expect(run.stdout).toContain('  + telegram.bot_token -> channels.telegram.botToken (secret)');
    expect(run.stdout).toContain('  + openai_api_key -> ai.apiKey (secret)');
    expect(run.stdout).toContain('Not imported: 5 key(s)');
    expect(run.stdout).toContain('  - abuseipdb_api_key: no Vigil setting for threat intelligence yet');
    expect(run.stdout).toContain('  - dashboard.secret_key: not needed: Vigil keeps its own web sessions');
    expect(run.stdout).toMatch(/is running\.\n\s+Open:\s+http:\/\/127\.0\.0\.1:\d+/);
    for (const secret of SEED_SECRETS) expect(run.stdout + run.stderr).not.toContain(secret);

    const stored = readFileSync(join(dataDir, 'config.json'), 'utf8');
    expect(stored).toContain('"id": "sentinelone"');
    expect(stored).toContain('secret:sources/sentinelone/apiToken');
    for (const secret of SEED_SECRETS) expect(stored).not.toContain(secret);
  });

  it('exits with 2 and writes nothing when nothing in the file can be mapped', async () => {
    const dataDir = join(dir.path, 'data-broken');
    const run = await runCli([...baseArgs(dataDir), '--import-config', join(FIXTURES, 'config-broken.json')]);

    expect(run.code).toBe(2);
    expect(run.stdout).toContain('0 setting(s)');
    expect(run.stdout).toContain('Not imported: 14 key(s)');
    expect(run.stdout).toContain('  - sentinelone.base_url: not a URL');
    expect(run.stdout).toContain('  - teams.webhook_url: not a URL (http or https)');
    expect(run.stdout).toContain('  - telegram.bot_token: empty');
    expect(run.stdout).toContain('  - poll_intervall: unknown key');
    expect(run.stderr).toMatch(/--import-config .*config-broken\.json: nothing could be imported/);
    expect(run.stdout).not.toContain('is running');
    const stored = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as {
      sources: unknown[];
      channels: unknown[];
    };
    expect(stored.sources).toEqual([]);
    expect(stored.channels).toEqual([]);
  });

  it('exits with 2 when the file is missing or not JSON', async () => {
    const notJson = join(dir.path, 'not-json.json');
    writeFileSync(notJson, '{"sentinelone": {');
    const dataDir = join(dir.path, 'data-bad');
    const [missing, garbled] = await Promise.all([
      runCli([...baseArgs(dataDir), '--import-config', join(dir.path, 'nope.json')]),
      runCli([...baseArgs(`${dataDir}-2`), '--import-config', notJson]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--import-config .*nope\.json: no such file/);
    expect(garbled.code).toBe(2);
    expect(garbled.stderr).toMatch(/--import-config .*not-json\.json: not valid JSON/);
  });
});

describe('config.importSeed over the API', () => {
  it('imports a document and answers with the report', async () => {
    const app = await startHeadless();
    try {
      const document = JSON.parse(readFileSync(seedFile, 'utf8')) as unknown;
      const { status, body } = await app.rpc('config.importSeed', { document });
      expect(status).toBe(200);
      const value = (body as { ok: boolean; value: { imported: string[]; unmapped: unknown[] } }).value;
      expect(value.imported).toHaveLength(27);
      expect(value.unmapped).toContainEqual({ key: 'log_level', reason: expect.any(String) as string });
      expect(app.core.config.get().channels.map((c) => c.id)).toEqual([
        'telegram',
        'whatsapp',
        'teams',
        'mattermost',
      ]);
      expect(JSON.stringify(body)).not.toContain(S1_TOKEN);
    } finally {
      await app.stop();
    }
  });
});
