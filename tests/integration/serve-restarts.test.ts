/**
 * `npm run serve` started again and again on one data dir, as systemd or a
 * script does: `--config` applies over what is stored (nothing made in the
 * app is lost, the PIN stays), a webhook token given as `${ENV}` stays the
 * operator's, `--reset-pin` cannot be defeated silently by VIGIL_PIN, and a
 * damaged config.json is named.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { ServeProcess } from '../helpers/serve-process';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('vigil-restarts-');
const dataDir = join(dir.path, 'data');
const API_TOKEN = 'restarts-api-token-123456';
const running: ServeProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((serve) => serve.stop()));
  dir.remove();
});

function seed(name: string, document: unknown): string {
  const file = join(dir.path, name);
  writeFileSync(file, JSON.stringify(document));
  return file;
}

async function serveOnce(args: string[], env: NodeJS.ProcessEnv = {}) {
  const serve = startServe(['--data-dir', dataDir, '--port', '0', '--webhook-port', '0', ...args], {
    VIGIL_API_TOKEN: API_TOKEN,
    VIGIL_PIN: '',
    ...env,
  });
  running.push(serve);
  const urls = await serve.urls();
  const rpc = async (method: string, args: unknown = {}) => {
    const res = await fetch(`${urls.url}/api/rpc/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_TOKEN}` },
      body: JSON.stringify(args),
    });
    return (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  };
  const alert = (token: string) =>
    fetch(`${urls.webhook}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'restart_check', severity: 'low' }),
    });
  const login = (pin: string) =>
    fetch(`${urls.url}/api/login`, {
      method: 'POST',
      headers: { 'X-Vigil-Client': 'web' },
      body: JSON.stringify({ pin }),
    });
  return { serve, rpc, alert, login };
}

function printedPin(serve: ServeProcess): string | null {
  return /Web UI PIN \(generated[^)]*\): (\d{8})/.exec(serve.output())?.[1] ?? null;
}

describe('npm run serve, restarted on one data dir', () => {
  it('applies --config over the stored config: sources, settings, the PIN and the token stay', async () => {
    const first = await serveOnce([
      '--config',
      seed('first.json', {
        webhook: { token: 'restarts-webhook-token-1234' },
        sources: [
          { id: 'hk', kind: 'webhook', name: 'Hook', token: 'hook-token-123456', mapping: { title: 't' } },
        ],
      }),
    ]);
    const pin = printedPin(first.serve);
    expect(pin).not.toBeNull();
    expect((await first.rpc('settings.update', { patch: { routing: { dedupWindowSec: 120 } } })).ok).toBe(
      true,
    );
    await first.serve.stop();

    // The same kind of start systemd makes every time, with a file that names other things.
    const second = await serveOnce([
      '--config',
      seed('second.json', {
        ui: { timeZone: 'UTC' },
        sources: [{ id: 'demo', kind: 'demo', name: 'Demo feed', enabled: false }],
      }),
    ]);
    expect(printedPin(second.serve)).toBeNull();
    expect(second.serve.output()).not.toContain('Webhook token');
    expect((await second.login(pin!)).status).toBe(200);
    expect((await second.alert('restarts-webhook-token-1234')).status).toBe(202);
    const settings = (await second.rpc('settings.get')).value as {
      routing: { dedupWindowSec: number };
      ui: { timeZone: string };
    };
    expect(settings.routing.dedupWindowSec).toBe(120);
    expect(settings.ui.timeZone).toBe('UTC');
    const sources = (await second.rpc('sources.list')).value as { id: string; name: string }[];
    expect(sources.map((s) => s.id)).toEqual(['hk', 'demo']);

    // An item with a stored id merges over it: the name changes, its stored token stays.
    await second.serve.stop();
    const third = await serveOnce([
      '--config',
      seed('third.json', { sources: [{ id: 'hk', name: 'Renamed' }] }),
    ]);
    const renamed = ((await third.rpc('sources.list')).value as { id: string; name: string }[]).find(
      (s) => s.id === 'hk',
    );
    expect(renamed?.name).toBe('Renamed');
    const hook = await fetch(`${(await third.serve.urls()).webhook}/hooks/hk`, {
      method: 'POST',
      headers: { Authorization: 'Bearer hook-token-123456' },
      body: JSON.stringify({ t: 'still accepted' }),
    });
    expect(hook.status).toBe(202);
    await third.serve.stop();
  });

  it('refuses --reset-pin while VIGIL_PIN is set, rather than print a PIN that would not work', async () => {
    const serve = startServe(['--data-dir', dataDir, '--port', '0', '--webhook-port', '0', '--reset-pin'], {
      VIGIL_API_TOKEN: API_TOKEN,
      VIGIL_PIN: '11112222',
    });
    running.push(serve);
    expect(await serve.exited).toBe(2);
    expect(serve.output()).toContain('--reset-pin has no effect while VIGIL_PIN is set');
    expect(serve.output()).not.toContain('Web UI PIN');
  });

  it('keeps a ${ENV} webhook token while the variable is unset: refused until it is set again', async () => {
    const envSeed = seed('env.json', { webhook: { token: '${VIGIL_TEST_HOOK_TOKEN}' } });
    const chosen = 'operator-chosen-token-123456';
    const set = await serveOnce(['--config', envSeed], { VIGIL_TEST_HOOK_TOKEN: chosen });
    expect(set.serve.output()).not.toContain(chosen);
    expect((await set.alert(chosen)).status).toBe(202);
    await set.serve.stop();

    const unset = await serveOnce([], { VIGIL_TEST_HOOK_TOKEN: '' });
    expect(unset.serve.output()).toContain('webhook.token is ${VIGIL_TEST_HOOK_TOKEN}, which is not set');
    const refused = await unset.alert(chosen);
    expect(refused.status).toBe(503);
    await unset.serve.stop();

    const again = await serveOnce([], { VIGIL_TEST_HOOK_TOKEN: chosen });
    expect((await again.alert(chosen)).status).toBe(202);
    expect(again.serve.output()).not.toContain('Webhook token');
    await again.serve.stop();
  });

  it('names a config.json that is no longer JSON, and what to do, instead of starting', async () => {
    writeFileSync(join(dataDir, 'config.json'), '{"webhook": {"token": ');
    const serve = startServe(['--data-dir', dataDir, '--port', '0', '--webhook-port', '0'], {
      VIGIL_API_TOKEN: API_TOKEN,
    });
    running.push(serve);
    expect(await serve.exited).toBe(1);
    expect(serve.output()).toContain(`${join(dataDir, 'config.json')} is not valid JSON`);
    expect(serve.output()).toContain('put back a copy');
  });

  it('bound to every address, prints an address to open and the warning; a VIGIL_PIN shows as set', async () => {
    rmSync(join(dataDir, 'config.json'));
    const serve = startServe(
      [
        '--data-dir',
        dataDir,
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--webhook-host',
        '0.0.0.0',
        '--webhook-port',
        '0',
      ],
      { VIGIL_API_TOKEN: API_TOKEN, VIGIL_PIN: '12345678' },
    );
    running.push(serve);
    const { url } = await serve.urls();
    expect(serve.output()).toMatch(
      /Open: +http:\/\/127\.0\.0\.1:\d+ \(listening on every address of this machine\)/,
    );
    expect(serve.output()).toMatch(
      /Webhook: +http:\/\/127\.0\.0\.1:\d+\/api\/alert \(listening on every address of this machine\)/,
    );
    expect(serve.output()).toContain('WARNING: the web UI and API listen on 0.0.0.0:');
    expect(serve.output()).toContain('WARNING: the webhook listens on 0.0.0.0:');
    expect((await fetch(`${url}/api/session`)).status).toBe(200);
    // Settings say where the PIN comes from rather than "not set".
    const settings = await fetch(`${url}/api/rpc/settings.get`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_TOKEN}` },
      body: '{}',
    });
    expect(((await settings.json()) as { value: { ui: unknown } }).value.ui).toMatchObject({
      pinSet: true,
      pinFromEnv: true,
    });
    await serve.stop();
  });
});
