/**
 * Finds a system Chromium for the browser tests; they never download one.
 * CI installs Debian's (/usr/bin/chromium). On a developer machine without
 * any Chromium or Chrome the browser suite is skipped with a message saying
 * what to install; under CI a missing browser is a failure, not a skip.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
];

export function findChromium(): string | null {
  const fromEnv = process.env.VIGIL_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`VIGIL_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((path) => existsSync(path)) ?? null;
  if (!found && process.env.CI) {
    throw new Error('no Chromium found: CI must install it (apt-get install -y chromium)');
  }
  if (!found) {
    process.stderr.write(
      '\n[browser tests skipped] No Chromium/Chrome found. Install one (Debian/Ubuntu: ' +
        'sudo apt-get install -y chromium) or set VIGIL_CHROMIUM to its path.\n\n',
    );
  }
  return found;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // The flags keep Chromium off the network: this machine reaches only 127.0.0.1.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screenshots');

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}
