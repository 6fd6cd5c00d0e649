/**
 * The Logs view in real Chromium against the headless shell: the core's own
 * log lines appear (and keep arriving while following), the level filter,
 * the search over message, scope and fields, expandable fields, the error
 * and success files, the empty state that says what to do, times in the
 * configured zone, and a registered secret shown only as [REDACTED].
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { findChromium, screenshotPath } from '../helpers/browser';
import { attrs, openView, useConsole } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN } from '../helpers/headless';

const chromiumPath = findChromium();
const ZONE = 'Asia/Tokyo';

describe.skipIf(!chromiumPath)('browser: logs', () => {
  let app: Headless;
  let page: Page;
  useConsole(
    chromiumPath!,
    (opened) => ({ app, page } = opened),
    () => ({ config: { ui: { timeZone: ZONE } } }),
  );

  const rows = () => page.getByTestId('log-row');
  const messages = () => page.getByTestId('log-message').allTextContents();

  function seed(): void {
    const log = app.core.logger.child('e2e');
    log.info('alpha poll finished', { source: 's1-prod', events: 12 });
    log.warn('beta channel slow', { channel: 'ops-mattermost', latencyMs: 4100 });
    log.error('gamma write-back failed', { incident: 'inc_77', error: 'HTTP 500 from console' });
    log.success('delta delivered', { channel: 'ops-mattermost', incident: 'inc_77' });
    log.info('token check', { url: `https://hooks.example/?t=${TEST_WEBHOOK_TOKEN}` });
  }

  it('shows the tail newest last, filters by level and text, expands fields, and follows', async () => {
    seed();
    await openView(page, app.url, 'logs', 'Logs');
    await expect.poll(messages).toEqual(expect.arrayContaining(['alpha poll finished', 'delta delivered']));
    // Newest last: the seeded lines keep their order at the bottom.
    const all = await messages();
    const seeded = all.filter((m) => /^(alpha|beta|gamma|delta) |^token check$/.test(m));
    expect(seeded).toEqual([
      'alpha poll finished',
      'beta channel slow',
      'gamma write-back failed',
      'delta delivered',
      'token check',
    ]);

    // Times in the configured zone, with milliseconds.
    const last = rows().filter({ hasText: 'token check' });
    const iso = (await last.locator('time').getAttribute('datetime'))!;
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: ZONE,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(Date.parse(iso))
        .map((p) => [p.type, p.value]),
    );
    const expected = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${iso.slice(20, 23)}`;
    expect(await last.locator('time').textContent()).toBe(expected);

    // The sink redacted the webhook token before the line was written.
    await last.getByTestId('log-fields-toggle').click();
    const fields = await last.getByTestId('log-fields').textContent();
    expect(fields).toContain('[REDACTED]');
    expect(await page.textContent('body')).not.toContain(TEST_WEBHOOK_TOKEN);
    await last.getByTestId('log-fields-toggle').click();

    // Level filter: errors only.
    await page.getByTestId('logs-level-error').click();
    expect(await page.getByTestId('logs-level-error').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => new Set(await attrs(rows(), 'data-level'))).toEqual(new Set(['error']));
    expect(await messages()).toContain('gamma write-back failed');
    await page.getByTestId('logs-level-error').click();

    // Search: case-insensitive, over the fields too.
    await page.getByTestId('logs-search').fill('OPS-MATTERMOST');
    await expect.poll(messages).toEqual(['beta channel slow', 'delta delivered']);
    const delivered = rows().filter({ hasText: 'delta delivered' });
    expect(await delivered.getAttribute('data-scope')).toBe('core.e2e');
    await delivered.getByTestId('log-fields-toggle').click();
    expect(JSON.parse((await delivered.getByTestId('log-fields').textContent())!)).toEqual({
      channel: 'ops-mattermost',
      incident: 'inc_77',
    });
    await page.screenshot({ path: screenshotPath('logs') });

    // Following: a line written now shows up without a reload.
    app.core.logger.child('e2e').warn('epsilon arrived later', { channel: 'ops-mattermost' });
    await expect
      .poll(messages, { timeout: 6000 })
      .toEqual(['beta channel slow', 'delta delivered', 'epsilon arrived later']);

    // Paused: new lines wait for the analyst.
    await page.getByTestId('logs-follow').uncheck();
    expect(await page.getByTestId('logs-count').textContent()).toContain('paused');

    // Nothing matches: the view says so and offers the way back.
    await page.getByTestId('logs-search').fill('no-such-line-anywhere');
    await page.getByTestId('logs-empty').waitFor();
    expect(await page.getByTestId('logs-empty').textContent()).toContain('matches these filters');
    await page.getByTestId('logs-empty').getByRole('button', { name: 'Clear search and levels' }).click();
    await expect.poll(() => page.getByTestId('logs-search').inputValue()).toBe('');
    await expect.poll(async () => (await messages()).length).toBeGreaterThan(5);
  });

  it('switches to the error and success files, by mouse and by keyboard', async () => {
    seed();
    await openView(page, app.url, 'logs', 'Logs');
    await expect.poll(messages).toContain('delta delivered');

    const allTab = page.getByTestId('logs-tab-all');
    expect(await allTab.getAttribute('aria-selected')).toBe('true');
    await allTab.focus();
    await page.keyboard.press('ArrowRight');
    const errorTab = page.getByTestId('logs-tab-error');
    expect(await errorTab.getAttribute('aria-selected')).toBe('true');
    expect(
      await page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid") ?? null'),
    ).toBe('logs-tab-error');
    await expect
      .poll(messages)
      .toEqual(expect.arrayContaining(['beta channel slow', 'gamma write-back failed']));
    const levels = new Set(await attrs(rows(), 'data-level'));
    expect([...levels].every((l) => l === 'warn' || l === 'error')).toBe(true);
    expect(await messages()).not.toContain('alpha poll finished');
    await page.screenshot({ path: screenshotPath('logs-errors') });

    await page.getByTestId('logs-tab-success').click();
    await expect.poll(messages).toContain('delta delivered');
    expect(await messages()).not.toContain('gamma write-back failed');
  });
});
