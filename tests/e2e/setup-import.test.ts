/**
 * The setup screen's third way in, in real Chromium against the headless
 * shell: import the old scripts' config.json, read what was imported and
 * what was not, then continue to the console. The fixture's vendor URLs are
 * pointed at a local server so the imported sources poll only 127.0.0.1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { findChromium, screenshotPath } from '../helpers/browser';
import { login, useConsole } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';

const FIXTURES = join(process.cwd(), 'tests', 'fixtures', 'seed');
const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('browser: setup import', () => {
  const dir = tempDir('vigil-e2e-import-');
  let vendor: Server;
  let seedFile = '';
  let app: Headless;
  let page: Page;

  beforeAll(async () => {
    vendor = createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"errors":[]}');
    });
    await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
    const local = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;
    seedFile = join(dir.path, 'config.json');
    writeFileSync(
      seedFile,
      readFileSync(join(FIXTURES, 'config.json'), 'utf8').replace(/https?:\/\/[^/"]+/g, local),
    );
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (vendor ? vendor.close(() => resolve()) : resolve()));
    dir.remove();
  });
  useConsole(chromiumPath!, (opened) => ({ app, page } = opened));
  beforeEach(async () => {
    await login(page, app.url);
    await page.getByTestId('setup-import').click();
  });

  it('imports the scripts config, lists what it left out, and continues to the console', async () => {
    await page.getByTestId('setup-import-file').setInputFiles(seedFile);
    const result = page.getByTestId('setup-import-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Imported 27 setting(s) from config.json');
    const imported = await page.getByTestId('setup-import-imported').locator('li').allTextContents();
    expect(imported).toContain('sentinelone.api_token -> sources.sentinelone.apiToken (secret)');
    const unmapped = await page.getByTestId('setup-import-unmapped').locator('li').allTextContents();
    expect(unmapped).toContain('log_level: not needed: Vigil keeps its own logs (logs/ in the data dir)');
    expect(await page.textContent('body')).not.toContain('PLACEHOLDER-s1-api-token');
    await page.screenshot({ path: screenshotPath('setup-import'), fullPage: true });

    expect(app.core.config.get().sources.map((s) => s.id)).toEqual([
      'sentinelone',
      'maxpatrol',
      'deepinstinct',
    ]);
    await page.getByTestId('setup-import-continue').click();
    await page.getByTestId('incident-list').waitFor();
    expect(app.core.config.get().ui.setupDone).toBe(true);
  });

  it('says when nothing could be imported and offers no way on but another file or the other choices', async () => {
    await page.getByTestId('setup-import-file').setInputFiles(join(FIXTURES, 'config-broken.json'));
    const result = page.getByTestId('setup-import-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Nothing in config-broken.json could be imported');
    expect(await page.getByTestId('setup-import-unmapped').locator('li').count()).toBe(14);
    expect(await page.getByTestId('setup-import-continue').count()).toBe(0);
    expect(app.core.config.get().sources).toEqual([]);

    const garbled = join(dir.path, 'garbled.json');
    writeFileSync(garbled, '{"telegram": {');
    await page.getByTestId('setup-import-file').setInputFiles(garbled);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/garbled\.json is not valid JSON/);
  });
});
