/**
 * The headless console's doors in Chromium: before the PIN the browser gets
 * the server's login page and not one file of the console; after it, the
 * console, which warns in its header when a listener is reachable from other
 * machines.
 */
import { describe, expect, it } from 'vitest';

import { findChromium, screenshotPath } from '../helpers/browser';
import { openConsole, useChromium } from '../helpers/console-page';
import { TEST_PIN } from '../helpers/headless';

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('browser: security', () => {
  const browser = useChromium(chromiumPath!);

  it('loads nothing of the console before the PIN, then warns about a listener bound beyond loopback', async () => {
    // The wide address is injected: a test never binds beyond 127.0.0.1.
    const { app, page, close } = await openConsole(browser(), {
      config: { ui: { setupDone: true } },
      core: { uiUrl: () => 'http://0.0.0.0:8787' },
    });
    try {
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      const first = await page.goto(`${app.url}/incidents`);
      expect(first?.status()).toBe(401);
      await page.getByTestId('login-pin').waitFor();
      expect(requested).toEqual(['/incidents']);
      await page.screenshot({ path: screenshotPath('login-page') });

      await page.getByTestId('login-pin').fill(TEST_PIN);
      await page.getByTestId('login-submit').click();
      const warning = page.getByTestId('exposure-warning');
      await warning.waitFor();
      expect(await warning.textContent()).toContain('UI 0.0.0.0:8787');
      // The login came back to the page first asked for, and only then was the console loaded.
      expect(new URL(page.url()).pathname).toBe('/incidents');
      expect(requested.some((path) => path.startsWith('/assets/'))).toBe(true);
    } finally {
      await close();
    }
  });

  it('shows no warning when everything listens on loopback', async () => {
    const { app, page, close } = await openConsole(browser(), { config: { ui: { setupDone: true } } });
    try {
      await page.goto(app.url);
      await page.getByTestId('login-pin').fill(TEST_PIN);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('count-open').waitFor();
      await expect.poll(() => page.getByTestId('count-open').textContent()).toBe('0');
      expect(await page.getByTestId('exposure-warning').count()).toBe(0);
    } finally {
      await close();
    }
  });
});
