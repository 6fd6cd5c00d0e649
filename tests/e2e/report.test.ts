/**
 * The shift report from the Incidents toolbar, in real Chromium against the
 * headless shell: the PDF printed by this machine's Chromium downloads and is
 * a PDF; the HTML lists the period's incidents (escaped) and nothing outside
 * it, for a preset and for a custom period read in the console's time zone;
 * and a shell without a PDF engine says so and offers HTML.
 */
import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { createChromiumPdf } from '../../electron/server/chromium-pdf';
import { findChromium, screenshotPath } from '../helpers/browser';
import { login, postAlert, useConsole } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';

const chromiumPath = findChromium();
const HOUR = 3_600_000;

/** Clicks `trigger` and returns the download it starts: its name and bytes. */
async function download(page: Page, trigger: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [started] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), trigger()]);
  const path = await started.path();
  return { name: started.suggestedFilename(), bytes: readFileSync(path) };
}

async function seedShift(app: Headless): Promise<{ ids: string[]; outside: string }> {
  const now = Date.now();
  const titles = ['Beacon from fin-lt-07', 'Port scan of the DMZ', '<img src=x onerror=alert(1)> phishing'];
  const ids: string[] = [];
  for (const [i, rule] of titles.entries()) {
    ids.push(
      await postAlert(app, {
        type: 'alert',
        rule,
        severity: i === 0 ? 'critical' : 'high',
        target: i === 0 ? 'fin-lt-07.corp.local' : `host-${String(i)}.corp.local`,
        timestamp: new Date(now - (3 - i) * HOUR).toISOString(),
      }),
    );
  }
  const outside = await postAlert(app, {
    type: 'alert',
    rule: 'Yesterday’s alert',
    target: 'old.corp.local',
    timestamp: new Date(now - 30 * HOUR).toISOString(),
  });
  await app.rpc('incidents.setStatus', { id: ids[0], status: 'resolved', note: 'reimaged' });
  return { ids, outside };
}

async function openReport(page: Page, app: Headless): Promise<void> {
  await login(page, app.url);
  await page.getByTestId('nav-incidents').click();
  await page.getByTestId('shift-report-open').click();
  await page.getByTestId('shift-report-dialog').waitFor();
}

describe.skipIf(!chromiumPath)('browser: shift report', () => {
  let app: Headless;
  let page: Page;
  useConsole(
    chromiumPath!,
    (opened) => ({ app, page } = opened),
    () => ({
      config: { ui: { setupDone: true, timeZone: 'UTC' } },
      core: { renderPdf: createChromiumPdf({ executable: chromiumPath! }) },
    }),
  );

  it('downloads the last 24 hours as a PDF, and as HTML listing the incidents', async () => {
    const { ids, outside } = await seedShift(app);
    await openReport(page, app);
    await page.locator('[data-testid="shift-report-preset"][data-preset="24"]').check();
    await page.getByTestId('shift-report-dialog').screenshot({ path: screenshotPath('report-dialog') });

    const pdf = await download(page, () => page.getByTestId('shift-report-generate').click());
    expect(pdf.name).toMatch(/^vigil-shift-\d{4}-\d{2}-\d{2}_\d{4}-\d{4}-\d{2}-\d{2}_\d{4}\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.bytes.toString('latin1')).toMatch(/\/Type\s*\/Page\b(?!s)/);
    const done = page.getByTestId('shift-report-done');
    await done.waitFor();
    expect(await done.textContent()).toContain('(3 incidents)');
    await page.getByTestId('shift-report-dialog').screenshot({ path: screenshotPath('report-dialog-done') });

    await page.getByTestId('shift-report-format-html').check();
    const html = await download(page, () => page.getByTestId('shift-report-generate').click());
    expect(html.name).toMatch(/\.html$/);
    const text = html.bytes.toString('utf8');
    for (const id of ids) expect(text).toContain(`data-incident="${id}"`);
    expect(text).toContain('Beacon from fin-lt-07');
    expect(text).toContain('Port scan of the DMZ');
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt; phishing');
    expect(text).not.toContain('<img');
    expect(text).not.toContain(outside);
    expect(text).toContain('reimaged');

    // Masked for sharing: the hosts are replaced, in the titles too.
    await page.getByTestId('shift-report-masked').check();
    const maskedFile = await download(page, () => page.getByTestId('shift-report-generate').click());
    // The file says it is masked, so it is never taken for (or saved over) the real-valued one.
    expect(maskedFile.name).toMatch(
      /^vigil-shift-\d{4}-\d{2}-\d{2}_\d{4}-\d{4}-\d{2}-\d{2}_\d{4}-masked\.html$/,
    );
    expect(html.name).not.toMatch(/masked/);
    await expect.poll(() => page.getByTestId('shift-report-done').textContent()).toContain(maskedFile.name);
    const masked = maskedFile.bytes.toString('utf8');
    expect(masked).not.toContain('fin-lt-07');
    expect(masked).not.toContain('corp.local');
    expect(masked).toMatch(/Beacon from HOST_\d+/);
    expect(masked).toContain('Masked: hosts');

    await page.getByTestId('shift-report-close').click();
    await expect.poll(() => page.getByTestId('shift-report-dialog').count()).toBe(0);
  });

  it('reads a custom period in the console’s time zone', async () => {
    await app.rpc('settings.update', { patch: { ui: { timeZone: 'Asia/Kolkata' } } });
    const early = await postAlert(app, {
      type: 'alert',
      rule: 'Early alert',
      timestamp: '2026-06-01T03:00:00Z',
    });
    const late = await postAlert(app, {
      type: 'alert',
      rule: 'Late alert',
      timestamp: '2026-06-01T10:00:00Z',
    });
    await openReport(page, app);
    await page.locator('[data-testid="shift-report-preset"][data-preset="custom"]').check();
    // 08:00–12:00 in Kolkata (UTC+5:30) is 02:30–06:30 UTC: the early alert (08:30 there) only.
    await page.getByTestId('shift-report-from').fill('2026-06-01T08:00');
    await page.getByTestId('shift-report-to').fill('2026-06-01T12:00');
    await page.getByTestId('shift-report-format-html').check();
    const html = await download(page, () => page.getByTestId('shift-report-generate').click());
    expect(html.name).toBe('vigil-shift-2026-06-01_0800-2026-06-01_1200.html');
    const text = html.bytes.toString('utf8');
    expect(text).toContain(`data-incident="${early}"`);
    expect(text).not.toContain(late);
    expect(text).toContain('2026-06-01 08:30');

    // A backwards period is refused in the page.
    await page.getByTestId('shift-report-to').fill('2026-06-01T07:00');
    await page.getByTestId('shift-report-generate').click();
    expect(await page.getByTestId('shift-report-period-error').textContent()).toBe(
      'The end must be after the start.',
    );
  });
});

describe.skipIf(!chromiumPath)('browser: shift report without a PDF engine', () => {
  let app: Headless;
  let page: Page;
  useConsole(
    chromiumPath!,
    (opened) => ({ app, page } = opened),
    () => ({ config: { ui: { setupDone: true, timeZone: 'UTC' } } }),
  );

  it('says what to do and downloads HTML instead', async () => {
    const { ids } = await seedShift(app);
    await openReport(page, app);
    await page.locator('[data-testid="shift-report-preset"][data-preset="24"]').check();
    await page.getByTestId('shift-report-generate').click();
    const error = page.getByTestId('shift-report-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('no PDF engine');
    expect(await error.textContent()).toContain('Choose HTML');
    await page
      .getByTestId('shift-report-dialog')
      .screenshot({ path: screenshotPath('report-dialog-no-pdf') });

    const html = await download(page, () => page.getByTestId('shift-report-html-instead').click());
    expect(html.name).toMatch(/\.html$/);
    for (const id of ids) expect(html.bytes.toString('utf8')).toContain(`data-incident="${id}"`);
    await page.getByTestId('shift-report-done').waitFor();
  });
});
