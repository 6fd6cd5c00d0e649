/**
 * The headless shell as a user runs it: a separate process started through
 * its CLI, which prints the URL, survives hostile input on both ports, and
 * stops cleanly on SIGTERM.
 */
import { once } from 'node:events';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ServeProcess } from '../helpers/serve-process';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('vigil-cli-');
let serve: ServeProcess;
let url = '';
let webhook = '';
const token = 'cli-test-webhook-token-123';

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
  serve = startServe(
    ['--data-dir', join(dir.path, 'data'), '--port', '0', '--webhook-port', '0', '--config', configFile],
    { VIGIL_PIN: '11223344', VIGIL_API_TOKEN: 'cli-api-token-123456' },
  );
  ({ url, webhook } = await serve.urls());
});

afterAll(() => {
  if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
  dir.remove();
});

describe('npm run serve', () => {
  it('prints where to open it and keeps secrets it was given out of its output', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.output()).toContain('Data dir:');
    // The version comes from package.json, not from npm's environment (absent under systemd).
    expect(serve.output()).toMatch(/Vigil \d+\.\d+\.\d+ \(headless\)/);
    expect(serve.output()).not.toContain('Vigil 0.0.0');
    expect(serve.output()).not.toContain('cli-api-token-123456');
    expect(serve.output()).not.toContain('11223344');
    // A token the config gives is the operator's own: not printed as if Vigil had generated it.
    expect(serve.output()).not.toContain(token);
    expect(serve.output()).not.toContain('Webhook token');
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
    expect(serve.child.exitCode).toBeNull();
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

  it('answers the webhook request it is reading when SIGTERM comes, then stops cleanly', async () => {
    const port = Number(new URL(webhook).port);
    const body = JSON.stringify({ type: 'drain_check', severity: 'low', target: 'drain-host-01' });
    const half = Math.floor(body.length / 2);
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const closed = once(socket, 'close');
    socket.write(
      `POST /api/alert HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
    );
    // The request is being read (its headers are in) when the signal comes.
    await delay(500);
    serve.child.kill('SIGTERM');
    // The listener stops taking connections first; only then does the rest of the body arrive.
    await until(() => refusesConnections(port), 10_000);
    socket.end(body.slice(half));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
    expect(await serve.exited).toBe(0);
    const days = readdirSync(join(dir.path, 'data', 'backup', 'events'));
    const stored = days
      .map((day) => readFileSync(join(dir.path, 'data', 'backup', 'events', day), 'utf8'))
      .join('');
    expect(stored).toContain('drain-host-01');
  });
});

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', () => resolve(true));
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await delay(50);
  }
}
