/**
 * Where Vigil keeps its data (STYLE.md §13). APP_DATA_DIR overrides it for
 * tests and servers. Otherwise the desktop app uses the directory Electron
 * would choose for app.getPath('userData') and the headless shell a sibling
 * of it: the two encrypt secrets differently (OS keychain vs key file), so a
 * data dir written by one cannot hold the other's secrets.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export const PRODUCT_NAME = 'Vigil';
const HEADLESS_DIR_NAME = 'vigil-server';

export function defaultDataDir(
  shell: 'desktop' | 'headless',
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.APP_DATA_DIR) return env.APP_DATA_DIR;
  const home = homedir();
  const name = shell === 'desktop' ? PRODUCT_NAME : HEADLESS_DIR_NAME;
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', name);
  return join(xdgConfigHome(env, home), name);
}

/**
 * `$XDG_CONFIG_HOME`, else `~/.config`. As the XDG spec asks, an empty or
 * relative value is ignored, so nothing lands in the current directory.
 */
export function xdgConfigHome(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
}

/** The files inside a data dir (DESIGN.md §4). */
export function dataPaths(dataDir: string) {
  return {
    db: join(dataDir, 'vigil.db'),
    config: join(dataDir, 'config.json'),
    secrets: join(dataDir, 'secrets.json'),
    keyFile: join(dataDir, 'secret.key'),
    logs: join(dataDir, 'logs'),
    backup: join(dataDir, 'backup'),
  };
}
