/**
 * Start at login: Electron's login item on Windows and macOS, an XDG
 * autostart entry on Linux, applied only when the setting changes.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { LoginItemTarget } from '../../electron/main/login-item';
import {
  AUTOSTART_FILE,
  applyStartAtLogin,
  autostartCommand,
  autostartDir,
  autostartEntry,
  quoteExecArgument,
  startAtLoginController,
} from '../../electron/main/login-item';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function target(platform: NodeJS.Platform, command = '/opt/Vigil/vigil') {
  const dir = tempDir('vigil-autostart-');
  cleanups.push(dir.remove);
  const calls: { openAtLogin: boolean }[] = [];
  const value: LoginItemTarget = {
    platform,
    setLoginItemSettings: (settings) => calls.push(settings),
    autostartDir: join(dir.path, 'config', 'autostart'),
    command,
  };
  return { target: value, calls, file: join(value.autostartDir, AUTOSTART_FILE) };
}

describe('applyStartAtLogin', () => {
  it.each(['win32', 'darwin'] as const)('uses the login item on %s and writes no file', (platform) => {
    const { target: t, calls, file } = target(platform);
    applyStartAtLogin(true, t);
    applyStartAtLogin(false, t);
    expect(calls).toEqual([{ openAtLogin: true }, { openAtLogin: false }]);
    expect(existsSync(file)).toBe(false);
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const { target: t, calls, file } = target('linux');
    applyStartAtLogin(true, t);
    const entry = readFileSync(file, 'utf8');
    expect(entry.split('\n')).toEqual(
      expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Exec="/opt/Vigil/vigil"']),
    );
    expect(statSync(file).mode & 0o777).toBe(0o644);
    applyStartAtLogin(false, t);
    expect(existsSync(file)).toBe(false);
    // Turning it off when it is already off is not an error.
    applyStartAtLogin(false, t);
    expect(calls).toEqual([]);
  });
});

describe('autostart entry', () => {
  it('starts the AppImage when running from one, else the executable', () => {
    expect(autostartCommand({ APPIMAGE: '/home/a/Apps/Vigil.AppImage' }, '/tmp/.mount_Vigil/vigil')).toBe(
      '/home/a/Apps/Vigil.AppImage',
    );
    expect(autostartCommand({}, '/opt/Vigil/vigil')).toBe('/opt/Vigil/vigil');
  });

  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/a')).toBe('/x/cfg/autostart');
    expect(autostartDir({}, '/home/a')).toBe('/home/a/.config/autostart');
  });

  it('quotes the command as the Desktop Entry spec requires', () => {
    expect(quoteExecArgument('/opt/Vigil/vigil')).toBe('"/opt/Vigil/vigil"');
    expect(quoteExecArgument('/home/a/My Apps/Vigil.AppImage')).toBe('"/home/a/My Apps/Vigil.AppImage"');
    // Quote-level escapes (\", \$, \`, \\) are then string-escaped, so one backslash becomes four.
    expect(quoteExecArgument('/a/"b"/$c/`d`/e\\f/100%')).toBe(
      '"/a/\\\\"b\\\\"/\\\\$c/\\\\`d\\\\`/e\\\\\\\\f/100%%"',
    );
    expect(() => quoteExecArgument('/a\nExec=/bin/evil')).toThrow(/line break/);
    expect(autostartEntry('/opt/Vigil/vigil')).toContain('\nExec="/opt/Vigil/vigil"\n');
  });
});

describe('startAtLoginController', () => {
  it('applies the stored value at once, then only changes', () => {
    const { target: t, calls } = target('darwin');
    const set = startAtLoginController(t, () => undefined);
    set(false);
    set(false);
    set(true);
    set(true);
    set(false);
    expect(calls).toEqual([{ openAtLogin: false }, { openAtLogin: true }, { openAtLogin: false }]);
  });

  it('reports a failure and tries again on the next change', () => {
    const { target: t, file } = target('linux');
    // A file where the autostart folder should be makes the write fail.
    writeFileSync(join(t.autostartDir, '..', '..', 'config'), 'not a folder');
    const errors: unknown[] = [];
    const set = startAtLoginController(t, (error) => errors.push(error));
    set(true);
    expect(errors).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
    set(true);
    expect(errors).toHaveLength(2);
  });
});
