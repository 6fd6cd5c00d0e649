/** The vendor HTTP client against real servers on 127.0.0.1: every failure becomes a clear SourceError. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ManualClock } from '../../electron/core/clock';
import { requestJson } from '../../electron/core/sources/http-client';
import { SourceError } from '../../electron/core/sources/source-error';
import { tempDir } from '../helpers/temp-dir';

const clock = new ManualClock();
let server: Server;
let base = '';
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  switch (req.url) {
    case '/ok':
      return json(200, { data: [1, 2, 3] });
    case '/echo':
      return json(200, { method: req.method, body, type: req.headers['content-type'] });
    case '/unauthorized':
      return json(401, { errors: [{ code: 4010010, detail: 'Authentication Failed' }] });
    case '/throttled':
      return json(429, { errors: [{ detail: 'Too many requests' }] }, { 'Retry-After': '7' });
    case '/html':
      res.writeHead(502, { 'Content-Type': 'text/html' });
      return void res.end('<html><body>Bad gateway</body></html>');
    case '/truncated':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end('{"data": [1, 2');
    case '/redirect':
      res.writeHead(302, { Location: 'https://login.example/sso' });
      return void res.end();
    case '/slow':
      return void setTimeout(() => json(200, {}), 2000);
    default:
      return json(404, { message: 'no such endpoint' });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => route(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(path: string, options: Parameters<typeof requestJson>[1] = {}): Promise<SourceError> {
  try {
    await requestJson(`${base}${path}`, options, clock);
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error(`${path} did not fail`);
}

describe('requestJson', () => {
  it('returns parsed JSON and sends JSON or form bodies', async () => {
    const ok = await requestJson(`${base}/ok`, {}, clock);
    expect(ok).toMatchObject({ status: 200, body: { data: [1, 2, 3] } });
    const json = await requestJson(`${base}/echo`, { method: 'POST', body: { a: 1 } }, clock);
    expect(json.body).toEqual({ method: 'POST', body: '{"a":1}', type: 'application/json' });
    const form = await requestJson(
      `${base}/echo`,
      { method: 'POST', body: new URLSearchParams({ grant_type: 'password', username: 'u' }) },
      clock,
    );
    expect(form.body).toEqual({
      method: 'POST',
      body: 'grant_type=password&username=u',
      type: 'application/x-www-form-urlencoded',
    });
  });

  it('names each failure: auth, throttling with Retry-After, HTML pages, cut JSON, redirects, timeouts, refusals', async () => {
    const auth = await failure('/unauthorized');
    expect(auth.kind).toBe('auth');
    expect(auth.message).toMatch(/HTTP 401 — Authentication Failed/);

    const throttled = await failure('/throttled');
    expect(throttled).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });

    const html = await failure('/html');
    expect(html.kind).toBe('http');
    expect(html.message).toMatch(/expected JSON, got an HTML page \(HTTP 502\)/);

    const truncated = await failure('/truncated');
    expect(truncated.kind).toBe('malformed');
    expect(truncated.message).toMatch(/expected JSON, got invalid or cut-off JSON/);

    const redirect = await failure('/redirect');
    expect(redirect.message).toMatch(/redirected .* check the base URL/);

    const slow = await failure('/slow', { timeoutMs: 200 });
    expect(slow.kind).toBe('timeout');
    expect(slow.message).toMatch(/no answer within 0.2 s/);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(requestJson(`http://127.0.0.1:${port}/x`, {}, clock)).rejects.toMatchObject({
      kind: 'network',
      message: expect.stringMatching(/connection refused/) as unknown,
    });
  });

  it('keeps query strings (which may hold tokens) out of error messages', async () => {
    const error = await failure('/unauthorized?api_key=SECRET123');
    expect(error.message).not.toContain('SECRET123');
  });
});

describe('requestJson over TLS', () => {
  const dir = tempDir('vigil-tls-');
  let tls: Server;
  let url = '';
  beforeAll(async () => {
    const key = join(dir.path, 'key.pem');
    const cert = join(dir.path, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"secure":true}');
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    tls.closeAllConnections();
    await new Promise((resolve) => tls.close(resolve));
    dir.remove();
  });

  it('refuses a self-signed certificate unless the source turns verification off', async () => {
    await expect(requestJson(url, {}, clock)).rejects.toMatchObject({
      kind: 'network',
      message: expect.stringMatching(/TLS certificate was not accepted/) as unknown,
    });
    expect((await requestJson(url, { insecureTls: true }, clock)).body).toEqual({ secure: true });
  });
});
