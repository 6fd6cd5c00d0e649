/**
 * Pending deliveries survive a kill: alerts are accepted while the channel
 * is down, the process is killed with SIGKILL, and after a restart with the
 * channel back every incident is delivered, each once.
 */
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import type { ServeProcess } from '../helpers/serve-process';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/temp-dir';

const TOKEN = 'crash-outbox-webhook-token';
const dir = tempDir('vigil-crash-outbox-');
const dataDir = join(dir.path, 'data');
const configFile = join(dir.path, 'seed.json');
let server: Server;
let up = false;
const received: string[] = [];
const children: ServeProcess[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      if (!up) {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('maintenance');
        return;
      }
      received.push(body);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/abc`;
  writeFileSync(
    configFile,
    JSON.stringify({
      webhook: { token: TOKEN },
      channels: [
        {
          id: 'mm',
          kind: 'mattermost',
          name: 'Mattermost',
          minSeverity: 'low',
          mask: false,
          webhookUrl: url,
        },
      ],
    }),
  );
});

afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  dir.remove();
});

function serve(): ServeProcess {
  const child = startServe(
    ['--data-dir', dataDir, '--port', '0', '--webhook-port', '0', '--config', configFile],
    {
      VIGIL_API_TOKEN: 'crash-outbox-api-token',
      VIGIL_PIN: '13572468',
    },
  );
  children.push(child);
  return child;
}

it('delivers every pending notification after a SIGKILL and restart, each once', async () => {
  const first = serve();
  const { webhook } = await first.urls();
  const titles: string[] = [];
  for (let i = 0; i < 8; i++) {
    const target = `host-${i}`;
    const res = await fetch(`${webhook}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ type: 'malware', severity: 'high', target }),
    });
    expect(res.status).toBe(202);
    titles.push(`malware on ${target}`);
  }
  first.child.kill('SIGKILL');
  expect(await first.exited).toBeNull();
  expect(received).toHaveLength(0);

  up = true;
  const second = serve();
  await second.urls();
  const deadline = Date.now() + 20_000;
  while (received.length < titles.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // A little longer: a duplicate would show up now.
  await new Promise((resolve) => setTimeout(resolve, 300));
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  for (const title of titles) {
    expect(received.filter((body) => body.includes(title))).toHaveLength(1);
  }
  expect(received).toHaveLength(titles.length);
});
