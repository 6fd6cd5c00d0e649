/**
 * The incidents view at 100,000 incidents, in real Chromium against the
 * headless shell: the virtual list scrolls all the way down (every row
 * loaded) and filters without a long task over 200 ms, which the issue sets
 * as the bound for "smooth" (a behaviour bound, measured with the page's own
 * PerformanceObserver only while the analyst interacts); search finds by
 * host; the export holds exactly the filtered rows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

import { SCREENSHOT_DIR, findChromium, screenshotPath } from '../helpers/browser';
import type { Headless } from '../helpers/headless';
import {
  allIds,
  downloadExport,
  focusedTestId,
  hashOf,
  listSettled,
  listTotal,
  openIncidents,
  parseCsv,
  renderedRows,
  scrollListTo,
  startLongTasks,
  takeLongTasks,
  useSeededConsole,
} from '../helpers/incidents-page';
import { seedHost } from '../helpers/seed-incidents';

const chromiumPath = findChromium();
const INCIDENTS = 100_000;
const ROW_HEIGHT = 30;
/** The bound: no main-thread task longer than this while scrolling or filtering. */
const LONG_TASK_LIMIT_MS = 200;

describe.skipIf(!chromiumPath)('browser: incidents at 100k', () => {
  let app: Headless;
  let page: Page;
  const measured: Record<string, { tasks: number; maxMs: number }> = {};

  afterAll(() => {
    // The measurements go with the screenshots, for whoever reads the results.
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(
      join(SCREENSHOT_DIR, '..', 'incidents-scale-longtasks.json'),
      `${JSON.stringify(measured, null, 2)}\n`,
    );
  });
  useSeededConsole(chromiumPath!, INCIDENTS, (opened) => ({ app, page } = opened), 180_000);

  function record(name: string, durations: number[]): void {
    measured[name] = { tasks: durations.length, maxMs: Math.round(Math.max(0, ...durations)) };
  }

  async function scrollTo(top: number): Promise<void> {
    await scrollListTo(page, top);
  }

  it('scrolls through all 100k incidents and filters them without a long task over 200 ms', async () => {
    await openIncidents(page, app.url);
    expect(await page.getByTestId('incident-count').textContent()).toContain('100,000');
    // The scrollbar stands for every match from the first page on.
    const spacer = await page.evaluate<number>(
      'document.querySelector(".vlist-spacer").getBoundingClientRect().height',
    );
    expect(spacer).toBe(INCIDENTS * ROW_HEIGHT);

    // Reading speed: wheel ticks (120 px, as a mouse sends them), pages fetched ahead.
    await startLongTasks(page);
    await page.getByTestId('incident-list').hover();
    for (let step = 0; step < 200; step++) await page.mouse.wheel(0, 120);
    await listSettled(page);
    expect((await renderedRows(page))[0]!.id).not.toBe('inc_seed_000000');

    // The scrollbar dragged ever further, then to the very end: every page loads.
    for (const fraction of [0.05, 0.2, 0.5, 0.8, 1]) {
      await scrollTo(fraction * INCIDENTS * ROW_HEIGHT);
      await listSettled(page, 120_000);
    }
    await expect
      .poll(() => page.getByTestId('list-footer').textContent(), { timeout: 120_000 })
      .toMatch(/100,000 loaded of 100,000 · end of list/);
    const lastRows = await renderedRows(page);
    expect(lastRows.at(-1)!.id).toBe('inc_seed_099999');

    // With 100k rows loaded: jumps and wheel both ways, and keyboard moves.
    for (const fraction of [0.3, 0.9, 0.01, 0.6]) {
      await scrollTo(fraction * INCIDENTS * ROW_HEIGHT);
      await listSettled(page);
    }
    for (let step = 0; step < 60; step++) await page.mouse.wheel(0, step % 20 < 10 ? 120 : -120);
    await page.getByTestId('incident-row').first().click();
    await page.getByTestId('incident-detail').waitFor();
    for (let i = 0; i < 10; i++) await page.keyboard.press('j');
    await page.keyboard.press('Escape');
    const scrolling = await takeLongTasks(page);
    record('scroll', scrolling);
    // Only the rows in view (and the overscan) are in the DOM, whatever is loaded.
    expect((await renderedRows(page)).length).toBeLessThan(100);
    await page.screenshot({ path: screenshotPath('incidents-100k-scrolled') });
    expect(scrolling.filter((ms) => ms > LONG_TASK_LIMIT_MS)).toEqual([]);

    // Filtering with 100k rows loaded.
    await startLongTasks(page);
    await page.getByTestId('filter-severity-critical').click();
    await listSettled(page);
    await expect
      .poll(async () => (await renderedRows(page)).every((row) => row.severity === 'critical'))
      .toBe(true);
    await page.getByTestId('filter-status-new').click();
    await listSettled(page);
    await page.getByTestId('filter-host').fill('ws-0042.corp.example.com');
    await page.getByTestId('filter-host').press('Enter');
    await listSettled(page);
    await expect
      .poll(async () => (await renderedRows(page)).every((row) => row.host.includes('ws-0042')))
      .toBe(true);
    await page.screenshot({ path: screenshotPath('incidents-filtered') });
    await page.getByTestId('filters-clear').click();
    await listSettled(page);
    await expect.poll(() => page.getByTestId('incident-count').textContent()).toContain('100,000');
    const filtering = await takeLongTasks(page);
    record('filter', filtering);
    expect(filtering.filter((ms) => ms > LONG_TASK_LIMIT_MS)).toEqual([]);
  }, 300_000);

  it('finds incidents by host with the search box, and keeps the search in the URL', async () => {
    await openIncidents(page, app.url);
    const host = seedHost(42);
    // "/" focuses the search box from anywhere in the view.
    await page.getByTestId('incident-list').focus();
    await page.keyboard.press('/');
    await expect.poll(() => focusedTestId(page)).toBe('filter-search');
    await page.keyboard.type(host);
    await page.keyboard.press('Enter');

    const expected = await allIds(app, { q: host });
    expect(expected.length).toBe(INCIDENTS / 5000);
    await expect
      .poll(() => page.getByTestId('incident-count').textContent())
      .toContain(`${expected.length} match`);
    await listSettled(page);
    const rows = await renderedRows(page);
    expect(rows.map((row) => row.id)).toEqual(expected);
    for (const row of rows) expect(row.host).toBe(host);
    expect(await hashOf(page)).toContain(`q=${host}`);
    expect(await page.getByTestId('active-filter-q').textContent()).toContain(host);
    await page.screenshot({ path: screenshotPath('incidents-search-host') });
  });

  it('exports the filtered incidents as CSV and JSON holding exactly those rows', async () => {
    await openIncidents(page, app.url);
    await page.getByTestId('filter-severity-critical').click();
    await page.getByTestId('filter-status-new').click();
    await page.getByTestId('filter-source').selectOption('kind:sentinelone');
    await listSettled(page);
    const query = { severity: ['critical'], status: ['new'], sourceKind: ['sentinelone'] };
    const expected = await allIds(app, query);
    expect(expected.length).toBeGreaterThan(500);
    expect(await listTotal(app, query)).toBe(expected.length);

    await page.getByTestId('export-button').click();
    await page.getByTestId('export-format-csv').check();
    const csv = await downloadExport(page);
    expect(csv.name).toMatch(/\.csv$/);
    const [header, ...records] = parseCsv(csv.text).filter((r) => r.length > 1 || r[0] !== '');
    const idAt = header!.indexOf('id');
    const severityAt = header!.indexOf('severity');
    expect(idAt).toBeGreaterThanOrEqual(0);
    // Exactly the filtered rows: the same set, each once.
    expect(records.map((r) => r[idAt]).sort()).toEqual([...expected].sort());
    for (const r of records) expect(r[severityAt]).toBe('critical');
    await expect
      .poll(() => page.getByTestId('export-result').textContent())
      .toContain(`${expected.length.toLocaleString('en-US')} rows`);
    await page.screenshot({ path: screenshotPath('incidents-export') });

    await page.getByTestId('export-format-json').check();
    const json = await downloadExport(page);
    expect(json.name).toMatch(/\.json$/);
    const parsed = JSON.parse(json.text) as unknown;
    const rows = (Array.isArray(parsed) ? parsed : (parsed as { incidents: unknown[] }).incidents) as {
      id: string;
      severity: string;
      status: string;
    }[];
    expect(rows.map((r) => r.id).sort()).toEqual([...expected].sort());
    for (const r of rows) expect([r.severity, r.status]).toEqual(['critical', 'new']);
  });

  it('shows how far an export of every incident has got while the console stays usable', async () => {
    await openIncidents(page, app.url);
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-format-csv').check();
    const downloading = downloadExport(page);
    const progress = page.getByTestId('export-progress');
    await progress.waitFor({ timeout: 30_000 });
    expect(await progress.textContent()).toMatch(/of 100,000 incidents/);
    await page.screenshot({ path: screenshotPath('incidents-export-progress') });
    // The core answers other calls between the export's slices.
    expect(await listTotal(app, { severity: ['critical'] })).toBeGreaterThan(0);
    const csv = await downloading;
    expect(parseCsv(csv.text).filter((r) => r.length > 1)).toHaveLength(INCIDENTS + 1);
    await expect
      .poll(() => page.getByTestId('export-result').textContent())
      .toContain(`${INCIDENTS.toLocaleString('en-US')} rows`);
    expect(await progress.count()).toBe(0);
  });
});
