import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  electronNativeBindingPath,
  missingBindingMessage,
  resolveSqliteBinding,
} from '../../electron/main/native-binding';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(root, 'scripts', 'ensure-native.mjs');
const electronDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
const electronVersion = (
  JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }
).version;

function runScript(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });
}

describe('the Electron better-sqlite3 path', () => {
  it('is the same in main and in scripts/ensure-native.mjs', () => {
    const printed = execFileSync(process.execPath, [script, '--print-path'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    expect(printed).toBe(electronNativeBindingPath(root, electronVersion, process.platform, process.arch));
    expect(printed).toContain(join('node_modules', '.vigil-native', `electron-v${electronVersion}-`));
  });

  it('never points at the Node build that tests and the headless shell use', () => {
    const path = electronNativeBindingPath(root, electronVersion, process.platform, process.arch);
    expect(path).not.toContain(join('better-sqlite3', 'build'));
  });

  it('is used in development, overridable there, and not used when packaged', () => {
    const base = {
      appPath: root,
      electronVersion: '39.8.10',
      platform: 'linux',
      arch: 'x64',
      override: undefined,
    };
    expect(resolveSqliteBinding({ ...base, isPackaged: false })).toBe(
      join(root, 'node_modules', '.vigil-native', 'electron-v39.8.10-linux-x64', 'better_sqlite3.node'),
    );
    expect(resolveSqliteBinding({ ...base, isPackaged: false, override: '/opt/b.node' })).toBe('/opt/b.node');
    expect(resolveSqliteBinding({ ...base, isPackaged: false, override: '' })).toContain('.vigil-native');
    expect(resolveSqliteBinding({ ...base, isPackaged: true, override: '/opt/b.node' })).toBeUndefined();
  });

  it('has a missing-build message that says how to fix it', () => {
    const message = missingBindingMessage('/x/better_sqlite3.node', '39.8.10');
    expect(message).toContain('node scripts/ensure-native.mjs electron');
    expect(message).toContain('VIGIL_SQLITE_BINDING');
  });
});

describe('scripts/ensure-native.mjs', () => {
  it('rejects unknown arguments', () => {
    const result = runScript('--bogus');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('usage');
  });

  // Only meaningful where the Electron binary was skipped (as in CI); elsewhere the script would build.
  const binaryInstalled = existsSync(join(electronDir, 'path.txt'));
  it.skipIf(binaryInstalled)('explains a missing Electron binary instead of building', () => {
    const result = runScript('electron');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Electron's binary is not installed");
    expect(result.stderr).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
  });
});
