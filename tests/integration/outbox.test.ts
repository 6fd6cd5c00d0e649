/**
 * The outbox through the real core: routing, retries, rate limits, dead
 * letters and their retry, silences and severity raises, with a desktop
 * channel whose notifier the test controls.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { DesktopNotice } from '../../electron/core/index';
import { SourceError } from '../../electron/core/sources/source-error';
import type { ChannelView, IncidentDetail, MethodResponse } from '../../shared/ipc/contract';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

let app: Headless | null = null;
afterEach(async () => {
  await app?.stop();
  app = null;
});

/** A notifier that fails as told, then records what it shows. */
function notifier() {
  const shown: DesktopNotice[] = [];
  const failures: Error[] = [];
  return {
    shown,
    failNext: (...errors: Error[]) => failures.push(...errors),
    notify: (notice: DesktopNotice) => {
      const failure = failures.shift();
      if (failure) return Promise.reject(failure);
      shown.push(notice);
      return Promise.resolve();
    },
  };
}

async function start(desktop: ReturnType<typeof notifier>, routing: Record<string, unknown> = {}) {
  app = await startHeadless({
    config: {
      channels: [{ id: 'desk', kind: 'desktop', name: 'Desktop', minSeverity: 'high', mask: false }],
      routing,
    },
    core: { desktopNotifier: desktop.notify, _notifyBackoffBaseMs: 50 },
  });
  return app;
}

async function post(target: Headless, alert: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${target.webhookUrl}/api/alert`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
    body: JSON.stringify(alert),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { incidentId: string }).incidentId;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const outbox = async (target: Headless) =>
  ((await target.rpc('channels.outbox', { id: 'desk' })).body as { value: MethodResponse<'channels.outbox'> })
    .value;
const channel = async (target: Headless) =>
  ((await target.rpc('channels.list')).body as { value: ChannelView[] }).value[0]!;

describe('outbox', () => {
  it('sends routed incidents once, skips duplicates and lower severities, and logs each delivery', async () => {
    const desktop = notifier();
    const target = await start(desktop);
    const id = await post(target, { type: 'ransomware', severity: 'critical', target: 'fs-01' });
    await post(target, { type: 'ransomware', severity: 'critical', target: 'fs-01' });
    await post(target, { type: 'port_scan', severity: 'low', target: 'ws-3' });
    await until(
      () => Promise.resolve(desktop.shown.length),
      (n) => n >= 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(desktop.shown).toHaveLength(1);
    expect(desktop.shown[0]).toMatchObject({ incidentId: id, severity: 'critical' });
    expect(desktop.shown[0]!.title).toContain('CRITICAL');
    const view = await channel(target);
    expect(view.health).toMatchObject({ deliveredTotal: 1, pending: 0, dead: 0, lastError: null });
    const { entries, deliveries } = await outbox(target);
    expect(entries).toMatchObject([{ incidentId: id, state: 'sent', attempts: 1, purpose: 'incident' }]);
    expect(deliveries).toMatchObject([{ ok: true, detail: 'shown on the desktop' }]);
  });

  it('retries a failing channel with backoff and honours a rate limit', async () => {
    const desktop = notifier();
    desktop.failNext(
      new SourceError('http', 'HTTP 502 from the notifier'),
      new SourceError('rate_limited', 'slow down', 300),
    );
    const target = await start(desktop);
    const started = Date.now();
    await post(target, { type: 'c2', severity: 'high', target: 'ws-9' });
    await until(
      () => Promise.resolve(desktop.shown.length),
      (n) => n === 1,
    );
    // 50 ms backoff after the 502, then at least the 300 ms the rate limit asked for.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const { entries, deliveries } = await outbox(target);
    expect(entries[0]).toMatchObject({ state: 'sent', attempts: 3 });
    expect(deliveries.map((d) => d.ok)).toEqual([true, false, false]);
    expect(deliveries[2]!.detail).toBe('HTTP 502 from the notifier');
  });

  it('parks a permanent failure as dead and sends it on retry', async () => {
    const desktop = notifier();
    desktop.failNext(new SourceError('config', 'no display'));
    const target = await start(desktop);
    await post(target, { type: 'malware', severity: 'high', target: 'ws-1' });
    const dead = await until(
      () => outbox(target),
      (o) => o.entries[0]?.state === 'dead',
    );
    expect(dead.entries[0]!.lastError).toBe('no display');
    expect((await channel(target)).health).toMatchObject({ dead: 1, lastError: 'no display' });
    const retried = await target.rpc('channels.retry', { outboxId: dead.entries[0]!.id });
    expect(retried.body).toEqual({ ok: true, value: { retried: true } });
    await until(
      () => Promise.resolve(desktop.shown.length),
      (n) => n === 1,
    );
    expect((await outbox(target)).entries[0]).toMatchObject({ state: 'sent' });
  });

  it('notifies again when severity rises, and records silences on the timeline instead of notifying', async () => {
    const desktop = notifier();
    const target = await start(desktop);
    await post(target, { type: 'brute', severity: 'high', target: 'vpn-1', ip: '203.0.113.4' });
    await until(
      () => Promise.resolve(desktop.shown.length),
      (n) => n === 1,
    );
    await post(target, { type: 'brute', severity: 'critical', target: 'vpn-1', ip: '203.0.113.4' });
    await until(
      () => Promise.resolve(desktop.shown.length),
      (n) => n === 2,
    );
    expect(desktop.shown[1]!.severity).toBe('critical');

    const silence = await target.rpc('silences.add', {
      owner: 'ana',
      reason: 'pentest',
      minutes: 30,
      match: { hosts: ['db-5'] },
    });
    expect(silence.body).toMatchObject({ ok: true });
    const quiet = await post(target, { type: 'sqli', severity: 'critical', target: 'db-5' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(desktop.shown).toHaveLength(2);
    const detail = ((await target.rpc('incidents.get', { id: quiet })).body as { value: IncidentDetail })
      .value;
    expect(detail.timeline.map((e) => [e.action, e.actor])).toContainEqual(['silenced', 'ana']);
  });
});
