/**
 * Settings → Backup in real Chromium against the headless shell: "Back up
 * now" shows live progress and the new snapshot row; restoring it (after the
 * confirmation step) takes the incident list back to the snapshot.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { BackupList } from '../../shared/ipc/contract';
import { findChromium, screenshotPath } from '../helpers/browser';
import { login, postAlert, skipSetup, useConsole } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('browser: backup and restore', () => {
  let app: Headless;
  let page: Page;
  useConsole(chromiumPath!, (opened) => ({ app, page } = opened));

  function postScan(n: number): Promise<string> {
    return postAlert(app, {
      ip: `198.51.100.${String(n)}`,
      type: 'port_scan',
      severity: 'medium',
      rule: `Port scan ${String(n)}`,
      target: `db-${String(n)}.example.com`,
    });
  }

  it('backs up with live progress, lists the snapshot, and restores it after confirmation', async () => {
    const kept = await postScan(1);
    await login(page, app.url);
    await skipSetup(page);
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
    const dropped = await postScan(2);

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
