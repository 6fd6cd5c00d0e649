/**
 * AI analysis as an analyst meets it, in real Chromium against the headless
 * shell and a fake OpenAI-compatible server: analysing an incident on demand
 * (real values shown, placeholders sent), and the Settings AI card's Test
 * button with a working and a refusing endpoint.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { findChromium, screenshotPath } from '../helpers/browser';
import { login, postAlert, skipSetup, useConsole } from '../helpers/console-page';
import type { FakeLlm, RecordedLlmRequest } from '../helpers/fake-llm';
import { startFakeLlm, triageAnswer } from '../helpers/fake-llm';
import type { Headless } from '../helpers/headless';

const chromiumPath = findChromium();
const HOST = 'WS-FIN-014.corp.example.com';

/** The incident as the model was shown it (the system message only describes the answer). */
function userText(request: RecordedLlmRequest): string {
  return request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
}

describe.skipIf(!chromiumPath)('browser: AI analysis', () => {
  let fake: FakeLlm;
  let app: Headless;
  let page: Page;

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
  });
  afterEach(async () => {
    await fake?.close();
  });
  useConsole(
    chromiumPath!,
    (opened) => ({ app, page } = opened),
    () => ({
      config: {
        // Critical only: the high incident below waits for the analyst's click.
        ai: { enabled: true, baseUrl: fake.url, apiKey: 'sk-e2e-key-0123456789', minSeverity: 'critical' },
      },
    }),
  );

  async function openIncidents(): Promise<void> {
    await login(page, app.url);
    await skipSetup(page);
    await page.getByTestId('incident-list').waitFor();
  }

  it('analyses an incident on request and shows the answer with real values', async () => {
    await openIncidents();
    const incidentId = await postAlert(app, {
      type: 'credential_access',
      severity: 'high',
      rule: 'Mimikatz',
      ip: '10.12.14.16',
      target: HOST,
      source_log: `sekurlsa::logonpasswords on ${HOST} from 10.12.14.16`,
    });

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
    await openIncidents();
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
