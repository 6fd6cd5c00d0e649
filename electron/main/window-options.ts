/**
 * The window's security posture as data and pure functions, so a unit test can
 * pin it down without an Electron runtime: webPreferences, the CSP header,
 * navigation, new-window and permission decisions.
 */
import type { WebPreferences } from 'electron';

import { isAppUrl } from './app-origin';
import type { AppOrigin } from './app-origin';

/**
 * webPreferences for every Vigil window. The renderer gets no Node, runs
 * sandboxed in an isolated world, and reaches the app only through the
 * preload's `window.api`.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

type Directives = Record<string, string[]>;

const PRODUCTION_DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  // The console's forms are handled in script; no form may submit (navigate) anywhere.
  'form-action': ["'none'"],
};

function serialize(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/**
 * The Content-Security-Policy for our pages. In development the page comes
 * from the Vite dev server, whose HMR needs its websocket and whose React
 * Refresh preamble is an inline module script; neither is allowed in a build.
 */
export function contentSecurityPolicy(devServer: string | null): string {
  if (devServer === null) return serialize(PRODUCTION_DIRECTIVES);
  const origin = new URL(devServer);
  const socket = `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}`;
  return serialize({
    ...PRODUCTION_DIRECTIVES,
    'default-src': ["'self'", origin.origin],
    'script-src': ["'self'", "'unsafe-inline'", origin.origin],
    'style-src': ["'self'", "'unsafe-inline'", origin.origin],
    'img-src': ["'self'", 'data:', origin.origin],
    'connect-src': ["'self'", origin.origin, socket],
  });
}

/**
 * Response headers with our CSP in place of any the server sent (header names
 * are case-insensitive, so every spelling of an existing one is dropped).
 */
export function withCspHeader(
  headers: Record<string, string[]> | undefined,
  csp: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** The window may only ever show our own pages; every other navigation is cancelled. */
export function isAllowedNavigation(url: string, app: AppOrigin): boolean {
  return isAppUrl(url, app);
}

export interface LinkDecision {
  /** New Electron windows are never created. */
  action: 'deny';
  /** Whether the URL may be handed to the system browser (shell.openExternal). */
  openExternal: boolean;
}

/**
 * What to do with window.open / target=_blank. Only plain http(s) links go to
 * the system browser; file:, custom protocol handlers (which can launch local
 * programs) and URLs with embedded credentials are refused.
 */
export function externalLinkPolicy(url: string): LinkDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { action: 'deny', openExternal: false };
  }
  const web = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  const credentials = parsed.username !== '' || parsed.password !== '';
  return { action: 'deny', openExternal: web && !credentials };
}

/**
 * Permission requests from web content. Everything is denied except writing
 * to the clipboard from our own page, which the incident view needs to copy
 * hashes, hosts and IPs (navigator.clipboard.writeText asks for it).
 */
export function isPermissionAllowed(permission: string, requestingUrl: string, app: AppOrigin): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl, app);
}
