/**
 * Where Vigil keeps its data (STYLE.md §13). APP_DATA_DIR overrides it for
 * tests and servers; otherwise both shells use the directory Electron would
 * choose for app.getPath('userData'), so the desktop app and the headless
 * shell on one machine share their data.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Vigil';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.APP_DATA_DIR) return env.APP_DATA_DIR;
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
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
