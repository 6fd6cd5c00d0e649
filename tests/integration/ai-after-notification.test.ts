/**
 * First alert fast, AI later (DESIGN.md §2): an incident's first
 * notification is tried before its automatic analysis asks the model, even
 * when the channel is busy, and a slow model never holds a notification back.
 */
import { afterEach, expect, it } from 'vitest';

import type { FakeLlm } from '../helpers/fake-llm';
import { promptText, startFakeLlm, triageAnswer } from '../helpers/fake-llm';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

let app: Headless | null = null;
let llm: FakeLlm | null = null;
afterEach(async () => {
  await app?.stop();
  await llm?.close();
  app = llm = null;
});

it('asks the model about an incident only once its first notification has been tried', async () => {
  const timeline: string[] = [];
  llm = await startFakeLlm({ defaultReply: { kind: 'answer', content: triageAnswer() } });
  app = await startHeadless({
    config: {
      ai: { enabled: true, baseUrl: llm.url, apiKey: 'sk-order-test', model: 'gpt-test', minSeverity: 'low' },
      channels: [{ id: 'desk', kind: 'desktop', name: 'Desktop', minSeverity: 'low', mask: false }],
    },
    core: {
      // A slow desktop: the second incident's notification waits behind the first one's.
      desktopNotifier: async (notice) => {
        timeline.push(`notify ${notice.title.includes('ws-a') ? 'a' : 'b'}`);
        await new Promise((resolve) => setTimeout(resolve, 400));
      },
    },
  });
  for (const host of ['ws-a', 'ws-b']) {
    const res = await fetch(`${app.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
      body: JSON.stringify({ type: 'beacon', severity: 'high', target: host }),
    });
    expect(res.status).toBe(202);
  }
  const fake = llm;
  let seen = 0;
  const deadline = Date.now() + 10_000;
  while (seen < 2 && Date.now() < deadline) {
    while (seen < fake.requests.length) {
      timeline.push(`model ${promptText(fake.requests[seen]!).includes('HOST_') ? 'masked' : 'raw'}`);
      seen += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(timeline.filter((t) => t.startsWith('model'))).toHaveLength(2);
  // b's model request may not come before b's notification was tried.
  expect(timeline.indexOf('notify b')).toBeGreaterThan(-1);
  expect(timeline.lastIndexOf('model masked')).toBeGreaterThan(timeline.indexOf('notify b'));
});
