import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

let app: Headless;
beforeAll(async () => {
  app = await startHeadless({ config: { webhook: { rateLimitPerMin: 3 } } });
});
afterAll(() => app.stop());

it('answers 429 with Retry-After past the per-minute limit', async () => {
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${app.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
      body: JSON.stringify({ type: 'burst', target: `h${i}` }),
    });
    statuses.push(res.status);
    if (res.status === 429) retryAfter = res.headers.get('retry-after');
  }
  expect(statuses).toEqual([202, 202, 202, 429, 429]);
  expect(Number(retryAfter)).toBeGreaterThan(0);
});

it('behind a trusted proxy limits each forwarded sender on its own, and only there', async () => {
  const post = (target: Headless, forwardedFor: string, i: number) =>
    fetch(`${target.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}`, 'X-Forwarded-For': forwardedFor },
      body: JSON.stringify({ type: 'burst', target: `proxied-${i}` }),
    }).then((res) => res.status);
  const proxied = await startHeadless({
    config: { webhook: { rateLimitPerMin: 3 } },
    core: { trustedProxies: ['127.0.0.1'] },
  });
  try {
    const noisy: number[] = [];
    for (let i = 0; i < 4; i++) noisy.push(await post(proxied, '198.51.100.20', i));
    expect(noisy).toEqual([202, 202, 202, 429]);
    // Another forwarder behind the same proxy is not held back by the noisy one.
    expect(await post(proxied, '198.51.100.21', 9)).toBe(202);
  } finally {
    await proxied.stop();
  }
  // The shared app trusts no proxy: the header is ignored and this connection's address is counted.
  expect(await post(app, '198.51.100.22', 10)).toBe(429);
});

it('logs refusals once per client and status a minute, without the token sent', async () => {
  const quiet = await startHeadless();
  try {
    const post = (authorization: string, body: unknown) =>
      fetch(`${quiet.webhookUrl}/api/alert`, {
        method: 'POST',
        headers: { Authorization: authorization },
        body: JSON.stringify(body),
      }).then((res) => res.status);
    for (let i = 0; i < 3; i++)
      expect(await post('Bearer guessed-token-0123456789', { type: 't' })).toBe(401);
    expect(await post(`Bearer ${TEST_WEBHOOK_TOKEN}`, { severity: 'high' })).toBe(400);
    const log = readFileSync(join(quiet.dataDir, 'logs', 'all.log'), 'utf8');
    const refused = log.split('\n').filter((line) => line.includes('webhook refused'));
    expect(refused).toHaveLength(2);
    expect(refused[0]).toContain('401');
    expect(refused[0]).toContain('invalid token');
    expect(refused[1]).toContain('type: required');
    expect(log).not.toContain('guessed-token-0123456789');
  } finally {
    await quiet.stop();
  }
});
