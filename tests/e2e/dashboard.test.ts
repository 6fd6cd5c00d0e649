/**
 * The dashboard in real Chromium against the headless shell, on incidents
 * seeded through the webhook and triaged over the contract: counts by
 * severity and status, the per-hour chart (and its figures for screen
 * readers), top hosts / IPs / rules, response times, the window selector,
 * live refresh, and source and channel health badges (a SentinelOne source
 * whose console refuses the token, a working and a failing Mattermost
 * webhook, a disabled channel).
 */
import type { Server } from 'node:http';
import { createServer } from 'node:http';

import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { DashboardStats, MethodResponse } from '../../shared/ipc/contract';
import { findChromium, screenshotPath } from '../helpers/browser';
import { attrs, openView, postAlert, useConsole } from '../helpers/console-page';
import type { FakeSentinelOne } from '../helpers/fake-sentinelone';
import { startFakeSentinelOne } from '../helpers/fake-sentinelone';
import type { Headless } from '../helpers/headless';
import { rpcValue } from '../helpers/headless';
import { listenLocal } from '../helpers/local-server';

const chromiumPath = findChromium();

interface Hook {
  url: string;
  hits: number;
  close(): Promise<void>;
}

/** A Mattermost incoming webhook that answers `status` to every post. */
async function startHook(status: number): Promise<Hook> {
  const hook = { hits: 0 } as Hook;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hook.hits += 1;
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'boom');
    });
  });
  const local = await listenLocal(server);
  hook.url = `${local.url}/hooks/abc`;
  hook.close = local.close;
  return hook;
}

describe.skipIf(!chromiumPath)('browser: dashboard', () => {
  let app: Headless;
  let page: Page;
  let s1: FakeSentinelOne;
  let good: Hook;
  let bad: Hook;

  beforeEach(async () => {
    // The console knows another token than the one configured: every poll is refused.
    s1 = await startFakeSentinelOne({ token: 'the-right-token' });
    good = await startHook(200);
    bad = await startHook(500);
  });
  afterEach(async () => {
    await s1?.close();
    await good?.close();
    await bad?.close();
  });
  useConsole(
    chromiumPath!,
    (opened) => ({ app, page } = opened),
    () => ({
      config: {
        sources: [
          {
            id: 's1',
            kind: 'sentinelone',
            name: 'S1 Prod',
            baseUrl: s1.url,
            apiToken: 'wrong-token',
            pollIntervalSec: 3600,
          },
          { id: 'hook', kind: 'webhook', name: 'Firewall hook', token: 'hook-token-0123456789' },
        ],
        channels: [
          {
            id: 'mm-ok',
            kind: 'mattermost',
            name: 'SOC room',
            webhookUrl: good.url,
            minSeverity: 'critical',
            mask: true,
          },
          {
            id: 'mm-bad',
            kind: 'mattermost',
            name: 'Broken room',
            webhookUrl: bad.url,
            minSeverity: 'critical',
            mask: true,
          },
          { id: 'mm-off', kind: 'mattermost', name: 'Old room', webhookUrl: good.url, enabled: false },
        ],
      },
    }),
  );

  /** Seven incidents: 3 critical on web-01, 2 high on web-02, a medium from 203.0.113.7, a low; some triaged. */
  async function seed(): Promise<string[]> {
    const ids: string[] = [];
    for (const rule of ['SSH brute force', 'Reverse shell', 'Mimikatz']) {
      ids.push(
        await postAlert(app, { type: 'intrusion', severity: 'critical', rule, target: 'web-01.example.com' }),
      );
    }
    for (const rule of ['Port scan', 'Reverse shell']) {
      ids.push(await postAlert(app, { type: 'recon', severity: 'high', rule, target: 'web-02.example.com' }));
    }
    ids.push(
      await postAlert(app, { type: 'recon', severity: 'medium', rule: 'Port scan', ip: '203.0.113.7' }),
    );
    ids.push(await postAlert(app, { type: 'policy', severity: 'low', rule: 'USB storage' }));
    await rpcValue(app, 'incidents.setStatus', { id: ids[0], status: 'acknowledged' });
    await rpcValue(app, 'incidents.setStatus', { id: ids[3], status: 'acknowledged' });
    await rpcValue(app, 'incidents.setStatus', { id: ids[1], status: 'resolved' });
    return ids;
  }

  const count = async (testId: string) => Number(await page.getByTestId(testId).getAttribute('data-count'));

  it('shows figures that match the seeded incidents, with the per-hour chart and health badges', async () => {
    await seed();
    await rpcValue<MethodResponse<'sources.pollNow'>>(app, 'sources.pollNow', { id: 's1' });
    await openView(page, app.url, 'dashboard', 'Dashboard');

    await expect.poll(() => count('dash-total')).toBe(7);
    expect(await page.getByTestId('dash-total').textContent()).toBe('7');
    const bySeverity: Record<string, number> = {};
    for (const severity of ['critical', 'high', 'medium', 'low', 'info']) {
      bySeverity[severity] = await count(`dash-severity-${severity}`);
    }
    expect(bySeverity).toEqual({ critical: 3, high: 2, medium: 1, low: 1, info: 0 });
    expect(await count('dash-status-new')).toBe(4);
    expect(await count('dash-status-acknowledged')).toBe(2);
    expect(await count('dash-status-resolved')).toBe(1);
    expect(await count('dash-status-false_positive')).toBe(0);

    // The chart: 24 hourly buckets; the bars add up to the seven, three of them critical.
    const chart = page.getByTestId('dash-per-hour');
    expect(await chart.getAttribute('data-hours')).toBe('24');
    expect(await chart.getAttribute('data-total')).toBe('7');
    const bars = (await attrs(page.getByTestId('dash-hour-bar'), 'data-total')).map(Number);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(7);
    const svg = chart.locator('svg[role="img"]');
    const labelledBy = (await svg.getAttribute('aria-labelledby'))!.split(' ');
    const desc = await page.locator(`[id="${labelledBy[1]!}"]`).textContent();
    expect(desc).toContain('7 incidents over 24 hours, 3 critical');
    // The same figures as a table for screen readers.
    const tableRows = await page.getByTestId('dash-per-hour-table').locator('tbody tr').allTextContents();
    expect(tableRows.length).toBeGreaterThanOrEqual(1);

    // Top lists: web-01 leads the hosts, the public address is listed, Reverse shell and Port scan lead the rules.
    const top = async (testId: string) => {
      const items = page.getByTestId(testId).getByTestId('dash-top-item');
      const counts = await attrs(items, 'data-count');
      return (await attrs(items, 'data-value')).map((value, i) => [value, Number(counts[i])] as const);
    };
    expect((await top('dash-top-hosts'))[0]).toEqual(['web-01.example.com', 3]);
    expect(await top('dash-top-ips')).toContainEqual(['203.0.113.7', 1]);
    const rules = await top('dash-top-rules');
    expect(rules.map(([value]) => value)).toContainEqual(expect.stringContaining('Mimikatz'));
    expect(rules.reduce((sum, [, n]) => sum + Number(n), 0)).toBeLessThanOrEqual(7);

    // Response times: what the core computed, in words.
    const stats = await rpcValue<DashboardStats>(app, 'dashboard.stats', { hours: 24 });
    expect(stats.mttaSec).not.toBeNull();
    expect(Number(await page.getByTestId('dash-mtta').getAttribute('data-seconds'))).toBe(stats.mttaSec);
    expect(await page.getByTestId('dash-mtta').textContent()).toMatch(/^\d+s$|^\d+m \d{2}s$/);

    // Health: the refused source in error, channels ok / failing / disabled.
    const sourceState = (id: string) =>
      page.locator(`[data-testid="dash-source"][data-id="${id}"]`).getAttribute('data-state');
    await expect.poll(() => sourceState('s1')).toBe('error');
    expect(await page.locator('[data-testid="dash-source"][data-id="s1"]').textContent()).toMatch(
      /401|auth/i,
    );
    const channelState = (id: string) =>
      page.locator(`[data-testid="dash-channel"][data-id="${id}"]`).getAttribute('data-state');
    await expect.poll(() => channelState('mm-ok'), { timeout: 10_000 }).toBe('ok');
    await expect.poll(() => channelState('mm-bad'), { timeout: 10_000 }).toMatch(/^(error|degraded)$/);
    expect(await channelState('mm-off')).toBe('disabled');
    expect(good.hits).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('dashboard'), fullPage: true });
  });

  it('follows new incidents live, switches the window, and links top values to the incident list', async () => {
    await openView(page, app.url, 'dashboard', 'Dashboard');
    await expect.poll(() => count('dash-total')).toBe(0);
    expect(await page.getByTestId('dash-total').locator('xpath=..').textContent()).toContain(
      'Nothing arrived in this window',
    );

    const beacon = await postAlert(app, {
      type: 'intrusion',
      severity: 'critical',
      rule: 'Beacon',
      target: 'web-09.example.com',
    });
    await postAlert(app, {
      type: 'policy',
      severity: 'low',
      rule: 'USB storage',
      target: 'web-10.example.com',
    });
    // Refreshed by the live events (throttled to one fetch per five seconds).
    await expect.poll(() => count('dash-total'), { timeout: 8000 }).toBe(2);
    expect(await count('dash-severity-critical')).toBe(1);

    await page.getByTestId('dash-window-7d').click();
    expect(await page.getByTestId('dash-window-7d').getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => page.getByTestId('dash-per-hour').getAttribute('data-hours')).toBe('168');
    expect(await count('dash-total')).toBe(2);

    // A top host is a link to the incident list filtered by it, over the same window.
    const link = page.getByTestId('dash-top-hosts').locator('a').first();
    expect(await link.getAttribute('href')).toBe('#/incidents?host=web-09.example.com&range=7d');
    await link.click();
    await expect.poll(() => page.getByTestId('view-title').textContent()).toBe('Incidents');
    await expect.poll(() => attrs(page.getByTestId('incident-row'), 'data-id')).toEqual([beacon]);
  });
});
