/**
 * Settings → Backup in real Chromium against the headless shell: "Back up
 * now" shows live progress and the new snapshot row; restoring it (after the
 * confirmation step) takes the incident list back to the snapshot.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { BackupList } from '../../shared/ipc/contract';
import { findChromium, launchChromium, screenshotPath } from '../helpers/browser';
import type { Headless } from '../helpers/headless';
import { TEST_PIN, TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

const STATIC_DIR = join(process.cwd(), 'out', 'renderer');
const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('browser: backup and restore', () => {
  let browser: Browser;
  let app: Headless;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(join(STATIC_DIR, 'index.html'))) {
      throw new Error('out/renderer is not built: run `npm run test:e2e` (it builds first)');
    }
    browser = await launchChromium(chromiumPath!);
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    app = await startHeadless({ staticDir: STATIC_DIR });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterEach(async () => {
    await page?.close();
    await app?.stop();
  });

  async function postAlert(n: number): Promise<string> {
    const res = await fetch(`${app.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        ip: `198.51.100.${String(n)}`,
        type: 'port_scan',
        severity: 'medium',
        rule: `Port scan ${String(n)}`,
        target: `db-${String(n)}.example.com`,
      }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { incidentId: string }).incidentId;
  }

  it('backs up with live progress, lists the snapshot, and restores it after confirmation', async () => {
    const kept = await postAlert(1);
    await page.goto(app.url);
    await page.getByTestId('login-pin').fill(TEST_PIN);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('setup-skip').click();
    await page.getByTestId('incident-list').waitFor();

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('backup-run').waitFor();
    expect(await page.getByTestId('backup-snapshot-row').count()).toBe(0);

    await page.getByTestId('backup-run').click();
    const progress = page.getByTestId('backup-progress');
    await progress.waitFor({ timeout: 5000 });
    await expect.poll(() => progress.getAttribute('data-percent'), { timeout: 5000 }).toBe('100');
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');

    const row = page.getByTestId('backup-snapshot-row');
    await row.first().waitFor({ timeout: 5000 });
    const listed = (await app.rpc('backup.list')).body as { value: BackupList };
    const name = listed.value.snapshots[0]!.name;
    expect(await row.count()).toBe(1);
    expect(await row.first().getAttribute('data-name')).toBe(name);
    expect(await progress.textContent()).toContain(name);
    expect(await page.getByTestId('backup-result').textContent()).toContain(`Backed up to backup/db/${name}`);
    await page.getByTestId('backup-run').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('settings-backup'), animations: 'disabled' });

    // An incident that arrives after the snapshot; the restore must take it away again.
    const dropped = await postAlert(2);

    await row.first().getByTestId('backup-restore').click();
    const confirm = page.getByTestId('backup-restore-confirm');
    await confirm.waitFor();
    // Nothing happens before the confirmation.
    expect((await app.rpc('incidents.list', {})).body).toMatchObject({ value: { total: 2 } });
    await confirm.click();

    const result = page.getByTestId('backup-result');
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toContain(`Restored ${name}`);
    expect(await result.getAttribute('data-ok')).toBe('true');
    await expect.poll(() => page.getByTestId('backup-snapshot-row').count()).toBe(2);
    await page.screenshot({ path: screenshotPath('settings-backup-restored'), animations: 'disabled' });

    const incidents = (await app.rpc('incidents.list', {})).body as {
      value: { items: { id: string }[] };
    };
    expect(incidents.value.items.map((i) => i.id)).toEqual([kept]);
    expect(incidents.value.items.map((i) => i.id)).not.toContain(dropped);

    // The incident list the analyst goes back to shows the restored contents.
    await page.getByTestId('nav-incidents').click();
    await expect.poll(() => page.getByTestId('incident-row').count()).toBe(1);
    expect(await page.getByTestId('incident-row').first().getAttribute('data-id')).toBe(kept);
  });
});
