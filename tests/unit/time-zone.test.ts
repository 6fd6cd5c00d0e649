import { describe, expect, it } from 'vitest';

import { formatAbsolute, setDisplayTimeZone } from '../../renderer/src/lib/format';
import { parseConfig } from '../../shared/config';

describe('display time zone', () => {
  it('accepts local or an IANA zone, and names the key otherwise', () => {
    expect(parseConfig({}).ui.timeZone).toBe('local');
    expect(parseConfig({ ui: { timeZone: 'Europe/Moscow' } }).ui.timeZone).toBe('Europe/Moscow');
    expect(() => parseConfig({ ui: { timeZone: 'Mars/Olympus' } })).toThrow(
      /ui\.timeZone: must be 'local' or an IANA/,
    );
  });

  it('shows UTC instants in the configured zone', () => {
    setDisplayTimeZone('Europe/Moscow');
    expect(formatAbsolute('2026-01-01T21:30:05Z')).toBe('2026-01-02 00:30:05');
    setDisplayTimeZone('UTC');
    expect(formatAbsolute('2026-01-01T21:30:05Z')).toBe('2026-01-01 21:30:05');
    setDisplayTimeZone('local');
  });
});
