/**
 * Start at login (`ui.startAtLogin`). Electron registers a login item on
 * Windows and macOS; Linux desktops instead follow the XDG autostart spec, a
 * .desktop file in ~/.config/autostart, which Electron does not write.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { xdgConfigHome } from '../core/paths';

export interface LoginItemTarget {
  platform: NodeJS.Platform;
  /** app.setLoginItemSettings (Windows and macOS). */
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
  /** Where XDG autostart entries live (see `autostartDir`). */
  autostartDir: string;
  /** What the desktop session runs at login (see `autostartCommand`). */
  command: string;
}

export const AUTOSTART_FILE = 'vigil.desktop';

/** `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart` (see `xdgConfigHome`). */
export function autostartDir(env: NodeJS.ProcessEnv, home: string): string {
  return join(xdgConfigHome(env, home), 'autostart');
}

/**
 * The AppImage itself when running from one (`$APPIMAGE`): its mount point
 * and so `process.execPath` change on every launch. Otherwise the executable.
 */
export function autostartCommand(env: NodeJS.ProcessEnv, execPath: string): string {
  return env.APPIMAGE || execPath;
}

/**
 * One Exec argument, quoted per the Desktop Entry spec: inside double quotes
 * `"`, `` ` ``, `$` and `\` take a backslash, then the value is escaped once
 * more as a string (so `\` is written `\\`), and `%` is doubled.
 */
export function quoteExecArgument(argument: string): string {
  if (/[\n\r\t]/.test(argument)) throw new Error('the executable path contains a line break or tab');
  const quoted = `"${argument.replace(/["`$\\]/g, '\\$&')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

/** The autostart entry that starts Vigil at login. */
export function autostartEntry(command: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Vigil',
    'Comment=Start Vigil at login',
    `Exec=${quoteExecArgument(command)}`,
    'Icon=vigil',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Registers or removes the login item. */
export function applyStartAtLogin(openAtLogin: boolean, target: LoginItemTarget): void {
  if (target.platform === 'win32' || target.platform === 'darwin') {
    target.setLoginItemSettings({ openAtLogin });
    return;
  }
  const file = join(target.autostartDir, AUTOSTART_FILE);
  if (openAtLogin) {
    mkdirSync(target.autostartDir, { recursive: true });
    writeFileSync(file, autostartEntry(target.command), { mode: 0o644 });
  } else {
    rmSync(file, { force: true });
  }
}

/**
 * A setter for the config's value: acts only when it changes (config changes
 * arrive for every edit, and the first call applies the stored value, so an
 * entry left over from an earlier install follows the setting too).
 */
export function startAtLoginController(
  target: LoginItemTarget,
  onError: (error: unknown) => void,
): (openAtLogin: boolean) => void {
  let applied: boolean | null = null;
  return (openAtLogin) => {
    if (openAtLogin === applied) return;
    try {
      applyStartAtLogin(openAtLogin, target);
      applied = openAtLogin;
    } catch (error) {
      onError(error);
    }
  };
}
