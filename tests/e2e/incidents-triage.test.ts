/**
 * Triage in the incidents view, in real Chromium against the headless shell
 * on a seeded database: keyboard acknowledge and assign, bulk actions with
 * their result, filters that live in the URL (views, back / forward, reload,
 * deep links), the shortcut help, live incidents that never move the rows
 * under the analyst, and the empty state of a filter that matches nothing.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { Incident } from '../../shared/domain';
import { findChromium, screenshotPath } from '../helpers/browser';
import { postAlert } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';
import {
  allIds,
  downloadExport,
  focusedTestId,
  hashOf,
  listSettled,
  openIncidents,
  renderedRows,
  useSeededConsole,
} from '../helpers/incidents-page';

const chromiumPath = findChromium();
const INCIDENTS = 300;

describe.skipIf(!chromiumPath)('browser: incident triage', () => {
  let app: Headless;
  let page: Page;

  useSeededConsole(chromiumPath!, INCIDENTS, (opened) => ({ app, page } = opened));

  async function stored(id: string): Promise<Incident> {
    const res = await app.rpc('incidents.get', { id });
    return (res.body as { value: { incident: Incident } }).value.incident;
  }

  function row(id: string) {
    return page.locator(`[data-testid="incident-row"][data-id="${id}"]`);
  }

  async function selectedId(): Promise<string | null> {
    return page.locator('[data-testid="incident-row"][aria-selected="true"]').getAttribute('data-id');
  }

  it('acknowledges the current incident from the keyboard, in the list and in the database', async () => {
    await openIncidents(page, app.url);
    await page.getByTestId('filter-status-new').click();
    await listSettled(page);
    const [first, second] = await renderedRows(page);

    await page.getByTestId('incident-list').focus();
    await page.keyboard.press('j');
    expect(await selectedId()).toBe(first!.id);
    await page.keyboard.press('a');
    await expect.poll(() => row(first!.id).getAttribute('data-status')).toBe('acknowledged');
    expect((await stored(first!.id)).status).toBe('acknowledged');
    expect(await page.getByTestId('triage-result').textContent()).toMatch(/Acknowledged: 1 changed/);
    // It no longer matches "New", yet it stays where it was until the analyst reloads: nothing jumps.
    expect(await row(first!.id).getAttribute('data-index')).toBe('0');

    await page.keyboard.press('j');
    expect(await selectedId()).toBe(second!.id);
    await page.keyboard.press('i');
    await expect.poll(() => row(second!.id).getAttribute('data-status')).toBe('in_progress');
    expect((await stored(second!.id)).status).toBe('in_progress');

    // Shortcuts are text while typing in a field.
    await page.getByTestId('filter-host').focus();
    await page.keyboard.type('ar');
    expect(await page.getByTestId('filter-host').inputValue()).toBe('ar');
    expect((await stored(second!.id)).status).toBe('in_progress');
  });

  it('bulk acknowledges the ticked incidents and says what came of it', async () => {
    await openIncidents(page, app.url);
    await page.getByTestId('filter-status-new').click();
    await listSettled(page);
    const rows = await renderedRows(page);
    const ticked = rows.slice(0, 4).map((r) => r.id);

    await row(ticked[0]!).getByTestId('row-check').click();
    await row(ticked[3]!)
      .getByTestId('row-check')
      .click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('4 ticked');
    for (const id of ticked) expect(await row(id).getAttribute('aria-checked')).toBe('true');
    await page.screenshot({ path: screenshotPath('incidents-bulk-bar') });

    await page.getByTestId('bulk-acknowledged').click();
    await expect
      .poll(() => page.getByTestId('triage-result').textContent())
      .toMatch(/Acknowledged: 4 changed/);
    for (const id of ticked) {
      await expect.poll(() => row(id).getAttribute('data-status')).toBe('acknowledged');
      expect((await stored(id)).status).toBe('acknowledged');
    }
    // Done with: the ticks and the bar go; an untouched row stays new.
    expect(await page.getByTestId('bulk-bar').count()).toBe(0);
    expect((await stored(rows[4]!.id)).status).toBe('new');

    // The keyboard ticks too (x), and a status key then acts on the ticked rows, not the cursor.
    await page.getByTestId('incident-list').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('2 ticked');
    await page.keyboard.press('j');
    await page.keyboard.press('c');
    await expect.poll(() => page.getByTestId('triage-result').textContent()).toMatch(/Closed: 2 changed/);
    expect((await stored(rows[1]!.id)).status).toBe('closed');
    expect((await stored(rows[2]!.id)).status).toBe('closed');
    expect((await stored(rows[3]!.id)).status).toBe('acknowledged');
  });

  it('assigns from the keyboard and remembers the last name', async () => {
    await openIncidents(page, app.url);
    const [first, second] = await renderedRows(page);
    await page.getByTestId('incident-list').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('s');
    await page.getByTestId('assign-dialog').waitFor();
    await page.getByTestId('assign-name').fill('alice');
    await page.screenshot({ path: screenshotPath('incidents-assign') });
    await page.getByTestId('assign-name').press('Enter');
    await expect.poll(() => row(first!.id).locator('.cell-assignee').textContent()).toBe('alice');
    expect((await stored(first!.id)).assignee).toBe('alice');

    await page.keyboard.press('j');
    expect(await selectedId()).toBe(second!.id);
    await page.keyboard.press('s');
    expect(await page.getByTestId('assign-name').inputValue()).toBe('alice');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('assign-dialog').count()).toBe(0);
    expect((await stored(second!.id)).assignee).not.toBe('alice');
  });

  it('starts typing in the Assign dialog, for one incident and for the ticked ones', async () => {
    await openIncidents(page, app.url);
    const [first, second, third] = await renderedRows(page);
    await page.getByTestId('incident-list').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('s');
    await page.getByTestId('assign-dialog').waitFor();
    // No click into the field: what the analyst types goes there, and Enter assigns.
    await expect.poll(() => focusedTestId(page)).toBe('assign-name');
    await page.keyboard.type('bob');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('assign-dialog').count()).toBe(0);
    await expect.poll(async () => (await stored(first!.id)).assignee).toBe('bob');

    // Ticked rows (x, then s): the remembered name is selected, so typing replaces it.
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('2 ticked');
    await page.keyboard.press('s');
    await page.getByTestId('assign-dialog').waitFor();
    await expect.poll(() => focusedTestId(page)).toBe('assign-name');
    await page.keyboard.type('carol');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await stored(second!.id)).assignee).toBe('carol');
    await expect.poll(async () => (await stored(third!.id)).assignee).toBe('carol');
  });

  it('keeps the search on Esc and Enter, and goes back to the list for j / k', async () => {
    await openIncidents(page, app.url);
    const query = 'Mimikatz';
    const expected = await allIds(app, { q: query });
    const total = (await allIds(app, {})).length;
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(total);
    const matches = `${String(expected.length)} match`;

    for (const key of ['Escape', 'Enter']) {
      await page.keyboard.press('/');
      await expect.poll(() => focusedTestId(page)).toBe('filter-search');
      await page.keyboard.type(query);
      await page.keyboard.press(key);
      await expect.poll(() => page.getByTestId('incident-count').textContent()).toContain(matches);
      await listSettled(page);
      // Still searched a moment later: nothing clears the field behind the analyst's back.
      await page.waitForTimeout(500);
      expect(await page.getByTestId('filter-search').inputValue()).toBe(query);
      expect(await hashOf(page)).toBe(`#/incidents?q=${query}`);
      expect(await page.getByTestId('incident-count').textContent()).toContain(matches);
      expect(await focusedTestId(page)).toBe('incident-list');
      // j / k move the cursor through the found incidents (from wherever it was before the search).
      const before = await page.evaluate<string | null>(
        `document.querySelector('[data-testid="incident-row"][aria-selected="true"]')?.dataset.id ?? null`,
      );
      await page.keyboard.press('j');
      const next = await selectedId();
      expect(next).not.toBe(before);
      expect(expected).toContain(next);
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      expect(await selectedId()).toBe(next);

      await page.getByTestId('filters-clear').click();
      await expect.poll(() => hashOf(page)).toBe('#/incidents');
      await listSettled(page);
      await page.getByTestId('incident-list').focus();
    }
  });

  it('names a masked export as masked, and closes the Export popover on Esc', async () => {
    await openIncidents(page, app.url);
    const button = page.getByTestId('export-button');
    await button.click();
    await page.getByTestId('export-panel').waitFor();
    const plain = await downloadExport(page);
    await page.getByTestId('export-masked').check();
    const masked = await downloadExport(page);
    // The same name but for the mark (the stamp is the minute, which may turn between the two).
    expect(plain.name).toMatch(/^vigil-incidents-[\dT-]+Z\.csv$/);
    expect(masked.name).toMatch(/^vigil-incidents-[\dT-]+Z-masked\.csv$/);
    expect(await page.getByTestId('export-result').textContent()).toContain(masked.name);
    await page.getByTestId('export-format-json').check();
    expect((await downloadExport(page)).name).toMatch(/-masked\.json$/);

    // Esc from inside the popover, and from the Export button that keeps focus after a click.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('export-panel').count()).toBe(0);
    expect(await focusedTestId(page)).toBe('export-button');
    await button.click();
    await page.getByTestId('export-panel').waitFor();
    expect(await focusedTestId(page)).toBe('export-button');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('export-panel').count()).toBe(0);
    expect(await focusedTestId(page)).toBe('export-button');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
  });

  it('offers each configured source once in the Source filter, and keeps links in either form', async () => {
    for (const source of [
      { id: 'demo', kind: 'demo', name: 'Demo feed', enabled: false },
      { id: 'hook-a', kind: 'webhook', name: 'Firewall hook', token: 'hook-token-0123456789a' },
      { id: 'hook-b', kind: 'webhook', name: 'Proxy hook', token: 'hook-token-0123456789b' },
    ]) {
      const res = await app.rpc('sources.upsert', { source });
      expect(res.status).toBe(200);
    }
    await openIncidents(page, app.url);
    const picker = page.getByTestId('filter-source');
    await expect.poll(() => picker.locator('option', { hasText: 'Proxy hook' }).count()).toBe(1);
    const labels = (await picker.locator('option').allTextContents()).map((label) => label.trim());
    expect(labels.filter((label) => /demo feed/i.test(label))).toEqual(['Demo feed']);
    expect(new Set(labels).size).toBe(labels.length);
    // Several of a kind: each by name, and the kind as a whole.
    for (const label of ['Firewall hook', 'Proxy hook', 'All Webhook sources', 'SentinelOne'])
      expect(labels).toContain(label);

    await picker.selectOption({ label: 'Demo feed' });
    await expect.poll(() => hashOf(page)).toBe('#/incidents?sourceId=demo');
    await picker.selectOption({ label: 'All Webhook sources' });
    await expect.poll(() => hashOf(page)).toBe('#/incidents?sourceKind=webhook');
    await picker.selectOption('kind:sentinelone');
    await expect.poll(() => hashOf(page)).toBe('#/incidents?sourceKind=sentinelone');
    await listSettled(page);
    for (const r of await renderedRows(page)) expect(r.text).toContain('SentinelOne');

    // A link with the kind of a source the picker offers by name still applies, and shows.
    await page.goto(`${app.url}/#/incidents?sourceKind=demo`);
    await expect.poll(() => picker.inputValue()).toBe('kind:demo');
    expect(await picker.locator('option:checked').textContent()).toBe('All Demo feed sources');
    expect(await page.getByTestId('active-filter-sourceKind').textContent()).toContain('Demo feed');
    await page.goto(`${app.url}/#/incidents?sourceId=s1`);
    await expect.poll(() => picker.inputValue()).toBe('id:s1');
    await listSettled(page);
    expect((await renderedRows(page)).length).toBeGreaterThan(0);
  });

  it('keeps the filters in the URL across views, back and forward, and a reload; a link opens an incident', async () => {
    await openIncidents(page, app.url);
    await page.getByTestId('filter-severity-high').click();
    await page.getByTestId('filter-status-new').click();
    await page.getByTestId('filter-range-24h').click();
    await page.getByTestId('sort-select').selectOption('firstSeen');
    await page.getByTestId('sort-order').click();
    await listSettled(page);
    const expected = await allIds(app, {
      severity: ['high'],
      status: ['new'],
      from: new Date(Date.now() - 86_400_000).toISOString(),
      sort: 'firstSeen',
      order: 'asc',
    });
    expect(expected.length).toBeGreaterThan(0);
    // The rows in the DOM (the virtual list renders those in view) are the first of the expected ones.
    const filtered = async () => {
      const ids = (await renderedRows(page)).map((r) => r.id);
      const count = await page.getByTestId('incident-count').textContent();
      return count?.startsWith(`${String(expected.length)} match`) ? ids : [];
    };
    const shown = expected.slice(0, (await renderedRows(page)).length);
    await expect.poll(filtered).toEqual(shown);
    const hash = '#/incidents?severity=high&status=new&range=24h&sort=firstSeen&order=asc';
    expect(await hashOf(page)).toBe(hash);
    await page.screenshot({ path: screenshotPath('incidents-filters') });

    await page.getByTestId('nav-dashboard').click();
    expect(await hashOf(page)).toBe('#/dashboard');
    await page.goBack();
    await expect.poll(() => hashOf(page)).toBe(hash);
    expect(await page.getByTestId('filter-severity-high').getAttribute('aria-pressed')).toBe('true');
    await listSettled(page);
    await expect.poll(filtered).toEqual(shown);

    await page.getByTestId('nav-sources').click();
    await page.getByTestId('nav-incidents').click();
    await expect.poll(() => hashOf(page)).toBe(hash);

    await page.reload();
    await page.getByTestId('incident-row').first().waitFor();
    await listSettled(page);
    expect(await hashOf(page)).toBe(hash);
    expect(await page.getByTestId('filter-status-new').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('filter-range-24h').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('sort-select').inputValue()).toBe('firstSeen');
    await expect.poll(filtered).toEqual(shown);

    // A link to one incident opens its detail; Escape closes it and Back opens it again.
    const target = expected[2]!;
    await page.goto(`${app.url}/#/incidents/${target}?severity=high`);
    await page.getByTestId('incident-detail').waitFor();
    await expect.poll(() => page.getByTestId('incident-detail').textContent()).toContain(target);
    expect(await page.getByTestId('filter-status-new').getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('incident-list').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('incident-detail').count()).toBe(0);
    expect(await hashOf(page)).toBe('#/incidents?severity=high');
    await page.goBack();
    await page.getByTestId('incident-detail').waitFor();
    expect(await hashOf(page)).toBe(`#/incidents/${target}?severity=high`);
  });

  it('opens the shortcut help with ? and from the toolbar', async () => {
    await openIncidents(page, app.url);
    await page.getByTestId('incident-list').focus();
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    const text = await help.textContent();
    for (const words of ['Acknowledge', 'False positive', 'Assign', 'Shift+x', 'Search', 'Next incident'])
      expect(text).toContain(words);
    await page.screenshot({ path: screenshotPath('incidents-shortcut-help') });
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);

    await page.getByTestId('shortcut-help-button').click();
    await help.waitFor();
    // Keys in the dialog are not triage: "a" acknowledges nothing behind it.
    await page.keyboard.press('a');
    expect(await page.getByTestId('triage-result').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
  });

  it('holds new incidents in a pill while the analyst works in the list, and shows them on request', async () => {
    await openIncidents(page, app.url);
    const before = await renderedRows(page);
    await row(before[3]!.id).click();
    await page.getByTestId('incident-detail').waitFor();

    const id = await postAlert(app, {
      ip: '203.0.113.9',
      type: 'ssh_bruteforce',
      severity: 'critical',
      rule: 'SSH brute force',
      target: 'bastion-01',
    });
    await expect.poll(() => page.getByTestId('incoming-pill').textContent()).toContain('1 new');
    expect(await row(id).count()).toBe(0);
    const after = await renderedRows(page);
    expect(after.slice(0, 10).map((r) => r.id)).toEqual(before.slice(0, 10).map((r) => r.id));
    expect(await selectedId()).toBe(before[3]!.id);
    await page.screenshot({ path: screenshotPath('incidents-new-pill') });

    await page.getByTestId('incoming-pill').click();
    await expect.poll(async () => (await renderedRows(page))[0]?.id).toBe(id);
    expect(await page.getByTestId('incoming-pill').count()).toBe(0);
  });

  it('says what to do when no incident matches the filters', async () => {
    await openIncidents(page, app.url);
    await page.getByTestId('filter-search').fill('no-such-thing-anywhere');
    await page.getByTestId('filter-search').press('Enter');
    const empty = page.getByTestId('incidents-empty-filtered');
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/No incidents match these filters/);
    await page.screenshot({ path: screenshotPath('incidents-empty-filtered') });
    await empty.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('incident-row').first().waitFor();
    expect(await page.getByTestId('filter-search').inputValue()).toBe('');
    expect(await hashOf(page)).toBe('#/incidents');
  });
});
