/**
 * What counts as "our" page. The window only ever shows the bundled renderer
 * (file:// pages under out/renderer) or, in development, the electron-vite dev
 * server. IPC trust, navigation and permission decisions all ask this one
 * question, so they cannot drift apart.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppOrigin {
  /** Origin of the dev server (from ELECTRON_RENDERER_URL), or null when pages load from disk. */
  readonly devServer: string | null;
  /** Absolute path of out/renderer; file:// pages under it are ours. */
  readonly rendererDir: string;
}

/**
 * Builds the app origin. `rendererUrl` must only be passed when the app is not
 * packaged: honouring it in a packaged build would let an environment variable
 * point the preload (and so window.api) at a foreign page.
 */
export function createAppOrigin(rendererUrl: string | undefined, rendererDir: string): AppOrigin {
  if (rendererUrl === undefined || rendererUrl === '') {
    return { devServer: null, rendererDir: resolve(rendererDir) };
  }
  const url = new URL(rendererUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`ELECTRON_RENDERER_URL must be http(s), got ${url.protocol}`);
  }
  return { devServer: url.origin, rendererDir: resolve(rendererDir) };
}

/** True when `url` is a page of this app (dev server origin, or a file under out/renderer). */
export function isAppUrl(url: string, app: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (app.devServer !== null) return parsed.origin === app.devServer;
  // file://host/share (UNC) is someone else's disk, never the bundle.
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false;
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch {
    return false;
  }
  const rel = relative(app.rendererDir, path);
  if (rel === '') return true;
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
