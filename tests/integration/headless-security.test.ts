/**
 * The headless shell's doors, each tried from outside: nothing but the login
 * is served without a session (the console's files included), the form login
 * refuses other sites and open redirects, the cookie carries its flags, every
 * answer carries the security headers, request bodies are capped in size and
 * depth, and a listener bound beyond loopback is reported for the UI's
 * warning.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Headless } from '../helpers/headless';
import { TEST_API_TOKEN, TEST_PIN, TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';

const INDEX = '<!doctype html><title>console</title><script type="module" src="/assets/app-1.js"></script>';
const SCRIPT = 'console.log("the console bundle");';

const site = tempDir('vigil-static-');
mkdirSync(join(site.path, 'assets'));
writeFileSync(join(site.path, 'index.html'), INDEX);
writeFileSync(join(site.path, 'assets', 'app-1.js'), SCRIPT);
writeFileSync(join(site.path, 'assets', 'app-1.css'), 'body{}');

let app: Headless;

beforeAll(async () => {
  app = await startHeadless({ staticDir: site.path });
});

afterAll(async () => {
  await app.stop();
  site.remove();
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return fetch(`${app.url}${path}`, { method, headers, redirect: 'manual' });
}

function formLogin(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${app.url}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

async function session(): Promise<string> {
  const res = await formLogin({ pin: TEST_PIN, next: '/' });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

describe('static files behind the PIN', () => {
  it('answers every page with the login page and every asset with 401, without a session', async () => {
    for (const path of ['/', '/index.html', '/incidents/inc_1', '/settings?tab=ai']) {
      const res = await get(path);
      const html = await res.text();
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(html, path).toContain('data-testid="login-pin"');
      expect(html, path).not.toContain('console</title>');
      // Nothing of the console is linked: the page loads no script and no asset.
      expect(html).not.toMatch(/<script|<link rel="stylesheet"|src=/);
    }
    for (const path of ['/assets/app-1.js', '/assets/app-1.css', '/assets/missing.js', '/favicon.ico']) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(await res.text()).not.toContain('the console bundle');
    }
    expect((await get('/assets/app-1.js', {}, 'HEAD')).status).toBe(401);
    // An expired or made-up session is no session.
    expect((await get('/assets/app-1.js', { Cookie: 'vigil_session=made-up' })).status).toBe(401);
  });

  it('carries the page asked for through the login, to this server only', async () => {
    const page = await (await get('/incidents/inc_1?tab=raw')).text();
    expect(page).toContain('name="next" value="/incidents/inc_1?tab=raw"');
    const cases: [string, string][] = [
      ['/incidents/inc_1?tab=raw', '/incidents/inc_1?tab=raw'],
      ['//evil.example/x', '/'],
      ['/\\evil.example', '/'],
      ['https://evil.example/', '/'],
      ['/api/rpc/backup.run', '/'],
      ['/x\r\nSet-Cookie: a=b', '/'],
      ['', '/'],
    ];
    for (const [next, location] of cases) {
      const res = await formLogin({ pin: TEST_PIN, next });
      expect(res.status, next).toBe(303);
      expect(res.headers.get('location'), next).toBe(location);
    }
  });

  it('serves the console after a form login, privately cached', async () => {
    const cookie = await session();
    const index = await get('/', { Cookie: cookie });
    expect(index.status).toBe(200);
    expect(await index.text()).toBe(INDEX);
    const script = await get('/assets/app-1.js', { Cookie: cookie });
    expect(script.status).toBe(200);
    expect(await script.text()).toBe(SCRIPT);
    expect(script.headers.get('cache-control')).toMatch(/^private,/);
    // A client-side route is the console's index; a logged-in visit to /login goes home.
    expect(await (await get('/incidents/inc_1', { Cookie: cookie })).text()).toBe(INDEX);
    const again = await get('/login', { Cookie: cookie });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/');
    // Scripts may fetch the files with the API token.
    expect((await get('/assets/app-1.js', { Authorization: `Bearer ${TEST_API_TOKEN}` })).status).toBe(200);
  });

  it('refuses a wrong or empty PIN with the page and a reason, and sets no cookie', async () => {
    const wrong = await formLogin({ pin: 'not-the-pin', next: '/' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toMatch(/data-testid="login-error">Wrong PIN/);
    const empty = await formLogin({ pin: '', next: '/' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Enter the PIN');
  });

  it('refuses a sign-in posted from another site, even with the right PIN', async () => {
    const crossSite: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: 'http://evil.example' },
      { Origin: 'null' },
    ];
    for (const headers of crossSite) {
      const res = await formLogin({ pin: TEST_PIN, next: '/' }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    const sameOrigin = await formLogin(
      { pin: TEST_PIN, next: '/' },
      { 'Sec-Fetch-Site': 'same-origin', Origin: app.url },
    );
    expect(sameOrigin.status).toBe(303);
  });

  it('flags the cookie HttpOnly and SameSite=Strict, and Secure behind a TLS proxy', async () => {
    const plain = (await formLogin({ pin: TEST_PIN })).headers.get('set-cookie') ?? '';
    expect(plain).toMatch(/^vigil_session=[\w-]{40,}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    const proxied = await formLogin({ pin: TEST_PIN }, { 'X-Forwarded-Proto': 'https' });
    expect(proxied.headers.get('set-cookie')).toMatch(/; Secure$/);
    const api = await fetch(`${app.url}/api/login`, {
      method: 'POST',
      headers: { 'X-Vigil-Client': 'web', 'X-Forwarded-Proto': 'https' },
      body: JSON.stringify({ pin: TEST_PIN }),
    });
    expect(api.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; .*; Secure$/);
  });

  it('sends the security headers with every kind of answer', async () => {
    const cookie = await session();
    const answers = [
      await get('/'),
      await get('/assets/app-1.js'),
      await get('/assets/app-1.js', { Cookie: cookie }),
      await get('/api/nothing-here'),
      await get('/api/session'),
      await formLogin({ pin: 'wrong' }),
      await fetch(`${app.url}/api/rpc/system.status`, { method: 'POST', body: '{}' }),
      await fetch(`${app.url}/api/rpc/system.status`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_API_TOKEN}` },
        body: '{}',
      }),
    ];
    for (const res of answers) {
      const where = `${res.url} ${res.status}`;
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, where).toContain("script-src 'self'");
      expect(csp, where).toContain("frame-ancestors 'none'");
      expect(csp, where).toContain("object-src 'none'");
      expect(csp, where).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
      expect(res.headers.get('x-frame-options'), where).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), where).toBe('no-referrer');
      await res.body?.cancel();
    }
  });
});

describe('contract bodies', () => {
  async function rpc(method: string, body: string | Uint8Array) {
    const res = await fetch(`${app.url}/api/rpc/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_API_TOKEN}`, 'Content-Type': 'application/json' },
      body,
    });
    return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string } } };
  }

  it('refuses null and non-object args, deep nesting and oversized bodies with a clear code', async () => {
    for (const body of ['null', '[]', '"x"', '7', 'true']) {
      expect(await rpc('system.status', body), body).toMatchObject({
        status: 400,
        body: { ok: false, error: { code: 'bad_request' } },
      });
    }
    // No body at all means no args.
    expect((await rpc('system.status', '')).status).toBe(200);
    const deep = `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`;
    const answer = await rpc('settings.update', `{"patch":{"ui":${deep}}}`);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(JSON.stringify(answer.body)).toContain('deeper than 64 levels');
    const huge = await rpc('config.importSeed', JSON.stringify({ document: 'x'.repeat(1024 * 1024) }));
    expect(huge).toMatchObject({ status: 413, body: { ok: false, error: { code: 'payload_too_large' } } });
  });
});

describe('exposure', () => {
  it('reports nothing when every listener is on loopback', async () => {
    const status = await app.rpc('system.status');
    expect(status.body).toMatchObject({ ok: true, value: { exposed: [] } });
  });

  it('reports a listener bound beyond loopback in system.status', async () => {
    // The address is injected: a test never binds beyond 127.0.0.1.
    const wide = await startHeadless({ core: { uiUrl: () => 'http://0.0.0.0:8787' } });
    try {
      const status = await wide.rpc('system.status');
      expect(status.body).toMatchObject({
        ok: true,
        value: { exposed: [{ listener: 'ui', address: '0.0.0.0:8787' }] },
      });
    } finally {
      await wide.stop();
    }
  });
});

describe('login rate limit', () => {
  it('locks a client out after five failures, through either login, even with the right PIN', async () => {
    const limited = await startHeadless({ staticDir: site.path });
    try {
      const api = (pin: string) =>
        fetch(`${limited.url}/api/login`, {
          method: 'POST',
          headers: { 'X-Vigil-Client': 'web' },
          body: JSON.stringify({ pin }),
        });
      const form = (pin: string) =>
        fetch(`${limited.url}/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ pin }).toString(),
          redirect: 'manual',
        });
      for (let i = 0; i < 3; i++) expect((await api(`wrong-${i}`)).status).toBe(401);
      for (let i = 0; i < 2; i++) expect((await form(`wrong-${i}`)).status).toBe(401);
      for (const attempt of [api(TEST_PIN), form(TEST_PIN)]) {
        const res = await attempt;
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(res.headers.get('set-cookie')).toBeNull();
      }
    } finally {
      await limited.stop();
    }
  });

  it('behind a trusted proxy counts each forwarded client on its own, and only there', async () => {
    const failFrom = (app: Headless, forwardedFor: string, pin = 'wrong') =>
      fetch(`${app.url}/api/login`, {
        method: 'POST',
        headers: { 'X-Vigil-Client': 'web', 'X-Forwarded-For': forwardedFor },
        body: JSON.stringify({ pin }),
      });
    const proxied = await startHeadless({ staticDir: site.path, trustedProxies: ['127.0.0.1'] });
    try {
      // An attacker behind the proxy, writing addresses of its own to the left of the one nginx adds.
      for (let i = 0; i < 5; i++)
        expect((await failFrom(proxied, '198.51.100.7, 203.0.113.66')).status).toBe(401);
      expect((await failFrom(proxied, '203.0.113.66', TEST_PIN)).status).toBe(429);
      // The analyst behind the same proxy still gets in; so does the address the attacker wrote.
      expect((await failFrom(proxied, '203.0.113.10', TEST_PIN)).status).toBe(200);
      expect((await failFrom(proxied, '198.51.100.7', TEST_PIN)).status).toBe(200);
    } finally {
      await proxied.stop();
    }
    // Without it the header is anyone's to write: ignored, so the peer address is counted.
    const direct = await startHeadless({ staticDir: site.path });
    try {
      for (let i = 0; i < 5; i++) expect((await failFrom(direct, `203.0.113.${i}`)).status).toBe(401);
      expect((await failFrom(direct, '203.0.113.10', TEST_PIN)).status).toBe(429);
    } finally {
      await direct.stop();
    }
  });
});

describe('changing the PIN', () => {
  let pinned: Headless;
  beforeAll(async () => {
    // The PIN is read from the config at each check, as the CLI does without VIGIL_PIN.
    pinned = await startHeadless({
      config: { ui: { pin: TEST_PIN } },
      pin: (core) => core.config.resolveSecret(core.config.get().ui.pin) ?? TEST_PIN,
    });
  });
  afterAll(async () => {
    await pinned.stop();
  });

  const login = async (pin: string): Promise<string | null> => {
    const res = await fetch(`${pinned.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Vigil-Client': 'web' },
      body: JSON.stringify({ pin }),
    });
    return res.status === 200 ? (res.headers.get('set-cookie') ?? '').split(';')[0]! : null;
  };
  const call = (cookie: string, method: string, args: unknown = {}) =>
    fetch(`${pinned.url}/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Vigil-Client': 'web', Cookie: cookie },
      body: JSON.stringify(args),
    });

  it('signs out every other browser, keeps the one that changed it, and ends their live events', async () => {
    const mine = (await login(TEST_PIN))!;
    const theirs = (await login(TEST_PIN))!;
    expect(mine).toMatch(/^vigil_session=/);
    expect((await call(theirs, 'system.status')).status).toBe(200);

    const stream = await fetch(`${pinned.url}/api/events`, { headers: { Cookie: theirs } });
    expect(stream.status).toBe(200);

    const changed = await call(mine, 'settings.update', { patch: { ui: { pin: 'a-new-pin-97531' } } });
    expect(changed.status).toBe(200);

    expect((await call(mine, 'system.status')).status).toBe(200);
    expect((await call(theirs, 'system.status')).status).toBe(401);
    // The next event closes the other browser's stream instead of reaching it.
    const alert = await fetch(`${pinned.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
      body: JSON.stringify({ type: 'malware', severity: 'high', rule: 'After the PIN change' }),
    });
    expect(alert.status).toBe(202);
    // The server ends the stream, so reading it to the end returns.
    const received = await stream.text();
    expect(received).not.toContain('After the PIN change');

    expect(await login(TEST_PIN)).toBeNull();
    expect(await login('a-new-pin-97531')).toMatch(/^vigil_session=/);
  });
});
