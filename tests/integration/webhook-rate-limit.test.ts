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
