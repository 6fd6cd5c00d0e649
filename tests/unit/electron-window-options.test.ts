import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { createAppOrigin, isAppUrl } from '../../electron/main/app-origin';
import { CONTENT_SECURITY_POLICY } from '../../electron/server/http-server';
import {
  contentSecurityPolicy,
  externalLinkPolicy,
  isAllowedNavigation,
  isPermissionAllowed,
  secureWebPreferences,
  withCspHeader,
} from '../../electron/main/window-options';

// Built from real paths so the file:// cases hold on Windows drive letters too.
const RENDERER_DIR = resolve('/opt/vigil/out/renderer');
const PAGE = pathToFileURL(join(RENDERER_DIR, 'index.html')).href;
const SIBLING = pathToFileURL(resolve('/opt/vigil/out/renderer-evil/index.html')).href;
const prod = createAppOrigin(undefined, RENDERER_DIR);
const dev = createAppOrigin('http://localhost:5173', RENDERER_DIR);

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
}

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the renderer, with the given preload', () => {
    const prefs = secureWebPreferences('/opt/vigil/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/opt/vigil/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });
});

describe('contentSecurityPolicy', () => {
  it('is the strict policy in a build: scripts only from self, nothing eval-like', () => {
    const csp = contentSecurityPolicy(null);
    expect(csp).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(csp).not.toContain('unsafe-eval');
    expect(directives(csp).get('script-src')).toEqual(["'self'"]);
  });

  it('in development also allows the dev server and its HMR websocket, still without eval', () => {
    const csp = contentSecurityPolicy(dev.devServer);
    const parsed = directives(csp);
    expect(csp).not.toContain('unsafe-eval');
    expect(parsed.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(parsed.get('script-src')).toContain('http://localhost:5173');
    expect(parsed.get('object-src')).toEqual(["'none'"]);
  });

  it('is the policy the headless shell sends too, but for its login form', () => {
    const desktop = directives(contentSecurityPolicy(null));
    const headless = directives(CONTENT_SECURITY_POLICY);
    for (const [name, sources] of desktop) {
      if (name === 'form-action') expect(headless.get(name), name).toEqual(["'self'"]);
      else expect(headless.get(name), name).toEqual(sources);
    }
    expect([...headless.keys()].sort()).toEqual([...desktop.keys()].sort());
  });

  it('replaces any CSP header the server sent, whatever its spelling', () => {
    const headers = withCspHeader(
      { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] },
      'x',
    );
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ['x'] });
    expect(withCspHeader(undefined, 'y')).toEqual({ 'Content-Security-Policy': ['y'] });
  });
});

describe('isAllowedNavigation', () => {
  it('allows only pages of the app', () => {
    expect(isAllowedNavigation(PAGE, prod)).toBe(true);
    expect(isAllowedNavigation(`${PAGE}#/incidents/1`, prod)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5173/settings', dev)).toBe(true);
  });

  it.each([
    ['https://evil.example/', prod],
    ['http://localhost:5173/', prod],
    ['file:///etc/passwd', prod],
    [SIBLING, prod],
    ['file://attacker-host/share/index.html', prod],
    ['javascript:alert(1)', prod],
    ['not a url', prod],
    ['http://localhost:5174/', dev],
    ['https://localhost:5173/', dev],
    [PAGE, dev],
  ])('denies %s', (url, app) => {
    expect(isAllowedNavigation(url, app)).toBe(false);
  });

  it('accepts the renderer dir itself and rejects non-http dev servers', () => {
    expect(isAppUrl(pathToFileURL(RENDERER_DIR).href, prod)).toBe(true);
    expect(() => createAppOrigin('file:///tmp/x', RENDERER_DIR)).toThrow(/http/);
  });
});

describe('externalLinkPolicy', () => {
  it('never opens an Electron window; http(s) links go to the system browser', () => {
    expect(externalLinkPolicy('https://console.sentinelone.net/incidents/1')).toEqual({
      action: 'deny',
      openExternal: true,
    });
    expect(externalLinkPolicy('http://intranet.local/wiki')).toEqual({ action: 'deny', openExternal: true });
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'https://user:pass@evil.example/',
    'not a url',
  ])('refuses %s', (url) => {
    expect(externalLinkPolicy(url)).toEqual({ action: 'deny', openExternal: false });
  });
});

describe('isPermissionAllowed', () => {
  it('denies everything but clipboard writes from our own page', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', PAGE, prod)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', prod)).toBe(false);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'fullscreen',
    ]) {
      expect(isPermissionAllowed(permission, PAGE, prod)).toBe(false);
    }
  });
});

/*
 * The shell itself cannot run here (no Electron binary on the build machines),
 * so its wiring is read from the source: each decision above must be the one
 * the shell installs. Removing or bypassing one of them fails here.
 */
describe('the desktop shell wires every decision', () => {
  const mainDir = resolve('electron/main');
  const index = readFileSync(join(mainDir, 'index.ts'), 'utf8');

  it('opens every window with the secure webPreferences', () => {
    let found = 0;
    for (const file of readdirSync(mainDir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(mainDir, file), 'utf8');
      const windows = source.match(/new BrowserWindow\(\{[\s\S]*?\n {2}\}\);/g) ?? [];
      expect(windows.length, `${file}: a window not opened as new BrowserWindow({...})`).toBe(
        (source.match(/new BrowserWindow\(/g) ?? []).length,
      );
      for (const window of windows) {
        expect(window, file).toContain('webPreferences: secureWebPreferences(');
      }
      found += windows.length;
    }
    expect(found).toBeGreaterThan(0);
  });

  it('installs the CSP, permission, navigation, webview and new-window guards', () => {
    for (const wiring of [
      /onHeadersReceived\([\s\S]*?withCspHeader\(details\.responseHeaders, csp\)/,
      /setPermissionRequestHandler\([\s\S]*?callback\(isPermissionAllowed\(/,
      /setPermissionCheckHandler\([\s\S]*?isPermissionAllowed\(/,
      /contents\.on\('will-frame-navigate', guard\(/,
      /contents\.on\('will-redirect', guard\(/,
      /contents\.on\('will-attach-webview', \(event\) => event\.preventDefault\(\)\)/,
      /setWindowOpenHandler\([\s\S]*?externalLinkPolicy\(url\)[\s\S]*?return \{ action: decision\.action \}/,
      /const csp = contentSecurityPolicy\(appOrigin\.devServer\)/,
    ]) {
      expect(index).toMatch(wiring);
    }
  });

  it('answers IPC only through the registry, gated on our main frame', () => {
    expect(index).toMatch(/registerContract\(\{[\s\S]*?isTrustedSender: trustedSenderCheck\(appOrigin\)/);
    // No handler of its own bypasses the registry's checks.
    expect(index).not.toMatch(/ipcMain\.(handle|on)\(/);
  });
});
