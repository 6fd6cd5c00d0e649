import { homedir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { defaultDataDir } from '../../electron/core/paths';

describe('data dir', () => {
  it('honours APP_DATA_DIR for both shells', () => {
    expect(defaultDataDir('desktop', { APP_DATA_DIR: '/srv/vigil' })).toBe('/srv/vigil');
    expect(defaultDataDir('headless', { APP_DATA_DIR: '/srv/vigil' })).toBe('/srv/vigil');
  });

  it("matches Electron's userData for the app and keeps the headless shell apart", () => {
    expect(defaultDataDir('desktop', {}, 'linux')).toBe(join(homedir(), '.config', 'Vigil'));
    expect(defaultDataDir('headless', {}, 'linux')).toBe(join(homedir(), '.config', 'vigil-server'));
    expect(defaultDataDir('desktop', { XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(join('/x', 'Vigil'));
    expect(defaultDataDir('desktop', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(
      join('C:\\Users\\a\\AppData\\Roaming', 'Vigil'),
    );
    expect(defaultDataDir('desktop', {}, 'darwin')).toBe(
      join(homedir(), 'Library', 'Application Support', 'Vigil'),
    );
  });

  it('ignores an empty or relative XDG_CONFIG_HOME, as the XDG spec asks', () => {
    const fallback = join(homedir(), '.config', 'vigil-server');
    expect(defaultDataDir('headless', { XDG_CONFIG_HOME: '' }, 'linux')).toBe(fallback);
    expect(defaultDataDir('headless', { XDG_CONFIG_HOME: 'cfg' }, 'linux')).toBe(fallback);
    expect(defaultDataDir('desktop', { APPDATA: '' }, 'win32')).toBe(
      join(homedir(), 'AppData', 'Roaming', 'Vigil'),
    );
  });
});
