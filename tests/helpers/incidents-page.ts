/**
 * Steps the incidents-view browser tests share: a console on a seeded
 * database, opening the list, long-task recording in the page, waiting for the virtual list to settle, reading rows and downloads,
 * and paging through incidents.list over the API for the expected answer.
 */
import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

import type { IncidentListItem } from '../../shared/domain';
import { dataPaths } from '../../electron/core/paths';
import { login, skipSetup, useConsole } from './console-page';
import type { Headless } from './headless';
import { copySeededDb, seedIncidents } from './seed-incidents';
import { tempDir } from './temp-dir';

/**
 * useConsole on a database seeded once per file with `count` incidents:
 * each test's shell gets its own copy, removed after the shell that used it
 * has stopped. `seedTimeoutMs` bounds the seeding (a large count wants more).
 */
export function useSeededConsole(
  chromiumPath: string,
  count: number,
  onOpen: (opened: { app: Headless; page: Page }) => void,
  seedTimeoutMs?: number,
): void {
  let template: { path: string; remove: () => void };
  let dataDir: { path: string; remove: () => void } | undefined;
  beforeAll(() => {
    template = tempDir('vigil-seed-');
    seedIncidents(dataPaths(template.path).db, count, Date.now());
  }, seedTimeoutMs);
  afterAll(() => {
    template.remove();
  });
  // Registered before useConsole, so the copy exists before the shell opens it and outlives it.
  beforeEach(() => {
    dataDir = tempDir();
    copySeededDb(dataPaths(template.path).db, dataDir.path);
  });
  afterEach(() => {
    dataDir?.remove();
    dataDir = undefined;
  });
  useConsole(chromiumPath, onOpen, () => ({ dataDir: dataDir!.path }));
}

/** Logs in, skips setup, and waits for the first incident row and a settled list. */
export async function openIncidents(page: Page, url: string): Promise<void> {
  await login(page, url);
  await skipSetup(page);
  await page.getByTestId('incident-row').first().waitFor();
  await listSettled(page);
}

/*
 * The page-side parts are scripts in strings: the tests compile without the
 * DOM library (tsconfig.node.json), and Playwright runs a string as is.
 */

/** Starts recording long tasks (PerformanceObserver 'longtask') in the page, from now on only. */
export async function startLongTasks(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__longTaskObserver?.disconnect();
    const durations = [];
    window.__longTasks = durations;
    window.__longTaskObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) durations.push(entry.duration);
    });
    window.__longTaskObserver.observe({ type: 'longtask' });
  })()`);
}

/** Stops recording and returns the long tasks' durations (ms) since startLongTasks. */
export async function takeLongTasks(page: Page): Promise<number[]> {
  // Entries arrive after their task; a frame and a turn later every one has.
  return page.evaluate<number[]>(`new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(() => {
      const observer = window.__longTaskObserver;
      if (observer) {
        for (const entry of observer.takeRecords()) window.__longTasks.push(entry.duration);
        observer.disconnect();
      }
      resolve(window.__longTasks ?? []);
    }, 50));
  })`);
}

/** Waits until the list has no request in flight and every row in view is loaded (no placeholders). */
export async function listSettled(page: Page, timeout = 30_000): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate<boolean>(`(() => {
          const list = document.querySelector('[data-testid="incident-list"]');
          if (!list || list.getAttribute('aria-busy') === 'true') return false;
          if (document.querySelector('.inc-row-placeholder')) return false;
          const footer = document.querySelector('[data-testid="list-footer"]');
          return !/loading/i.test(footer ? footer.textContent : '');
        })()`),
      { timeout, interval: 50 },
    )
    .toBe(true);
}

export interface RenderedRow {
  id: string;
  severity: string;
  status: string;
  host: string;
  text: string;
}

/** The rows in the DOM, top to bottom (the virtual list renders the ones in view plus overscan). */
export async function renderedRows(page: Page): Promise<RenderedRow[]> {
  const rows = await page.evaluate<(RenderedRow & { index: number })[]>(`
    [...document.querySelectorAll('[data-testid="incident-row"]')].map((row) => ({
      id: row.dataset.id ?? '',
      index: Number(row.dataset.index),
      severity: row.dataset.severity ?? '',
      status: row.dataset.status ?? '',
      host: row.querySelector('.cell-host-text')?.textContent ?? '',
      text: row.textContent ?? '',
    }))`);
  return rows.sort((a, b) => a.index - b.index);
}

/** Sets the list's scroll position, as dragging its scrollbar does. */
export async function scrollListTo(page: Page, top: number): Promise<void> {
  await page.evaluate(`document.querySelector('[data-testid="incident-list"]').scrollTop = ${String(top)}`);
}

/** The data-testid of the focused element. */
export async function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid") ?? null');
}

/** Every incident id matching `query`, paged through incidents.list over the API. */
export async function allIds(app: Headless, query: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const res = await app.rpc('incidents.list', { ...query, limit: 500, ...(cursor ? { cursor } : {}) });
    const body = res.body as {
      ok: boolean;
      value?: { items: IncidentListItem[]; nextCursor: string | null };
      error?: unknown;
    };
    if (!body.ok || !body.value) throw new Error(`incidents.list failed: ${JSON.stringify(body.error)}`);
    ids.push(...body.value.items.map((item) => item.id));
    if (!body.value.nextCursor) return ids;
    cursor = body.value.nextCursor;
  }
}

export async function listTotal(app: Headless, query: Record<string, unknown>): Promise<number> {
  const res = await app.rpc('incidents.list', { ...query, limit: 1 });
  return (res.body as { value: { total: number } }).value.total;
}

/** Clicks the export's Download button and returns the saved file's name and text. */
export async function downloadExport(page: Page): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-download').click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The current location's hash, decoded for readable assertions. */
export async function hashOf(page: Page): Promise<string> {
  return decodeURIComponent(await page.evaluate<string>('window.location.hash'));
}
