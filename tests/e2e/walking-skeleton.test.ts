/**
 * The console as an analyst meets it, in real Chromium against the headless
 * shell on a temp data dir: PIN login, first-run setup, a webhook alert
 * appearing live, the detail pane, acknowledging, and the demo feed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { findChromium, screenshotPath } from '../helpers/browser';
import { postAlert, skipSetup, useConsole } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';
import { TEST_PIN } from '../helpers/headless';

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('browser: walking skeleton', () => {
  let app: Headless;
  let page: Page;
  useConsole(chromiumPath!, (opened) => ({ app, page } = opened));

  async function login(): Promise<void> {
    await page.goto(app.url);
    await page.getByTestId('login-pin').fill('wrong-pin');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/wrong PIN/i);
    await page.getByTestId('login-pin').fill(TEST_PIN);
    await page.getByTestId('login-submit').click();
  }

  it('logs in, shows a posted alert live within 2 s, and opens its detail', async () => {
    await login();
    await skipSetup(page);
    await page.getByTestId('incident-list').waitFor();
    await page.screenshot({ path: screenshotPath('incidents-empty') });

    const id = await postAlert(app, {
      ip: '203.0.113.50',
      type: 'ssh_bruteforce',
      severity: 'critical',
      rule: 'SSH brute force',
      source_log: 'sshd[311]: Failed password for invalid user admin from 203.0.113.50 port 52144',
      target: 'web-01.example.com',
    });
    const row = page.locator(`[data-testid="incident-row"][data-id="${id}"]`);
    // No reload: the row must arrive through the live event stream.
    await row.waitFor({ timeout: 2000 });
    expect(await row.getAttribute('data-severity')).toBe('critical');
    expect(await row.textContent()).toContain('SSH brute force on web-01.example.com');

    await row.click();
    const detail = page.getByTestId('incident-detail');
    await detail.waitFor();
    expect(await page.getByTestId('incident-detail-title').textContent()).toContain('SSH brute force');
    expect(await detail.textContent()).toContain('203.0.113.50');
    await page.screenshot({ path: screenshotPath('incident-detail') });

    await page.getByTestId('action-acknowledge').click();
    await expect.poll(() => page.getByTestId('incident-status').textContent()).toMatch(/acknowledged/i);
    const stored = await app.rpc('incidents.get', { id });
    expect(stored.body).toMatchObject({ ok: true, value: { incident: { status: 'acknowledged' } } });
  });

  it('offers the demo feed on first run and shows its incidents', async () => {
    await login();
    await page.getByTestId('setup-start-demo').click();
    await expect
      .poll(() => page.getByTestId('incident-row').count(), { timeout: 5000 })
      .toBeGreaterThanOrEqual(6);
    const rows = await page.getByTestId('incident-row').all();
    const severities = await Promise.all(rows.map((row) => row.getAttribute('data-severity')));
    for (const severity of severities)
      expect(['info', 'low', 'medium', 'high', 'critical']).toContain(severity);
    await page.screenshot({ path: screenshotPath('demo-feed') });

    for (const view of ['dashboard', 'sources', 'channels', 'whatsapp', 'logs', 'settings']) {
      await page.getByTestId(`nav-${view}`).click();
      await page.getByTestId('view-title').waitFor();
      await page.screenshot({ path: screenshotPath(`view-${view}`) });
    }
    await page.getByTestId('nav-sources').click();
    await expect.poll(() => page.textContent('body')).toContain('Demo feed');
  });

  it('sends an unauthenticated browser to the login screen', async () => {
    await page.goto(app.url);
    await page.getByTestId('login-pin').waitFor();
    const res = await page.request.post(`${app.url}/api/rpc/incidents.list`, { data: {} });
    expect(res.status()).toBe(401);
  });
});
