/**
 * The headless shell as a user runs it: a separate process started through
 * its CLI, which prints the URL, survives hostile input on both ports, and
 * stops cleanly on SIGTERM.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('vigil-cli-');
let child: ChildProcessWithoutNullStreams;
let output = '';
let url = '';
let webhook = '';
const token = 'cli-test-webhook-token-123';

function waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in output:\n${output}`)), timeoutMs);
    const check = () => {
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(match);
      }
    };
    child.stdout.on('data', check);
    check();
  });
}

function rawRequest(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(payload));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

beforeAll(async () => {
  const configFile = join(dir.path, 'seed.json');
  writeFileSync(configFile, JSON.stringify({ webhook: { token, maxBodyBytes: 2048 } }));
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'electron/server/cli.ts',
      '--data-dir',
      join(dir.path, 'data'),
      '--port',
      '0',
      '--webhook-port',
      '0',
      '--config',
      configFile,
    ],
    { env: { ...process.env, VIGIL_PIN: '11223344', VIGIL_API_TOKEN: 'cli-api-token-123456' } },
  );
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  url = (await waitForOutput(/Open:\s+(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  webhook = (await waitForOutput(/Webhook:\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/alert/))[1]!;
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  dir.remove();
});

describe('npm run serve', () => {
  it('prints where to open it and keeps secrets it was given out of its output', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain('Data dir:');
    expect(output).not.toContain('cli-api-token-123456');
    expect(output).not.toContain('11223344');
  });

  it('survives garbage on both ports and still serves good requests', async () => {
    const webhookPort = Number(new URL(webhook).port);
    const uiPort = Number(new URL(url).port);
    await rawRequest(webhookPort, 'GARBAGE\r\n\r\n');
    await rawRequest(
      webhookPort,
      `POST /api/alert HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nAuthorization: Bearer ${token}\r\n\r\n{`,
    );
    await rawRequest(uiPort, 'POST /api/rpc/%E0%A4%A HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}');
    await rawRequest(uiPort, 'GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n');
    const bodies = [
      '{',
      '[]',
      'null',
      '"str"',
      '{"type":{"$gt":1}}',
      '{"__proto__":{"x":1},"type":"t"}',
      'x'.repeat(5000),
    ];
    for (const body of bodies) {
      const res = await fetch(`${webhook}/api/alert`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body,
      });
      expect([202, 400, 413]).toContain(res.status);
    }
    expect(child.exitCode).toBeNull();
    const good = await fetch(`${webhook}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'port_scan', severity: 'low' }),
    });
    expect(good.status).toBe(202);
    const list = await fetch(`${url}/api/rpc/incidents.list`, {
      method: 'POST',
      headers: { Authorization: 'Bearer cli-api-token-123456' },
      body: '{}',
    });
    expect(list.status).toBe(200);
    const traversal = await fetch(`${url}/..%2f..%2fpackage.json`);
    expect(traversal.status).not.toBe(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
