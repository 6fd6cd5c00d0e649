/**
 * The browser tests' common setup: one Chromium per file, and per test the
 * headless shell serving the built console (out/renderer) with a fresh page
 * on it; plus the steps every test starts with (PIN login, skipping setup,
 * opening a view) and posting an alert to the webhook.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

import { launchChromium } from './browser';
import type { Headless } from './headless';
import { TEST_PIN, TEST_WEBHOOK_TOKEN, startHeadless } from './headless';

export const STATIC_DIR = join(process.cwd(), 'out', 'renderer');

/** Fails with a hint when the console has not been built. */
export function assertRendererBuilt(): void {
  if (!existsSync(join(STATIC_DIR, 'index.html'))) {
    throw new Error('out/renderer is not built: run `npm run test:e2e` (it builds first)');
  }
}

/**
 * Registers beforeAll/afterAll hooks in the calling describe that check the
 * console is built and launch Chromium once; returns a getter for it.
 */
export function useChromium(executablePath: string): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    assertRendererBuilt();
    browser = await launchChromium(executablePath);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running');
    return browser;
  };
}

/** What openConsole passes on to startHeadless (the static dir is always the built console). */
export type ConsoleOptions = Omit<NonNullable<Parameters<typeof startHeadless>[0]>, 'staticDir'>;

export interface ConsolePage {
  app: Headless;
  page: Page;
  /** Closes the page, then stops the shell. */
  close: () => Promise<void>;
}

/** Starts the headless shell serving the console and opens a 1440×900 page (not yet navigated). */
export async function openConsole(browser: Browser, options: ConsoleOptions = {}): Promise<ConsolePage> {
  const app = await startHeadless({ staticDir: STATIC_DIR, ...options });
  let page: Page;
  try {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  } catch (error) {
    await app.stop();
    throw error;
  }
  return {
    app,
    page,
    close: async () => {
      await page.close();
      await app.stop();
    },
  };
}

/**
 * The whole per-file setup: Chromium for the file (useChromium) and, before
 * each test, a fresh shell and page handed to `onOpen`; both are closed after
 * each test. Register it after any hooks that start what `options` needs (a
 * fake server): its beforeEach then runs after theirs and its afterEach before.
 */
export function useConsole(
  executablePath: string,
  onOpen: (opened: { app: Headless; page: Page }) => void,
  options: () => ConsoleOptions = () => ({}),
): void {
  const browser = useChromium(executablePath);
  let close: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const opened = await openConsole(browser(), options());
    close = opened.close;
    onOpen(opened);
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
  });
}

/** Opens the console at `url` and logs in with the test PIN. */
export async function login(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-pin').fill(TEST_PIN);
  await page.getByTestId('login-submit').click();
}

/** Leaves the first-run setup screen without configuring anything. */
export async function skipSetup(page: Page): Promise<void> {
  await page.getByTestId('setup-skip').click();
}

/** Logs in, skips setup, and opens the view behind nav-`view`, waiting for its title. */
export async function openView(page: Page, url: string, view: string, title: string): Promise<void> {
  await login(page, url);
  await skipSetup(page);
  await page.getByTestId(`nav-${view}`).click();
  await expect.poll(() => page.getByTestId('view-title').textContent()).toBe(title);
}

/** Posts an alert to the shell's webhook, expects 202, and returns the incident's id. */
export async function postAlert(app: Headless, alert: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${app.webhookUrl}/api/alert`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(alert),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { incidentId: string }).incidentId;
}

/** One attribute of every element the locator matches, in document order. */
export async function attrs(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

/**
 * At each viewport width, expects every `removeTestId` button of the table
 * `tableTestId` to lie wholly inside the table's card (its scrolling
 * wrapper), and the card to have nothing to scroll sideways.
 */
export async function expectRowActionsInCard(
  page: Page,
  tableTestId: string,
  removeTestId: string,
  widths: readonly number[] = [1440, 1024],
): Promise<void> {
  const table = page.getByTestId(tableTestId);
  const card = table.locator('xpath=..');
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    // A frame for the layout to follow the new size.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
    const box = await card.boundingBox();
    if (!box) throw new Error(`${tableTestId} has no card on screen`);
    expect(box.x + box.width, `card inside the ${String(width)} px window`).toBeLessThanOrEqual(width);
    const removes = await table.getByTestId(removeTestId).all();
    expect(removes.length).toBeGreaterThan(0);
    for (const remove of removes) {
      const button = (await remove.boundingBox())!;
      expect(button.x, `Remove's left at ${String(width)} px`).toBeGreaterThanOrEqual(box.x);
      expect(button.x + button.width, `Remove's right at ${String(width)} px`).toBeLessThanOrEqual(
        box.x + box.width,
      );
    }
    const overflow = await page.evaluate<number>(
      `(() => { const card = document.querySelector('[data-testid="${tableTestId}"]').parentElement;
        return card.scrollWidth - card.clientWidth; })()`,
    );
    expect(overflow, `sideways scroll at ${String(width)} px`).toBeLessThanOrEqual(0);
  }
}
