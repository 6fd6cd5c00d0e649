/**
 * Where the desktop shell finds better-sqlite3 built for Electron's ABI.
 * node_modules/better-sqlite3/build stays built for Node (tests, headless
 * shell); scripts/ensure-native.mjs builds the Electron copy beside it.
 *
 * NAMING RULE, duplicated in scripts/ensure-native.mjs (plain Node cannot import
 * this TypeScript file); tests/unit/electron-native-binding.test.ts runs the
 * script with --print-path and compares, so the two cannot drift:
 *   <appRoot>/node_modules/.vigil-native/electron-v<version>-<platform>-<arch>/better_sqlite3.node
 */
import { join } from 'node:path';

/** The path ensure-native.mjs writes for an Electron version, platform and arch. */
export function electronNativeBindingPath(
  appRoot: string,
  electronVersion: string,
  platform: string,
  arch: string,
): string {
  return join(
    appRoot,
    'node_modules',
    '.vigil-native',
    `electron-v${electronVersion}-${platform}-${arch}`,
    'better_sqlite3.node',
  );
}

export interface BindingInputs {
  isPackaged: boolean;
  /** app.getAppPath(): the project root in development. */
  appPath: string;
  electronVersion: string;
  platform: string;
  arch: string;
  /** VIGIL_SQLITE_BINDING, an explicit override in development. */
  override: string | undefined;
}

/**
 * The `sqliteNativeBinding` to hand the core. Packaged builds ship
 * better-sqlite3 rebuilt for Electron in place, so they pass nothing and
 * ignore the override (an environment variable must not choose native code
 * in an installed app).
 */
export function resolveSqliteBinding(inputs: BindingInputs): string | undefined {
  if (inputs.isPackaged) return undefined;
  if (inputs.override !== undefined && inputs.override !== '') return inputs.override;
  return electronNativeBindingPath(inputs.appPath, inputs.electronVersion, inputs.platform, inputs.arch);
}

/** What to tell the developer when the Electron build of better-sqlite3 is missing. */
export function missingBindingMessage(path: string, electronVersion: string): string {
  return [
    `better-sqlite3 has not been built for Electron ${electronVersion}; expected ${path}.`,
    'Run `node scripts/ensure-native.mjs electron` (npm start and npm run dev do this),',
    'or set VIGIL_SQLITE_BINDING to a better_sqlite3.node built for this Electron.',
  ].join('\n');
}
