/**
 * The incident detail pane in real Chromium against the headless shell: a
 * SentinelOne threat polled from a fake console (timeline with who and
 * through what, entities, threat intel with the console's verdict and lookup
 * links, raw JSON expanded and copied, masking on and off, a status change
 * and its write-back result, success and failure), and a webhook alert
 * analysed on demand by a fake LLM, then shown masked.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { IncidentDetail, MethodResponse } from '../../shared/ipc/contract';
import { findChromium, screenshotPath } from '../helpers/browser';
import { attrs, login, postAlert, skipSetup, useConsole } from '../helpers/console-page';
import type { FakeLlm } from '../helpers/fake-llm';
import { startFakeLlm, triageAnswer } from '../helpers/fake-llm';
import type { FakeSentinelOne, Json } from '../helpers/fake-sentinelone';
import { makeThreat, startFakeSentinelOne } from '../helpers/fake-sentinelone';
import type { Headless } from '../helpers/headless';
import { rpcValue } from '../helpers/headless';

const chromiumPath = findChromium();

const THREAT_ID = '9200000000000000001';
const S1_HOST = 'WS-FIN-014';
const SHA1 = 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d';
const ALERT_HOST = 'db-07.corp.example.com';

/** The recorded unresolved threat on our host; mitigated, so it is high (not critical) and waits for a click. */
function threat(): Json {
  const value = makeThreat(THREAT_ID, new Date().toISOString(), 'mimikatz.exe');
  (value.agentRealtimeInfo as Json).agentComputerName = S1_HOST;
  (value.threatInfo as Json).mitigationStatus = 'mitigated';
  return value;
}

describe.skipIf(!chromiumPath)('browser: incident detail', () => {
  let app: Headless;
  let page: Page;
  let s1: FakeSentinelOne;
  let llm: FakeLlm;

  beforeEach(async () => {
    s1 = await startFakeSentinelOne({ threats: [threat()] });
    llm = await startFakeLlm({
      defaultReply: {
        kind: 'compute',
        reply: (request) => {
          const user = request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
          const host = /\bHOST_\d+(?:\.DOMAIN_\d+)?\b/.exec(user)?.[0] ?? 'the host';
          return { kind: 'answer', content: triageAnswer(host) };
        },
      },
    });
  });
  afterEach(async () => {
    await s1?.close();
    await llm?.close();
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
            apiToken: 'tok',
            pollIntervalSec: 3600,
          },
        ],
        ai: { enabled: true, baseUrl: llm.url, apiKey: 'sk-e2e-key-0123456789', minSeverity: 'critical' },
      },
    }),
  );

  async function openIncident(id: string): Promise<void> {
    const row = page.locator(`[data-testid="incident-row"][data-id="${id}"]`);
    await row.waitFor({ timeout: 5000 });
    await row.click();
    await expect.poll(() => page.getByTestId('incident-detail-title').count()).toBe(1);
  }

  async function pollS1(): Promise<string> {
    const polled = await rpcValue<MethodResponse<'sources.pollNow'>>(app, 'sources.pollNow', { id: 's1' });
    expect(polled.ok).toBe(true);
    const list = await rpcValue<MethodResponse<'incidents.list'>>(app, 'incidents.list', {});
    expect(list.items).toHaveLength(1);
    return list.items[0]!.id;
  }

  const detailText = async () =>
    ((await page.getByTestId('incident-detail').textContent()) ?? '').toLowerCase();

  it('shows a SentinelOne threat in full, copies raw JSON, masks it, and shows the write-back', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await login(page, app.url);
    await skipSetup(page);
    await page.getByTestId('incident-list').waitFor();
    const id = await pollS1();
    await openIncident(id);
    const stored = await rpcValue<IncidentDetail>(app, 'incidents.get', { id });

    // Header.
    expect(await page.getByTestId('incident-detail-title').textContent()).toBe(`mimikatz.exe on ${S1_HOST}`);
    expect(await page.getByTestId('incident-status').textContent()).toBe('New');
    expect(await page.getByTestId('detail-assignee').textContent()).toBe('Unassigned');

    // Entities, grouped; each value is a copy button named by what it is.
    const host = page.getByTestId('entity-hosts');
    expect(await host.allTextContents()).toEqual([S1_HOST]);
    expect(await host.getAttribute('aria-label')).toBe(`${S1_HOST} (copy host)`);
    expect(await page.getByTestId('entity-sha1').allTextContents()).toEqual([SHA1]);
    expect(await page.getByTestId('entity-ips').allTextContents()).toEqual(
      expect.arrayContaining(['10.0.0.1', '81.2.69.143']),
    );
    await host.click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(S1_HOST);
    await expect
      .poll(() => page.getByTestId('copy-announcement').textContent())
      .toBe(`Copied host ${S1_HOST}`);

    // Threat intel: the hash first, with the console's verdict and plain lookup links in a new window.
    const hashIntel = page.locator(`[data-testid="intel-item"][data-kind="sha1"]`);
    expect(await hashIntel.getByTestId('intel-verdict').textContent()).toBe('malicious (Trojan)');
    const vt = hashIntel.getByTestId('intel-link').first();
    expect(await vt.getAttribute('href')).toBe(`https://www.virustotal.com/gui/file/${SHA1}`);
    expect(await vt.getAttribute('target')).toBe('_blank');
    expect(await vt.getAttribute('rel')).toContain('noopener');
    expect(await vt.getAttribute('aria-label')).toBe(`Look up ${SHA1} on VirusTotal (opens in a new window)`);
    // The agent's private address gets no lookup link; its public one does.
    const intelValues = await attrs(page.getByTestId('intel-item'), 'data-value');
    expect(intelValues).toContain('81.2.69.143');
    expect(intelValues).not.toContain('10.0.0.1');

    // Timeline: who, what, through what.
    const created = page.locator('[data-testid="timeline-entry"][data-action="created"]');
    expect(await created.getAttribute('data-via')).toBe('poller');
    expect(await created.textContent()).toContain('through poller');

    await page.getByTestId('incident-detail-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('detail') });

    // Raw JSON: collapsed, expands, copies pretty-printed.
    const raw = page.getByTestId('raw-event').first();
    const body = raw.getByTestId('raw-event-body');
    expect(await body.isVisible()).toBe(false);
    await raw.getByTestId('raw-event-toggle').click();
    expect(await body.isVisible()).toBe(true);
    const pretty = JSON.stringify(JSON.parse(stored.events[0]!.body) as unknown, null, 2);
    expect(await body.textContent()).toBe(pretty);
    await raw.getByTestId('raw-event-copy').click();
    await expect.poll(() => raw.getByTestId('raw-event-copy').textContent()).toBe('Copied');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(pretty);
    await page.getByTestId('detail-timeline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('detail-timeline-raw') });

    // Masked: the host is gone from every part of the pane, the hash stays; and back.
    await page.getByTestId('detail-masked-toggle').check();
    await page.getByTestId('detail-masked-note').waitFor();
    await page.getByTestId('incident-detail-title').scrollIntoViewIfNeeded();
    await expect
      .poll(() => page.getByTestId('incident-detail-title').textContent())
      .toMatch(/^mimikatz\.exe on HOST_1$/);
    const masked = await detailText();
    expect(masked).not.toContain(S1_HOST.toLowerCase());
    expect(masked).not.toContain('81.2.69.143');
    expect(await page.getByTestId('entity-hosts').allTextContents()).toEqual(['HOST_1']);
    expect(await attrs(page.getByTestId('intel-item'), 'data-value')).toEqual([SHA1]);
    await page.screenshot({ path: screenshotPath('detail-masked') });
    await page.getByTestId('detail-masked-toggle').uncheck();
    await expect
      .poll(() => page.getByTestId('incident-detail-title').textContent())
      .toBe(`mimikatz.exe on ${S1_HOST}`);
    expect(await detailText()).toContain(S1_HOST.toLowerCase());

    // A status change, and the console's answer next to the actions.
    await page.getByTestId('action-acknowledge').click();
    const result = page.getByTestId('writeback-result');
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 5000 }).toBe('ok');
    expect(await result.textContent()).toContain(
      'Written back to S1 Prod: SentinelOne: incident status in_progress',
    );
    expect((s1.threat(THREAT_ID)!.threatInfo as Json).incidentStatus).toBe('in_progress');
    const changed = page.locator('[data-testid="timeline-entry"][data-action="status_changed"]');
    expect(await changed.getAttribute('data-via')).toBe('ui');
    expect(await changed.textContent()).toContain('New → Acknowledged');
    expect(
      await page
        .locator('[data-testid="timeline-entry"][data-action="written_back"]')
        .getAttribute('data-via'),
    ).toBe('system');

    // The console refuses the next one: the failure says so, and the status here stands.
    s1.failNext({ kind: 'status', status: 500 });
    await page.getByTestId('action-resolve').click();
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 5000 }).toBe('failed');
    expect(await result.textContent()).toMatch(
      /Write-back to S1 Prod failed: SentinelOne: could not set incident status resolved .*HTTP 500/,
    );
    expect(await page.getByTestId('incident-status').textContent()).toBe('Resolved');
    await page
      .getByTestId('writeback-result')
      .screenshot({ path: screenshotPath('detail-writeback-failed') });
  });

  it('analyses a webhook alert on request, and shows the analysis masked', async () => {
    await login(page, app.url);
    await skipSetup(page);
    await page.getByTestId('incident-list').waitFor();
    const id = await postAlert(app, {
      type: 'credential_access',
      severity: 'high',
      rule: 'LSASS read',
      ip: '10.12.14.16',
      target: ALERT_HOST,
      source_log: `procdump -ma lsass.exe on ${ALERT_HOST} user=svc_backup`,
    });
    await openIncident(id);

    // Assign and unassign this incident; both land on the timeline, through the console.
    await page.getByTestId('assign-input').fill('alice');
    await page.getByTestId('assign-submit').click();
    await expect.poll(() => page.getByTestId('detail-assignee').textContent()).toBe('Assignee alice');
    const assigned = page.locator('[data-testid="timeline-entry"][data-action="assigned"]');
    await assigned.waitFor();
    expect(await assigned.getAttribute('data-via')).toBe('ui');
    expect(await assigned.textContent()).toContain('alice');
    await page.getByTestId('assign-input').fill('   ');
    await page.getByTestId('assign-submit').click();
    expect(await page.getByTestId('assign-error').textContent()).toBe(
      'Type a name to assign, or use Unassign.',
    );
    await page.getByTestId('assign-clear').click();
    await expect.poll(() => page.getByTestId('detail-assignee').textContent()).toBe('Unassigned');
    await page.locator('[data-testid="timeline-entry"][data-action="unassigned"]').waitFor();

    const panel = page.getByTestId('ai-analysis');
    expect(await panel.getAttribute('data-state')).toBe('none');
    // A webhook alert names no hash or public address: the intel section says so.
    expect(await page.getByTestId('intel-empty').textContent()).toContain('No file hashes, public IPs');

    await page.getByTestId('ai-analyze').click();
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
    expect(await page.getByTestId('ai-summary').textContent()).toBe(`Suspicious activity on ${ALERT_HOST}.`);
    expect(llm.requests[0]!.raw.toLowerCase()).not.toContain('db-07');

    await page.getByTestId('detail-masked-toggle').check();
    await expect
      .poll(() => page.getByTestId('ai-summary').textContent())
      .toMatch(/^Suspicious activity on HOST_1\.DOMAIN_1\.$/);
    const masked = await detailText();
    expect(masked).not.toContain('db-07');
    expect(masked).not.toContain('10.12.14.16');
    expect(masked).not.toContain('svc_backup');
    // Masking is a choice about the screen: it stays on for the next incident, which never shows real values.
    const second = await postAlert(app, {
      type: 'recon',
      severity: 'high',
      rule: 'Port scan',
      target: 'db-08.corp.example.com',
    });
    // With a row selected, the list holds new incidents back behind a pill rather than moving rows.
    await page.getByTestId('incoming-pill').click();
    await page.locator(`[data-testid="incident-row"][data-id="${second}"]`).click();
    await expect
      .poll(() => page.getByTestId('incident-detail-title').textContent())
      .toMatch(/^Port scan on HOST_1\.DOMAIN_1$/);
    expect(await page.getByTestId('detail-masked-toggle').isChecked()).toBe(true);
    expect(await detailText()).not.toContain('db-08');
  });
});
