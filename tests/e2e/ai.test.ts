/**
 * AI analysis as an analyst meets it, in real Chromium against the headless
 * shell and a fake OpenAI-compatible server: analysing an incident on demand
 * (real values shown, placeholders sent), and the Settings AI card's Test
 * button with a working and a refusing endpoint.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { findChromium, launchChromium, screenshotPath } from '../helpers/browser';
import type { FakeLlm, RecordedLlmRequest } from '../helpers/fake-llm';
import { startFakeLlm, triageAnswer } from '../helpers/fake-llm';
import type { Headless } from '../helpers/headless';
import { TEST_PIN, TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

const STATIC_DIR = join(process.cwd(), 'out', 'renderer');
const chromiumPath = findChromium();
const HOST = 'WS-FIN-014.corp.example.com';

/** The incident as the model was shown it (the system message only describes the answer). */
function userText(request: RecordedLlmRequest): string {
  return request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
}

describe.skipIf(!chromiumPath)('browser: AI analysis', () => {
  let browser: Browser;
  let fake: FakeLlm;
  let app: Headless;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(join(STATIC_DIR, 'index.html'))) {
      throw new Error('out/renderer is not built: run `npm run test:e2e` (it builds first)');
    }
    browser = await launchChromium(chromiumPath!);
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    fake = await startFakeLlm({
      defaultReply: {
        kind: 'compute',
        reply: (request) => {
          // The sanitizer writes an FQDN as HOST_n.DOMAIN_m.
          const host = /\bHOST_\d+(?:\.DOMAIN_\d+)?\b/.exec(userText(request))?.[0] ?? 'the host';
          const answer = triageAnswer(host);
          answer.summary = `Credential dumping on ${host}; the account was used for lateral movement.`;
          return { kind: 'answer', content: answer };
        },
      },
    });
    app = await startHeadless({
      staticDir: STATIC_DIR,
      config: {
        // Critical only: the high incident below waits for the analyst's click.
        ai: { enabled: true, baseUrl: fake.url, apiKey: 'sk-e2e-key-0123456789', minSeverity: 'critical' },
      },
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterEach(async () => {
    await page?.close();
    await app?.stop();
    await fake?.close();
  });

  async function login(): Promise<void> {
    await page.goto(app.url);
    await page.getByTestId('login-pin').fill(TEST_PIN);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('setup-skip').click();
    await page.getByTestId('incident-list').waitFor();
  }

  it('analyses an incident on request and shows the answer with real values', async () => {
    await login();
    const res = await fetch(`${app.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'credential_access',
        severity: 'high',
        rule: 'Mimikatz',
        ip: '10.12.14.16',
        target: HOST,
        source_log: `sekurlsa::logonpasswords on ${HOST} from 10.12.14.16`,
      }),
    });
    expect(res.status).toBe(202);
    const { incidentId } = (await res.json()) as { incidentId: string };

    const row = page.locator(`[data-testid="incident-row"][data-id="${incidentId}"]`);
    await row.waitFor({ timeout: 5000 });
    await row.click();
    const panel = page.getByTestId('ai-analysis');
    await panel.waitFor();
    expect(await panel.getAttribute('data-state')).toBe('none');
    expect(fake.requests).toHaveLength(0);

    await page.getByTestId('ai-analyze').click();
    await expect
      .poll(() => panel.getAttribute('data-state'), { timeout: 10_000 })
      .toMatch(/^(done|failed|skipped)$/);
    const error = (await page.getByTestId('ai-error').count())
      ? await page.getByTestId('ai-error').textContent()
      : '';
    expect(await panel.getAttribute('data-state'), error ?? '').toBe('done');
    expect(await page.getByTestId('ai-summary').textContent()).toBe(
      `Credential dumping on ${HOST}; the account was used for lateral movement.`,
    );
    const steps = await page.getByTestId('ai-mitigation').locator('li').allTextContents();
    expect(steps).toEqual([`Isolate ${HOST} from the network`, 'Reset the affected credentials']);
    expect(await page.getByTestId('ai-meta').textContent()).toContain('gpt-4.1-2025-04-14');
    // What left the machine named the host only by its placeholder.
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.raw.toLowerCase()).not.toContain('ws-fin-014');
    expect(fake.requests[0]!.raw).not.toContain('10.12.14.16');
    await page.screenshot({ path: screenshotPath('incident-ai') });
  });

  it('tests the endpoint from Settings and shows the result in words', async () => {
    await login();
    await page.getByTestId('nav-settings').click();
    const card = page.getByTestId('ai-settings');
    await card.waitFor();
    expect(await page.getByTestId('ai-base-url').inputValue()).toBe(fake.url);

    await page.getByTestId('ai-test').click();
    const result = page.getByTestId('ai-test-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toMatch(/gpt-4\.1-2025-04-14 answered in \d+ ms/);
    await card.screenshot({ path: screenshotPath('settings-ai') });

    fake.queue.push({ kind: 'status', status: 401 });
    await page.getByTestId('ai-test').click();
    await expect
      .poll(() => page.getByTestId('ai-test-result').textContent(), { timeout: 5000 })
      .toContain('401: invalid API key');
    expect(await page.getByTestId('ai-test-result').getAttribute('data-ok')).toBe('false');
    await expect
      .poll(() => page.getByTestId('ai-last-error').textContent(), { timeout: 5000 })
      .toContain('401: invalid API key');
  });
});
