/**
 * The Sources view end to end, in real Chromium against the headless shell:
 * an analyst adds a SentinelOne source through the form (pointing at a local
 * fake console), meets client-side and core-side field errors, tests the
 * connection, sees the token reported as set but never sent back, polls,
 * edits and removes it; and configures a webhook source with a mapping.
 */
import { createServer } from 'node:http';

import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { SourceView } from '../../shared/ipc/contract';
import { findChromium, screenshotPath } from '../helpers/browser';
import { expectRowActionsInCard, openView, useConsole } from '../helpers/console-page';
import type { Headless } from '../helpers/headless';
import { listenLocal } from '../helpers/local-server';

const chromiumPath = findChromium();

const S1_TOKEN = 's1-token-Zq8vN3kR5tW2yL7p';

interface FakeConsole {
  url: string;
  /** Authorization header of every request, in arrival order. */
  requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

/**
 * A SentinelOne console that knows one token: the threats and cloud-detection
 * alert listings answer an empty page for it and 401 for anything else.
 */
async function startFakeSentinelOne(token: string): Promise<FakeConsole> {
  const requests: FakeConsole['requests'] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, authorization: req.headers.authorization });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { errors: [{ title: 'method not allowed' }] });
    if (path !== '/web/api/v2.1/threats' && path !== '/web/api/v2.1/cloud-detection/alerts') {
      return send(404, { errors: [{ title: 'not found' }] });
    }
    if (req.headers.authorization !== `ApiToken ${token}`) {
      return send(401, { errors: [{ code: 4010010, title: 'Authentication Failed' }] });
    }
    return send(200, { data: [], pagination: { nextCursor: null, totalItems: 0 } });
  });
  const { url, close } = await listenLocal(server);
  return { url, requests, close };
}

interface RpcAnswer<T> {
  ok: boolean;
  value: T;
}

describe.skipIf(!chromiumPath)('browser: sources', () => {
  let app: Headless;
  let page: Page;
  let s1: FakeConsole;

  beforeEach(async () => {
    s1 = await startFakeSentinelOne(S1_TOKEN);
  });
  afterEach(async () => {
    await s1?.close();
  });
  useConsole(chromiumPath!, (opened) => ({ app, page } = opened));

  const openSources = (): Promise<void> => openView(page, app.url, 'sources', 'Sources');

  // A string expression: this file is typed without the DOM library.
  const activeTestId = (): Promise<string | null> =>
    page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid") ?? null');

  const fieldError = (field: string) =>
    page.locator(`[data-testid="source-form"] [data-testid="source-field-error"][data-field="${field}"]`);

  function storedSources() {
    return app.core.config.get().sources as Record<string, unknown>[];
  }

  it('adds, tests, polls, edits and removes a SentinelOne source', async () => {
    await openSources();
    const form = page.getByTestId('source-form');

    await page.getByTestId('source-add').click();
    await form.waitFor();
    // Focus moves into the dialog, onto its first control.
    await expect.poll(activeTestId).toBe('source-kind');

    // Only the picked kind's fields are shown, with the kind's defaults.
    await page.getByTestId('source-kind').selectOption('maxpatrol');
    expect(await page.getByTestId('source-field-tokenPort').inputValue()).toBe('3334');
    expect(await page.getByTestId('source-field-clientId').inputValue()).toBe('mpx');
    expect(await form.getByText('Core host URL, e.g. https://siem.example.local').count()).toBe(1);
    expect(await page.getByTestId('source-field-apiToken').count()).toBe(0);
    await page.getByTestId('source-kind').selectOption('sentinelone');
    expect(await page.getByTestId('source-field-tokenPort').count()).toBe(0);
    expect(await form.textContent()).toContain('My User → API token');

    await page.getByTestId('source-name').fill('S1 Production');
    expect(await page.getByTestId('source-id').inputValue()).toBe('s1-production');

    // A bad URL is caught before anything is sent.
    const upserts: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/rpc/sources.upsert')) upserts.push(request.postData() ?? '');
    });
    await page.getByTestId('source-field-baseUrl').fill('not a url');
    await page.getByTestId('source-field-apiToken').fill(S1_TOKEN);
    await page.getByTestId('source-save').click();
    await expect.poll(() => fieldError('baseUrl').textContent()).toBe('must be an http(s) URL');
    expect(await page.getByTestId('source-field-baseUrl').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(activeTestId).toBe('source-field-baseUrl');
    expect(upserts).toHaveLength(0);
    await page.screenshot({ path: screenshotPath('sources-form') });

    await page.getByTestId('source-field-baseUrl').fill(s1.url);
    expect(await fieldError('baseUrl').count()).toBe(0);

    // The core's verdict lands next to the field it names: let a URL it refuses through once.
    await page.route(
      '**/api/rpc/sources.upsert',
      async (route) => {
        const body = JSON.parse(route.request().postData() ?? '{}') as { source: Record<string, unknown> };
        body.source.baseUrl = 'ftp://s1.example';
        await route.continue({ postData: JSON.stringify(body) });
      },
      { times: 1 },
    );
    await page.getByTestId('source-save').click();
    await expect.poll(() => fieldError('baseUrl').textContent()).toBe('must be an http(s) URL');
    expect(upserts).toHaveLength(1);
    expect(await form.isVisible()).toBe(true);
    expect(storedSources()).toHaveLength(0);

    await page.getByTestId('source-save').click();
    await form.waitFor({ state: 'detached' });
    // Focus goes back to the button that opened the form.
    await expect.poll(activeTestId).toBe('source-add');
    expect(upserts).toHaveLength(2);

    const row = page.locator('[data-testid="source-row"][data-id="s1-production"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('S1 Production');
    const stored = storedSources()[0]!;
    expect(stored).toMatchObject({
      id: 's1-production',
      kind: 'sentinelone',
      baseUrl: s1.url,
      enabled: true,
    });
    // The literal went into the secret store; the document keeps a reference.
    expect(stored.apiToken).not.toBe(S1_TOKEN);
    expect(app.core.config.resolveSecret(stored.apiToken as string)).toBe(S1_TOKEN);
    expect(await page.content()).not.toContain(S1_TOKEN);

    // Test connection: the row's result line says what the core answered.
    const result = page.locator('[data-testid="source-result"][data-id="s1-production"]');
    const testAnswer = page.waitForResponse((r) => r.url().endsWith('/api/rpc/sources.test'));
    await row.getByTestId('source-test').click();
    const tested = (await (await testAnswer).json()) as RpcAnswer<{
      ok: boolean;
      message: string;
      latencyMs: number;
    }>;
    expect(tested.ok).toBe(true);
    expect(tested.value.message).not.toBe('');
    await expect.poll(() => result.getAttribute('data-state')).toBe(tested.value.ok ? 'ok' : 'error');
    expect(await result.getAttribute('data-action')).toBe('test');
    const testLine = await result.getByTestId('source-result-text').textContent();
    expect(testLine).toContain(tested.value.message);
    expect(testLine).toContain(`${String(tested.value.latencyMs)} ms`);
    if (tested.value.ok) {
      // A working client reached the fake console with the token typed into the form.
      expect(s1.requests.some((r) => r.authorization === `ApiToken ${S1_TOKEN}`)).toBe(true);
    }

    // Editing: the secret shows as set, its value never reaches the page.
    await row.getByTestId('source-edit').click();
    await form.waitFor();
    await expect.poll(activeTestId).toBe('source-name');
    const tokenInput = page.getByTestId('source-field-apiToken');
    expect(await tokenInput.getAttribute('type')).toBe('password');
    expect(await tokenInput.inputValue()).toBe('');
    expect(await tokenInput.getAttribute('placeholder')).toBe('set — leave empty to keep');
    expect(
      await form.locator('[data-testid="source-secret-state"][data-field="apiToken"]').textContent(),
    ).toBe('set');
    expect(await page.getByTestId('source-field-baseUrl').inputValue()).toBe(s1.url);
    expect(await page.getByTestId('source-id').getAttribute('readonly')).not.toBeNull();
    expect(await page.content()).not.toContain(S1_TOKEN);

    // Saving with the secret left empty keeps it.
    await page.getByTestId('source-name').fill('S1 Production EU');
    await page.getByTestId('source-save').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(activeTestId).toBe('source-edit');
    await expect.poll(() => row.locator('td').first().textContent()).toContain('S1 Production EU');
    const edited = storedSources()[0]!;
    expect(edited.name).toBe('S1 Production EU');
    expect(app.core.config.resolveSecret(edited.apiToken as string)).toBe(S1_TOKEN);
    expect(JSON.parse(upserts[2]!)).not.toHaveProperty('source.apiToken');

    // Poll now.
    const pollAnswer = page.waitForResponse((r) => r.url().endsWith('/api/rpc/sources.pollNow'));
    await row.getByTestId('source-poll').click();
    const polled = (await (await pollAnswer).json()) as RpcAnswer<{
      ok: boolean;
      events: number;
      message: string;
    }>;
    expect(polled.ok).toBe(true);
    await expect.poll(() => result.getAttribute('data-action')).toBe('poll');
    expect(await result.getAttribute('data-state')).toBe(polled.value.ok ? 'ok' : 'error');
    const pollLine = await result.getByTestId('source-result-text').textContent();
    expect(pollLine).toContain(polled.value.message);
    expect(await result.getAttribute('data-events')).toBe(String(polled.value.events));
    await page.screenshot({ path: screenshotPath('sources-list') });

    // Remove asks first; Keep leaves the source alone.
    await row.getByTestId('source-remove').click();
    await expect.poll(activeTestId).toBe('source-remove-cancel');
    await row.getByTestId('source-remove-cancel').click();
    expect(await row.getByTestId('source-remove-confirm').count()).toBe(0);
    expect(storedSources()).toHaveLength(1);

    await row.getByTestId('source-remove').click();
    await row.getByTestId('source-remove-confirm').click();
    await row.waitFor({ state: 'detached' });
    expect(storedSources()).toHaveLength(0);
    const listed = (await app.rpc('sources.list')).body as RpcAnswer<unknown[]>;
    expect(listed).toEqual({ ok: true, value: [] });
    expect(await page.getByTestId('source-row').count()).toBe(0);
  });

  it('shows a failing source in red with its last error in full', async () => {
    const upsert = await app.rpc('sources.upsert', {
      source: {
        id: 's1-bad',
        kind: 'sentinelone',
        name: 'S1 wrong token',
        baseUrl: s1.url,
        apiToken: 'nope',
      },
    });
    expect(upsert.status).toBe(200);
    await openSources();
    const row = page.locator('[data-testid="source-row"][data-id="s1-bad"]');
    await row.waitFor();
    // The poller runs at once; its failure arrives as a health push.
    await expect
      .poll(() => row.getByTestId('source-health').textContent(), { timeout: 10_000 })
      .toBe('error');
    const stored = (await app.rpc('sources.list')).body as RpcAnswer<SourceView[]>;
    const lastError = stored.value[0]!.health.lastError!;
    expect(lastError).not.toBe('');
    expect(await row.getByTestId('source-health').getAttribute('title')).toBe(`Last error: ${lastError}`);

    // The last error opens from the keyboard to its full text.
    const details = row.getByTestId('source-last-error');
    expect(await details.getAttribute('open')).toBeNull();
    await details.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await details.getAttribute('open')).not.toBeNull();
    expect(await details.textContent()).toContain(lastError);

    const testAnswer = page.waitForResponse((r) => r.url().endsWith('/api/rpc/sources.test'));
    await row.getByTestId('source-test').click();
    const tested = (await (await testAnswer).json()) as RpcAnswer<{ ok: boolean; message: string }>;
    const result = page.locator('[data-testid="source-result"][data-id="s1-bad"]');
    await expect.poll(() => result.getAttribute('data-state')).toBe(tested.value.ok ? 'ok' : 'error');
    expect(await result.getByTestId('source-result-text').textContent()).toContain(tested.value.message);
    // Whatever client answers, the fake console accepts only its own token.
    expect(tested.value.ok).toBe(false);
    expect(s1.requests.some((r) => r.authorization === `ApiToken ${S1_TOKEN}`)).toBe(false);
    await page.screenshot({ path: screenshotPath('sources-error') });
  });

  it('fits the table and every row’s Remove in its card, at 1440 and at 1024 px', async () => {
    for (const source of [
      // A wrong token: the row carries a failure count and a long last error.
      { id: 's1-bad', kind: 'sentinelone', name: 'S1 wrong token', baseUrl: s1.url, apiToken: 'nope' },
      {
        id: 'perimeter-firewall',
        kind: 'webhook',
        name: 'Perimeter firewall',
        token: 'hook-token-0123456789',
      },
      { id: 'demo', kind: 'demo', name: 'Demo feed', enabled: false },
    ]) {
      expect((await app.rpc('sources.upsert', { source })).status).toBe(200);
    }
    await openSources();
    const bad = page.locator('[data-testid="source-row"][data-id="s1-bad"]');
    await expect
      .poll(() => bad.getByTestId('source-health').textContent(), { timeout: 10_000 })
      .toBe('error');
    await expectRowActionsInCard(page, 'sources-table', 'source-remove');
    await page.screenshot({ path: screenshotPath('sources-1024') });
    // The row's buttons still work where they now sit.
    await bad.getByTestId('source-remove').click();
    await bad.getByTestId('source-remove-cancel').click();
    expect(await page.getByTestId('source-row').count()).toBe(3);
  });

  it('configures a webhook source with a field mapping and shows its URL', async () => {
    await openSources();
    const form = page.getByTestId('source-form');
    await page.getByTestId('source-add').click();
    await form.waitFor();
    await page.getByTestId('source-kind').selectOption('webhook');
    await page.getByTestId('source-name').fill('Zabbix alerts');
    expect(await page.getByTestId('source-id').inputValue()).toBe('zabbix-alerts');
    // The id stays editable; the URL follows it.
    await page.getByTestId('source-id').fill('zabbix');
    const hookUrl = `${app.webhookUrl}/hooks/zabbix`;
    await expect.poll(() => page.getByTestId('source-webhook-url').textContent()).toBe(hookUrl);

    await page.getByTestId('source-mapping-add').click();
    await expect.poll(activeTestId).toBe('source-mapping-field');
    await page.getByTestId('source-mapping-field').nth(0).fill('title');
    await page.getByTestId('source-mapping-path').nth(0).fill('alert.name');
    await page.getByTestId('source-mapping-add').click();
    await page.getByTestId('source-mapping-field').nth(1).fill('title');
    await page.getByTestId('source-mapping-path').nth(1).fill('host.name');
    await page.getByTestId('source-save').click();
    await expect.poll(() => fieldError('mapping').textContent()).toBe('“title” is mapped twice');

    await page.getByTestId('source-mapping-field').nth(1).fill('host');
    await page.getByTestId('source-field-token').fill('hook-token-0123456789');
    await page.screenshot({ path: screenshotPath('sources-webhook-form') });
    await page.getByTestId('source-save').click();
    await form.waitFor({ state: 'detached' });

    await page.locator('[data-testid="source-row"][data-id="zabbix"]').waitFor();
    const stored = storedSources()[0]!;
    expect(stored).toMatchObject({
      id: 'zabbix',
      kind: 'webhook',
      name: 'Zabbix alerts',
      mapping: { title: 'alert.name', host: 'host.name' },
    });
    expect(app.core.config.resolveSecret(stored.token as string)).toBe('hook-token-0123456789');

    // Reopened, the mapping comes back in order; Escape closes without saving.
    await page.locator('[data-testid="source-row"][data-id="zabbix"]').getByTestId('source-edit').click();
    await form.waitFor();
    expect(
      await Promise.all(
        (await page.getByTestId('source-mapping-field').all()).map((input) => input.inputValue()),
      ),
    ).toEqual(['title', 'host']);
    expect(await page.getByTestId('source-webhook-url').textContent()).toBe(hookUrl);
    await page.getByTestId('source-mapping-field').nth(0).fill('description');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await expect.poll(activeTestId).toBe('source-edit');
    expect(storedSources()[0]).toMatchObject({ mapping: { title: 'alert.name', host: 'host.name' } });
  });
});
