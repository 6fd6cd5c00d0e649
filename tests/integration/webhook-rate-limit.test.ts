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
