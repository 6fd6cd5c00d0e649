/**
 * Settings in real Chromium against the headless shell: the webhook token an
 * analyst reveals and copies is the one the listener accepts, rotating it
 * locks the old one out; masking, limits, grouping and backup retention save
 * (or say what is wrong next to the field) and read back; and a PIN changed
 * here is the one the next browser must sign in with (the real CLI, whose
 * PIN follows the settings), while the session that changed it goes on.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { SettingsView } from '../../shared/ipc/contract';
import { findChromium, screenshotPath } from '../helpers/browser';
import { login, skipSetup, useChromium, useConsole } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN } from '../helpers/headless';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/temp-dir';

const chromiumPath = findChromium();

async function postAlert(webhookUrl: string, token: string): Promise<number> {
  const res = await fetch(`${webhookUrl}/api/alert`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'port_scan', target: 'db-7.example.com', severity: 'high' }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function settings(app: Headless): Promise<SettingsView> {
  return ((await app.rpc('settings.get')).body as { value: SettingsView }).value;
}

/** What the page's clipboard holds (the test's tsconfig has no DOM types, hence the string). */
async function clipboard(page: Page): Promise<string> {
  return String(await page.evaluate('navigator.clipboard.readText()'));
}

async function openSettings(page: Page, url: string): Promise<void> {
  await login(page, url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('webhook-settings').waitFor();
}

describe.skipIf(!chromiumPath)('browser: settings', () => {
  let app: Headless;
  let page: Page;
  useConsole(
    chromiumPath!,
    (opened) => ({ app, page } = opened),
    () => ({ config: { ui: { setupDone: true, timeZone: 'UTC' } } }),
  );

  it('reveals and copies the webhook token that works, and rotating it locks the old one out', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await openSettings(page, app.url);
    const token = page.getByTestId('webhook-token');
    expect(await page.getByTestId('webhook-token-state').textContent()).toBe('set');
    // Hidden until asked for.
    expect(await token.getAttribute('data-revealed')).toBe('false');
    expect(await token.textContent()).toMatch(/^•+$/);
    expect(await page.content()).not.toContain(TEST_WEBHOOK_TOKEN);
    await page.getByTestId('webhook-settings').screenshot({ path: screenshotPath('settings-webhook') });

    await page.getByTestId('webhook-token-reveal').click();
    await expect.poll(() => token.getAttribute('data-revealed')).toBe('true');
    const revealed = (await token.textContent())!;
    expect(await postAlert(app.webhookUrl, revealed)).toBe(202);

    await page.getByTestId('webhook-token-copy').click();
    await expect.poll(() => page.getByTestId('webhook-token-copy').textContent()).toBe('Copied');
    expect(await clipboard(page)).toBe(revealed);

    await page.getByTestId('webhook-token-reveal').click();
    await expect.poll(() => token.getAttribute('data-revealed')).toBe('false');

    // Rotation asks first; nothing changes before the confirmation.
    await page.getByTestId('webhook-token-rotate').click();
    const confirm = page.getByTestId('webhook-token-rotate-confirm');
    await confirm.waitFor();
    expect(await postAlert(app.webhookUrl, revealed)).toBe(202);
    await page
      .getByTestId('webhook-settings')
      .screenshot({ path: screenshotPath('settings-webhook-rotate') });
    await confirm.click();
    await page.getByTestId('webhook-token-rotated').waitFor();
    const rotated = (await token.textContent())!;
    expect(rotated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated).not.toBe(revealed);
    expect(await postAlert(app.webhookUrl, revealed)).toBe(401);
    expect(await postAlert(app.webhookUrl, rotated)).toBe(202);

    await page.getByTestId('webhook-token-copy').click();
    await expect.poll(() => clipboard(page)).toBe(rotated);
  });

  it('saves the masking allow-list and classes, and says what is wrong next to the field', async () => {
    await openSettings(page, app.url);
    const card = page.getByTestId('sanitizer-settings');
    await card.scrollIntoViewIfNeeded();

    // Every kind unchecked: refused in the page, nothing sent.
    // Credentials are always masked: that box is checked and cannot be unchecked.
    const always = card.locator('[data-testid="sanitizer-class"][data-class="secret"]');
    expect(await always.isChecked()).toBe(true);
    expect(await always.isDisabled()).toBe(true);
    const choices = card.locator('[data-testid="sanitizer-class"]:not([disabled])');
    for (const box of await choices.all()) await box.uncheck();
    await page.getByTestId('sanitizer-save').click();
    const error = card.getByTestId('sanitizer-field-error');
    await error.waitFor();
    expect(await error.getAttribute('data-field')).toBe('classes');
    expect(await error.textContent()).toContain('choose at least one kind');
    expect((await settings(app)).sanitizer.classes).toEqual([]);

    for (const box of await choices.all()) await box.check();
    await card.locator('[data-testid="sanitizer-class"][data-class="ip"]').uncheck();
    await page.getByTestId('sanitizer-allow').fill('203.0.113.9\n  scanner.example.com  \n\n203.0.113.9\n');
    await page.getByTestId('sanitizer-save').click();
    await page.getByTestId('sanitizer-saved').waitFor();
    const stored = (await settings(app)).sanitizer;
    expect(stored.allow).toEqual(['203.0.113.9', 'scanner.example.com']);
    expect(stored.classes).toEqual(expect.arrayContaining(['host', 'user', 'secret']));
    expect(stored.classes).not.toContain('ip');
    expect(stored.classes).toHaveLength((await card.getByTestId('sanitizer-class').count()) - 1);
    expect(await page.getByTestId('sanitizer-allow').inputValue()).toBe('203.0.113.9\nscanner.example.com');
    await card.screenshot({ path: screenshotPath('settings-masking') });

    // Read back after a reload, from the core.
    await page.reload();
    await page.getByTestId('sanitizer-allow').waitFor();
    expect(await page.getByTestId('sanitizer-allow').inputValue()).toBe('203.0.113.9\nscanner.example.com');
    expect(await card.locator('[data-testid="sanitizer-class"][data-class="ip"]').isChecked()).toBe(false);
    expect(await card.locator('[data-testid="sanitizer-class"][data-class="host"]').isChecked()).toBe(true);
  });

  it('saves retention, snapshot hour, webhook limits and the grouping window', async () => {
    await openSettings(page, app.url);

    const retention = page.getByTestId('backup-retention');
    await retention.scrollIntoViewIfNeeded();
    await retention.fill('0');
    await page.getByTestId('backup-settings-save').click();
    const retentionError = page.locator('[data-testid="backup-field-error"][data-field="retentionDays"]');
    await retentionError.waitFor();
    expect(await retentionError.textContent()).toBe('between 1 and 3650');
    expect((await settings(app)).backup.retentionDays).toBe(30);
    await retention.fill('45');
    await page.getByTestId('backup-snapshot-hour').selectOption('5');
    await page.getByTestId('backup-settings-save').click();
    await page.getByTestId('backup-settings-saved').waitFor();
    expect((await settings(app)).backup).toEqual({ retentionDays: 45, dbSnapshotHour: 5 });
    await page
      .getByTestId('backup-settings')
      .screenshot({ path: screenshotPath('settings-backup-schedule') });

    // The body cap is at most 64 MiB: refused in the page, next to the field.
    await page.getByTestId('webhook-max-body').fill('70000');
    await page.getByTestId('webhook-rate-limit').fill('120');
    await page.getByTestId('webhook-settings-save').click();
    const bodyError = page.locator('[data-testid="webhook-field-error"][data-field="maxBodyBytes"]');
    await bodyError.waitFor();
    expect(await bodyError.textContent()).toBe('between 1 and 65536');
    await page.getByTestId('webhook-max-body').fill('2048');
    await page.getByTestId('webhook-settings-save').click();
    await page.getByTestId('webhook-settings-saved').waitFor();
    expect((await settings(app)).webhook).toMatchObject({ rateLimitPerMin: 120, maxBodyBytes: 2048 * 1024 });

    await page.getByTestId('routing-dedup-window').fill('30');
    await page.getByTestId('routing-settings-save').click();
    await page.getByTestId('routing-settings-saved').waitFor();
    expect((await settings(app)).routing.dedupWindowSec).toBe(1800);
    await page.getByTestId('routing-settings').screenshot({ path: screenshotPath('settings-grouping') });
    await page.locator('.settings-nav').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('settings'), animations: 'disabled' });
  });

  it('shows a refused setting next to its field with the key it names', async () => {
    // A value the page cannot judge itself: the core refuses it and names the key.
    await openSettings(page, app.url);
    await page.getByTestId('preferences-timezone').fill('Mars/Olympus');
    await page.getByTestId('preferences-save').click();
    const error = page.locator('[data-testid="preferences-field-error"][data-field="timeZone"]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^ui\.timeZone: must be 'local' or an IANA time zone/);
    expect((await settings(app)).ui.timeZone).toBe('UTC');
  });
});

describe.skipIf(!chromiumPath)('browser: PIN change with the real CLI', () => {
  const browser = useChromium(chromiumPath!);

  it('keeps the session that changed the PIN, and asks the next browser for the new one', async () => {
    const dir = tempDir('vigil-pin-');
    const serve = startServe(['--data-dir', dir.path, '--port', '0', '--webhook-port', '0'], {
      VIGIL_API_TOKEN: 'pin-test-api-token-123',
    });
    const first = await browser().newContext({ viewport: { width: 1440, height: 900 } });
    const second = await browser().newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const { url } = await serve.urls();
      const generated = (await serve.waitFor(/Web UI PIN \(generated[^)]*\): (\d{8})/))[1]!;

      const page = await first.newPage();
      await page.goto(url);
      await page.getByTestId('login-pin').fill(generated);
      await page.getByTestId('login-submit').click();
      await skipSetup(page);
      await page.getByTestId('nav-settings').click();
      expect(await page.getByTestId('preferences-pin-state').textContent()).toBe('set');

      await page.getByTestId('preferences-pin').fill('new-pin-2468');
      await page.getByTestId('preferences-pin-confirm').fill('new-pin-2486');
      await page.getByTestId('preferences-save').click();
      const mismatch = page.locator('[data-testid="preferences-field-error"][data-field="pinConfirm"]');
      await mismatch.waitFor();
      expect(await mismatch.textContent()).toBe('does not match the PIN above');
      await page.getByTestId('preferences-pin-confirm').fill('new-pin-2468');
      await page.getByTestId('preferences-save').click();
      await page.getByTestId('preferences-saved').waitFor();
      expect(await page.getByTestId('preferences-pin').inputValue()).toBe('');
      await page.getByTestId('preferences').screenshot({ path: screenshotPath('settings-preferences-pin') });

      // The session that changed it goes on working.
      await page.getByTestId('nav-incidents').click();
      await expect.poll(() => page.getByTestId('view-title').textContent()).toBe('Incidents');
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('preferences').waitFor();

      // A new browser must sign in, and only the new PIN opens it.
      const other = await second.newPage();
      await other.goto(url);
      await other.getByTestId('login-pin').fill(generated);
      await other.getByTestId('login-submit').click();
      await other.getByTestId('login-error').waitFor();
      await other.getByTestId('login-pin').fill('new-pin-2468');
      await other.getByTestId('login-submit').click();
      await other.getByTestId('nav-settings').waitFor();
      expect(serve.output()).not.toContain('new-pin-2468');
    } finally {
      await first.close();
      await second.close();
      await serve.stop();
      dir.remove();
    }
  });
});
