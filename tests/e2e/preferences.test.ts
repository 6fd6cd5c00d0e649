/** Settings → Preferences in Chromium: the time zone applies to every time shown, a bad zone is refused. */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SettingsView } from '../../shared/ipc/contract';
import { findChromium, screenshotPath } from '../helpers/browser';
import { login, openConsole, useChromium } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN } from '../helpers/headless';

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('browser: preferences', () => {
  const browser = useChromium(chromiumPath!);
  let app: Headless;
  let page: Page;
  let closeConsole: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({
      app,
      page,
      close: closeConsole,
    } = await openConsole(browser(), {
      config: { ui: { setupDone: true, timeZone: 'UTC' } },
    }));
  });
  afterAll(async () => {
    await closeConsole?.();
  });

  it('shows times in the chosen zone and refuses an unknown one', async () => {
    await login(page, app.url);
    await page.getByTestId('nav-settings').click();

    const zone = page.getByTestId('preferences-timezone');
    await zone.fill('Mars/Olympus');
    await page.getByTestId('preferences-save').click();
    await expect.poll(() => page.getByTestId('preferences').textContent()).toMatch(/ui\.timeZone/);

    await zone.fill('Asia/Kolkata');
    await page.getByTestId('preferences-start-at-login').check();
    await page.getByTestId('preferences-save').click();
    await expect.poll(() => page.getByTestId('preferences').textContent()).toContain('Saved.');
    const stored = (await app.rpc('settings.get')).body as { value: SettingsView };
    expect(stored.value.ui).toMatchObject({ timeZone: 'Asia/Kolkata', startAtLogin: true });
    await page.screenshot({ path: screenshotPath('settings-preferences') });

    const res = await fetch(`${app.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
      body: JSON.stringify({ type: 'port_scan', target: 'db-7', timestamp: '2026-01-01T00:00:00Z' }),
    });
    const { incidentId } = (await res.json()) as { incidentId: string };
    await page.getByTestId('nav-incidents').click();
    await page.locator(`[data-testid="incident-row"][data-id="${incidentId}"]`).click();
    // 00:00 UTC is 05:30 in Kolkata.
    await expect
      .poll(() => page.getByTestId('incident-detail').textContent())
      .toContain('2026-01-01 05:30:00');
  });
});
