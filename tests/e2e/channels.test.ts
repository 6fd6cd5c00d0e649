/**
 * The Channels view end to end, in real Chromium against the headless shell:
 * an analyst adds a Mattermost channel through the form (pointing at a local
 * fake Mattermost), meets a field error, sends a test, sees an incident
 * delivered and a failing webhook's entry waiting in the outbox with its
 * error; retries a dead entry once the channel is fixed; toggles, edits and
 * removes a channel; and silences incidents for a while from the Routing card.
 */
import { createServer } from 'node:http';

import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';

import { createTelegramChatsRepo } from '../../electron/core/db/repos/telegram-chats-repo';
import { dataPaths } from '../../electron/core/paths';
import type { ConfigInput } from '../../shared/config';
import type { ChannelView, OutboxEntryView } from '../../shared/ipc/contract';
import { findChromium, screenshotPath } from '../helpers/browser';
import {
  expectRowActionsInCard,
  openConsole,
  openView,
  postAlert,
  useChromium,
} from '../helpers/console-page';
import type { Headless } from '../helpers/headless';
import { listenLocal } from '../helpers/local-server';

const chromiumPath = findChromium();

/** The incoming-webhook key is the credential; it must never reach the page. */
const HOOK_PATH = '/hooks/x7k2qpmz9w8brn3d5yf4gtc6ha';

interface FakeMattermost {
  /** The incoming webhook's URL. */
  hookUrl: string;
  /** JSON bodies posted to the webhook, in arrival order. */
  posts: Record<string, unknown>[];
  /** What the webhook answers; 200 answers "ok" as Mattermost does. */
  status: number;
  close(): Promise<void>;
}

/** A Mattermost incoming webhook: records each post and answers `status` (200 "ok" as text/plain). */
async function startFakeMattermost(): Promise<FakeMattermost> {
  const fake: FakeMattermost = {
    hookUrl: '',
    posts: [],
    status: 200,
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (req.method !== 'POST' || path !== HOOK_PATH) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: 'web.incoming_webhook.invalid.app_error', status_code: 404 }));
        return;
      }
      if (fake.status !== 200) {
        res.writeHead(fake.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: 'web.incoming_webhook.text.app_error', status_code: fake.status }));
        return;
      }
      fake.posts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  const { url, close } = await listenLocal(server);
  fake.hookUrl = `${url}${HOOK_PATH}`;
  fake.close = close;
  return fake;
}

interface RpcAnswer<T> {
  ok: boolean;
  value: T;
}

/** Everything a post says, as one string, to look for an incident's title in it. */
function postText(post: Record<string, unknown>): string {
  return JSON.stringify(post);
}

describe.skipIf(!chromiumPath)('browser: channels', () => {
  const browser = useChromium(chromiumPath!);
  let closeConsole: (() => Promise<void>) | undefined;
  let mm: FakeMattermost | undefined;

  afterEach(async () => {
    await closeConsole?.();
    await mm?.close();
    closeConsole = undefined;
    mm = undefined;
  });

  async function start(config?: ConfigInput): Promise<{ app: Headless; page: Page; mm: FakeMattermost }> {
    mm = await startFakeMattermost();
    const { app, page, close } = await openConsole(browser(), config ? { config } : {});
    closeConsole = close;
    await openView(page, app.url, 'channels', 'Channels');
    return { app, page, mm };
  }

  // A string expression: this file is typed without the DOM library.
  const activeTestId = (p: Page): Promise<string | null> =>
    p.evaluate<string | null>('document.activeElement?.getAttribute("data-testid") ?? null');

  async function outboxOf(target: Headless, id: string): Promise<OutboxEntryView[]> {
    const answer = (await target.rpc('channels.outbox', { id, limit: 50 })).body as RpcAnswer<{
      entries: OutboxEntryView[];
    }>;
    expect(answer.ok).toBe(true);
    return answer.value.entries;
  }

  it('adds a Mattermost channel, tests it, delivers incidents and shows a failing one in the outbox', async () => {
    const { app, page, mm } = await start();
    const form = page.getByTestId('channel-form');
    const fieldError = (field: string) =>
      form.locator(`[data-testid="channel-field-error"][data-field="${field}"]`);

    // The empty view explains channels and offers to add one.
    expect(await page.getByTestId('channels-empty').textContent()).toContain('minimum severity');
    await page.getByTestId('channel-add').click();
    await form.waitFor();
    await expect.poll(() => activeTestId(page)).toBe('channel-kind');

    // Only the picked kind's fields are shown, with the kind's defaults.
    expect(await page.getByTestId('channel-field-botToken').count()).toBe(1);
    expect(await page.getByTestId('channel-field-apiRoot').isVisible()).toBe(false);
    await form.getByText('Advanced').click();
    expect(await page.getByTestId('channel-field-apiRoot').inputValue()).toBe('https://api.telegram.org');
    await page.getByTestId('channel-kind').selectOption('email');
    expect(await page.getByTestId('channel-field-smtp.port').inputValue()).toBe('587');
    expect(await page.getByTestId('channel-field-smtp.host').inputValue()).toBe('localhost');
    await page.getByTestId('channel-kind').selectOption('whatsapp');
    expect(await page.getByTestId('channel-field-bridgeUrl').count()).toBe(1);
    expect(await page.getByTestId('channel-field-phoneNumberId').count()).toBe(0);
    await page.getByTestId('channel-field-provider').selectOption('cloud');
    expect(await page.getByTestId('channel-field-bridgeUrl').count()).toBe(0);
    expect(await page.getByTestId('channel-field-phoneNumberId').count()).toBe(1);
    await page.getByTestId('channel-kind').selectOption('mattermost');
    expect(await page.getByTestId('channel-field-username').inputValue()).toBe('Vigil');
    expect(await page.getByTestId('channel-field-botToken').count()).toBe(0);
    await page.getByTestId('channel-name').fill('SOC Mattermost');
    expect(await page.getByTestId('channel-id').inputValue()).toBe('soc-mattermost');

    // A webhook URL that is not one is caught before anything is sent.
    const upserts: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/rpc/channels.upsert')) upserts.push(request.postData() ?? '');
    });
    expect(await page.getByTestId('channel-field-webhookUrl').getAttribute('type')).toBe('password');
    await page.getByTestId('channel-field-webhookUrl').fill('chat.example.com/hooks/abc');
    await page.getByTestId('channel-save').click();
    await expect.poll(() => fieldError('webhookUrl').textContent()).toBe('must be an http(s) URL');
    expect(await page.getByTestId('channel-field-webhookUrl').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => activeTestId(page)).toBe('channel-field-webhookUrl');
    expect(upserts).toHaveLength(0);

    await page.getByTestId('channel-field-webhookUrl').fill(mm.hookUrl);
    expect(await fieldError('webhookUrl').count()).toBe(0);
    await page.getByTestId('channel-field-minSeverity').selectOption('medium');
    // Turning masking off says plainly what that means.
    expect(await page.getByTestId('channel-mask-warning').count()).toBe(0);
    await page.getByTestId('channel-field-mask').uncheck();
    expect(await page.getByTestId('channel-mask-warning').textContent()).toContain(
      'real host names, users and IPs will be sent to this channel',
    );
    await page.screenshot({ path: screenshotPath('channels-form') });

    await page.getByTestId('channel-save').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => activeTestId(page)).toBe('channel-add');
    expect(upserts).toHaveLength(1);
    expect(JSON.parse(upserts[0]!)).toMatchObject({ create: true, channel: { id: 'soc-mattermost' } });

    const row = page.locator('[data-testid="channel-row"][data-id="soc-mattermost"]');
    await row.waitFor();
    expect(await row.getByTestId('channel-mask').textContent()).toBe('Real values');
    const stored = app.core.config.get().channels[0] as Record<string, unknown>;
    expect(stored).toMatchObject({
      id: 'soc-mattermost',
      kind: 'mattermost',
      name: 'SOC Mattermost',
      minSeverity: 'medium',
      mask: false,
      enabled: true,
      username: 'Vigil',
    });
    // The literal went into the secret store; the page never sees it.
    expect(stored.webhookUrl).not.toBe(mm.hookUrl);
    expect(app.core.config.resolveSecret(stored.webhookUrl as string)).toBe(mm.hookUrl);
    expect(await page.content()).not.toContain(HOOK_PATH);

    // Send test: a green line with the core's message and latency, and a post on the fake server.
    const testAnswer = page.waitForResponse((r) => r.url().endsWith('/api/rpc/channels.test'));
    await row.getByTestId('channel-test').click();
    const tested = (await (await testAnswer).json()) as RpcAnswer<{
      ok: boolean;
      message: string;
      latencyMs: number;
    }>;
    expect(tested.value.ok).toBe(true);
    const result = page.locator('[data-testid="channel-result"][data-id="soc-mattermost"]');
    await expect.poll(() => result.getAttribute('data-state')).toBe('ok');
    const line = await result.getByTestId('channel-result-text').textContent();
    expect(line).toContain(tested.value.message);
    expect(line).toContain(`${String(tested.value.latencyMs)} ms`);
    expect(mm.posts).toHaveLength(1);
    expect(postText(mm.posts[0]!)).toContain('Test notification from Vigil');

    // A low alert is below the channel's minimum and is never queued; the high one behind it is delivered.
    const lowId = await postAlert(app, {
      type: 'port_scan',
      severity: 'low',
      rule: 'Port scan seen',
      target: 'lab-07.example.com',
    });
    await postAlert(app, {
      type: 'ssh_bruteforce',
      severity: 'high',
      ip: '203.0.113.50',
      rule: 'SSH brute force',
      target: 'web-01.example.com',
    });
    await expect.poll(() => mm.posts.length, { timeout: 10_000 }).toBe(2);
    expect(postText(mm.posts[1]!)).toContain('SSH brute force on web-01.example.com');
    // Masking is off on this channel, so the real address goes out.
    expect(postText(mm.posts[1]!)).toContain('web-01.example.com');
    expect((await outboxOf(app, 'soc-mattermost')).some((e) => e.incidentId === lowId)).toBe(false);
    await expect
      .poll(() => row.getByTestId('channel-delivered').textContent(), { timeout: 5000 })
      .toContain('2 delivered');
    expect(await row.getByTestId('channel-health').getAttribute('data-state')).toBe('ok');

    // The webhook starts failing: the next incident waits in the outbox with the error.
    mm.status = 500;
    const failingId = await postAlert(app, {
      type: 'ransomware',
      severity: 'critical',
      rule: 'Ransomware behaviour',
      target: 'fs-02.example.com',
    });
    await expect
      .poll(async () => (await outboxOf(app, 'soc-mattermost')).find((e) => e.incidentId === failingId), {
        timeout: 10_000,
      })
      .toMatchObject({ state: 'pending', lastError: expect.stringContaining('HTTP 500') as string });
    const failing = (await outboxOf(app, 'soc-mattermost')).find((e) => e.incidentId === failingId)!;

    await row.getByTestId('channel-outbox').click();
    const panel = page.getByTestId('channel-outbox-panel');
    await panel.waitFor();
    await expect.poll(() => activeTestId(page)).toBe('channel-drawer-close');
    const entry = panel.locator(`[data-testid="outbox-entry"][data-id="${String(failing.id)}"]`);
    await expect.poll(() => entry.getAttribute('data-state'), { timeout: 5000 }).toBe('pending');
    expect(await entry.textContent()).toContain('Ransomware behaviour on fs-02.example.com');
    expect(await entry.getByTestId('outbox-error').textContent()).toContain('HTTP 500');
    expect(await entry.getByTestId('outbox-retry').count()).toBe(0);
    // The two deliveries before are listed as sent, and the delivery log has the failure too.
    expect(await panel.locator('[data-testid="outbox-entry"][data-state="sent"]').count()).toBe(1);
    expect(
      await panel.locator('[data-testid="outbox-delivery"][data-ok="false"]').first().textContent(),
    ).toContain('HTTP 500');
    await page.screenshot({ path: screenshotPath('channels-outbox') });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect.poll(() => activeTestId(page)).toBe('channel-outbox');

    // The row says the channel is failing, with the queue counts.
    await expect.poll(() => row.getByTestId('channel-health').getAttribute('data-state')).toBe('error');
    expect(await row.getByTestId('channel-counts').getAttribute('data-pending')).toBe('1');
    expect(await row.getByTestId('channel-last-error').textContent()).toContain('HTTP 500');
    await page.screenshot({ path: screenshotPath('channels-list') });
  });

  it('fits the table and every row’s Remove in its card, at 1440 and at 1024 px', async () => {
    const { page } = await start({
      channels: [
        {
          id: 'soc-room',
          kind: 'mattermost',
          name: 'SOC night shift room',
          webhookUrl: 'http://127.0.0.1:9/hooks/nowhere',
          minSeverity: 'high',
          mask: true,
        },
        { id: 'later', kind: 'mattermost', name: 'Later', minSeverity: 'critical', mask: false },
      ],
    });
    await page.locator('[data-testid="channel-row"][data-id="later"]').waitFor();
    await expectRowActionsInCard(page, 'channels-table', 'channel-remove');
    await page.screenshot({ path: screenshotPath('channels-1024') });
  });

  it('retries a dead entry once the channel is fixed, then toggles, edits and removes the channel', async () => {
    // No webhook URL yet: the outbox parks the message as dead at once (a setting to fix, not a retry).
    const { app, page, mm } = await start({
      channels: [{ id: 'later', kind: 'mattermost', name: 'Later', minSeverity: 'high', mask: false }],
    });
    const incidentId = await postAlert(app, {
      type: 'malware',
      severity: 'critical',
      rule: 'Malware quarantined',
      target: 'ws-042.example.com',
    });
    await expect.poll(async () => (await outboxOf(app, 'later'))[0]?.state, { timeout: 10_000 }).toBe('dead');
    const dead = (await outboxOf(app, 'later'))[0]!;
    expect(dead.incidentId).toBe(incidentId);

    const row = page.locator('[data-testid="channel-row"][data-id="later"]');
    await row.waitFor();
    await expect.poll(() => row.getByTestId('channel-counts').getAttribute('data-dead')).toBe('1');
    expect(await row.getByTestId('channel-health').getAttribute('data-state')).toBe('error');

    // Fix the channel: the stored URL is not set yet, so the form says so.
    const form = page.getByTestId('channel-form');
    await row.getByTestId('channel-edit').click();
    await form.waitFor();
    await expect.poll(() => activeTestId(page)).toBe('channel-name');
    expect(
      await form.locator('[data-testid="channel-secret-state"][data-field="webhookUrl"]').textContent(),
    ).toBe('not set');
    await page.getByTestId('channel-field-webhookUrl').fill(mm.hookUrl);

    // The core's verdict lands next to the field it names: let an icon URL it refuses through once.
    await page.route(
      '**/api/rpc/channels.upsert',
      async (route) => {
        const body = JSON.parse(route.request().postData() ?? '{}') as { channel: Record<string, unknown> };
        body.channel.iconUrl = 'ftp://icons.example.com/vigil.png';
        await route.continue({ postData: JSON.stringify(body) });
      },
      { times: 1 },
    );
    await page.getByTestId('channel-save').click();
    await expect
      .poll(() => form.locator('[data-testid="channel-field-error"][data-field="iconUrl"]').textContent())
      .toBe('must be an http(s) URL');
    const unsaved = app.core.config.get().channels[0] as Record<string, unknown>;
    expect(app.core.config.resolveSecret(unsaved.webhookUrl as string | undefined)).toBeUndefined();
    await page.getByTestId('channel-save').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => activeTestId(page)).toBe('channel-edit');
    const saved = app.core.config.get().channels[0] as Record<string, unknown>;
    expect(app.core.config.resolveSecret(saved.webhookUrl as string)).toBe(mm.hookUrl);

    // The dead entry stays dead until someone retries it.
    await row.getByTestId('channel-outbox').click();
    const panel = page.getByTestId('channel-outbox-panel');
    await panel.waitFor();
    const entry = panel.locator(`[data-testid="outbox-entry"][data-id="${String(dead.id)}"]`);
    await expect.poll(() => entry.getAttribute('data-state')).toBe('dead');
    expect(await entry.getByTestId('outbox-error').textContent()).toContain('webhook URL');
    expect(mm.posts).toHaveLength(0);
    await entry.getByTestId('outbox-retry').click();
    await expect.poll(() => mm.posts.length, { timeout: 10_000 }).toBe(1);
    expect(postText(mm.posts[0]!)).toContain('Malware quarantined on ws-042.example.com');
    // The panel follows the channel's pushes to the sent state.
    await expect.poll(() => entry.getAttribute('data-state'), { timeout: 5000 }).toBe('sent');
    await page.getByTestId('channel-drawer-close').click();
    await panel.waitFor({ state: 'detached' });
    await expect.poll(() => row.getByTestId('channel-counts').getAttribute('data-dead')).toBe('0');

    // Disabling keeps every setting and the stored secret.
    // From the keyboard: the switch is a checkbox under its painted track.
    await row.getByTestId('channel-enabled').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => app.core.config.get().channels[0]!.enabled).toBe(false);
    const disabled = app.core.config.get().channels[0] as Record<string, unknown>;
    expect(disabled).toMatchObject({ id: 'later', minSeverity: 'high', mask: false, username: 'Vigil' });
    expect(app.core.config.resolveSecret(disabled.webhookUrl as string)).toBe(mm.hookUrl);
    await expect.poll(() => row.getByTestId('channel-health').getAttribute('data-state')).toBe('disabled');
    expect(await row.getByTestId('channel-enabled').isChecked()).toBe(false);

    // Remove asks first; Keep leaves it alone.
    await row.getByTestId('channel-remove').click();
    await expect.poll(() => activeTestId(page)).toBe('channel-remove-cancel');
    await page.keyboard.press('Escape');
    await expect.poll(() => activeTestId(page)).toBe('channel-remove');
    expect(app.core.config.get().channels).toHaveLength(1);
    await row.getByTestId('channel-remove').click();
    await row.getByTestId('channel-remove-confirm').click();
    await row.waitFor({ state: 'detached' });
    expect(app.core.config.get().channels).toHaveLength(0);
    const listed = (await app.rpc('channels.list')).body as RpcAnswer<ChannelView[]>;
    expect(listed).toEqual({ ok: true, value: [] });
    await page.getByTestId('channels-empty').waitFor();
  });

  it('silences matching incidents from the Routing card, ends the silence, and sets quiet hours', async () => {
    const { app, page, mm } = await start();
    await app.rpc('channels.upsert', {
      channel: {
        id: 'mm',
        kind: 'mattermost',
        name: 'MM',
        minSeverity: 'low',
        mask: false,
        webhookUrl: mm.hookUrl,
      },
    });
    // Masking is on by default: this channel's posts carry pseudonyms instead of host names.
    await app.rpc('channels.upsert', {
      channel: {
        id: 'masked',
        kind: 'mattermost',
        name: 'Masked',
        minSeverity: 'low',
        username: 'Masked Vigil',
        webhookUrl: mm.hookUrl,
      },
    });
    const routing = page.getByTestId('channels-routing');
    await routing.getByTestId('silences-empty').waitFor();

    await routing.getByTestId('silence-new').click();
    const silenceForm = routing.getByTestId('silence-form');
    await silenceForm.waitFor();
    await expect.poll(() => activeTestId(page)).toBe('silence-owner');
    expect(await page.getByTestId('silence-owner').inputValue()).toBe('analyst');
    expect(await page.getByTestId('silence-all-warning').count()).toBe(1);
    await page.getByTestId('silence-reason').fill('patching web-01');
    await page.getByTestId('silence-hosts').fill('web-01.example.com');
    expect(await page.getByTestId('silence-all-warning').count()).toBe(0);
    await page.getByTestId('silence-minutes').selectOption('120');
    const before = Date.now();
    await page.getByTestId('silence-add').click();
    await silenceForm.waitFor({ state: 'detached' });

    const silenceRow = routing.getByTestId('silence-row');
    await silenceRow.waitFor();
    expect(await silenceRow.textContent()).toContain('analyst');
    expect(await silenceRow.textContent()).toContain('patching web-01');
    expect(await silenceRow.textContent()).toContain('hosts web-01.example.com');
    const silences = app.core.config.get().routing.silences;
    expect(silences).toHaveLength(1);
    expect(silences[0]).toMatchObject({
      owner: 'analyst',
      reason: 'patching web-01',
      match: { hosts: ['web-01.example.com'] },
    });
    const expires = Date.parse(silences[0]!.expiresAt) - before;
    expect(expires).toBeGreaterThan(119 * 60_000);
    expect(expires).toBeLessThanOrEqual(120 * 60_000 + 5_000);

    // A matching incident is held back (and its timeline says why); another host's goes out.
    const silencedId = await postAlert(app, {
      type: 'ssh_bruteforce',
      severity: 'critical',
      rule: 'SSH brute force',
      target: 'web-01.example.com',
    });
    await postAlert(app, {
      type: 'ssh_bruteforce',
      severity: 'high',
      rule: 'SSH brute force',
      target: 'db-01.example.com',
    });
    await expect.poll(() => mm.posts.length, { timeout: 10_000 }).toBe(2);
    const real = mm.posts.find((post) => post.username === 'Vigil')!;
    const masked = mm.posts.find((post) => post.username === 'Masked Vigil')!;
    expect(postText(real)).toContain('SSH brute force on db-01.example.com');
    expect(postText(masked)).toContain('SSH brute force');
    expect(postText(masked)).not.toContain('db-01');
    for (const channel of ['mm', 'masked']) {
      expect((await outboxOf(app, channel)).some((e) => e.incidentId === silencedId)).toBe(false);
    }
    const detail = (await app.rpc('incidents.get', { id: silencedId })).body as RpcAnswer<{
      timeline: { action: string; actor: string }[];
    }>;
    expect(detail.value.timeline).toContainEqual(
      expect.objectContaining({ action: 'silenced', actor: 'analyst' }),
    );

    await silenceRow.getByTestId('silence-end').click();
    await routing.getByTestId('silences-empty').waitFor();
    expect(app.core.config.get().routing.silences).toHaveLength(0);
    await expect.poll(() => activeTestId(page)).toBe('silence-new');

    // Quiet hours on, then off again.
    await routing.getByTestId('quiet-enabled').check();
    await routing.getByTestId('quiet-start').fill('22:30');
    await routing.getByTestId('quiet-end').fill('06:45');
    await routing.getByTestId('quiet-save').click();
    await routing.getByTestId('quiet-saved').waitFor();
    expect(app.core.config.get().routing.quietHours).toEqual({ start: '22:30', end: '06:45' });
    await routing.getByTestId('quiet-enabled').uncheck();
    await routing.getByTestId('quiet-save').click();
    await expect.poll(() => app.core.config.get().routing.quietHours).toBeNull();
  });

  it('decides on Telegram chats from the Chats panel', async () => {
    // Without a bot token no bot runs, so decisions are recorded by the console alone.
    const { app, page } = await start({
      channels: [{ id: 'tg', kind: 'telegram', name: 'SOC bot', minSeverity: 'high', mask: true }],
    });
    // Chats ask through the bot; here their requests are written where the bot would keep them.
    const db = new Database(dataPaths(app.dataDir).db);
    try {
      const chats = createTelegramChatsRepo(db);
      chats.save('tg', {
        chatId: '-1001234567890',
        title: 'SOC shift group',
        state: 'pending',
        requestedAt: '2026-01-05T08:00:00.000Z',
        decidedAt: null,
        decidedBy: null,
      });
      chats.save('tg', {
        chatId: '424242',
        title: 'Night duty',
        state: 'approved',
        requestedAt: '2026-01-04T08:00:00.000Z',
        decidedAt: '2026-01-04T08:05:00.000Z',
        decidedBy: 'admin',
      });
    } finally {
      db.close();
    }

    const row = page.locator('[data-testid="channel-row"][data-id="tg"]');
    await row.waitFor();
    expect(await row.getByTestId('channel-mask').textContent()).toBe('Masked');
    await row.getByTestId('channel-chats').click();
    const panel = page.getByTestId('channel-chats-panel');
    await panel.waitFor();
    const pending = panel.getByTestId('chats-pending');
    const request = pending.locator('[data-testid="chat-row"][data-chat="-1001234567890"]');
    await request.waitFor();
    expect(await request.textContent()).toContain('SOC shift group');
    expect(await panel.getByTestId('chats-approved').textContent()).toContain('Night duty');

    await request.getByTestId('chat-allow').click();
    const approved = panel.locator(
      '[data-testid="chats-approved"] [data-testid="chat-row"][data-chat="-1001234567890"]',
    );
    await approved.waitFor();
    expect(await pending.textContent()).toContain('No requests');
    const listed = (await app.rpc('telegram.chats', { channelId: 'tg' })).body as RpcAnswer<
      { chatId: string; state: string; decidedBy: string | null }[]
    >;
    expect(listed.value.find((chat) => chat.chatId === '-1001234567890')).toMatchObject({
      state: 'approved',
    });
    expect(listed.value.find((chat) => chat.chatId === '-1001234567890')?.decidedBy).toBeTruthy();

    // An approved chat can still be blocked.
    await approved.getByTestId('chat-block').click();
    await panel
      .locator('[data-testid="chats-blocked"] [data-testid="chat-row"][data-chat="-1001234567890"]')
      .waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect.poll(() => activeTestId(page)).toBe('channel-chats');
  });
});
