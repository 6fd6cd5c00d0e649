/**
 * The pure parts of the Settings cards and the shift report dialog: the
 * masking kinds the page offers are the core's, the allow-list text becomes
 * the list the core stores, a refused save lands next to the right field, and
 * a custom period is read in the console's time zone.
 */
import { describe, expect, it } from 'vitest';

import { MASK_CLASSES } from '../../electron/core/sanitizer/sanitizer';
import { MASK_CLASS_OPTIONS, parseAllowList } from '../../renderer/src/components/settings/mask-classes';
import { settingsFailure } from '../../renderer/src/components/settings/settings-failure';
import { fromZonedInput, periodOf, toZonedInput } from '../../renderer/src/components/shift-report-period';
import { ApiError } from '../../renderer/src/transport';

describe('settings cards', () => {
  it('offers exactly the classes the sanitizer knows', () => {
    expect(MASK_CLASS_OPTIONS.map((o) => o.value).sort()).toEqual([...MASK_CLASSES].sort());
  });

  it('turns the allow-list text into trimmed, distinct values', () => {
    expect(
      parseAllowList(' 203.0.113.9 \r\n\nScanner.example.com\nscanner.EXAMPLE.com\n203.0.113.9'),
    ).toEqual(['203.0.113.9', 'Scanner.example.com']);
    expect(parseAllowList('\n  \n')).toEqual([]);
  });

  it('puts the core’s refusals next to the fields they name, the rest in the form message', () => {
    const failure = settingsFailure(
      new ApiError(
        'bad_request',
        "ui.timeZone: must be 'local' or an IANA time zone; sanitizer.allow.3: Invalid input; something else",
      ),
      'ui',
    );
    expect(failure.fieldErrors).toEqual({ timeZone: "ui.timeZone: must be 'local' or an IANA time zone" });
    expect(failure.message).toBe('sanitizer.allow.3: Invalid input; something else');
    expect(
      settingsFailure(new ApiError('bad_request', 'sanitizer.allow.3: Invalid input'), 'sanitizer'),
    ).toEqual({
      ok: false,
      fieldErrors: { allow: 'sanitizer.allow.3: Invalid input' },
      message: null,
    });
    expect(settingsFailure(new ApiError('unavailable', 'the core is stopping'), 'ui')).toEqual({
      ok: false,
      fieldErrors: {},
      message: 'the core is stopping',
    });
  });
});

describe('shift report period', () => {
  it('reads datetime-local values as wall time in the console’s zone, across DST', () => {
    expect(fromZonedInput('2026-06-01T08:00', 'Asia/Kolkata')).toBe('2026-06-01T02:30:00.000Z');
    expect(fromZonedInput('2026-06-01T08:00', 'UTC')).toBe('2026-06-01T08:00:00.000Z');
    // Berlin: UTC+1 in winter, UTC+2 in summer.
    expect(fromZonedInput('2026-01-15T12:00', 'Europe/Berlin')).toBe('2026-01-15T11:00:00.000Z');
    expect(fromZonedInput('2026-07-15T12:00', 'Europe/Berlin')).toBe('2026-07-15T10:00:00.000Z');
    expect(fromZonedInput('2026-03-29T04:00', 'Europe/Berlin')).toBe('2026-03-29T02:00:00.000Z');
    expect(toZonedInput('2026-03-29T02:00:00.000Z', 'Europe/Berlin')).toBe('2026-03-29T04:00');
    expect(toZonedInput('2026-06-01T02:30:00.000Z', 'Asia/Kolkata')).toBe('2026-06-01T08:00');
    expect(fromZonedInput('yesterday', 'UTC')).toBeNull();
  });

  it('gives presets ending now and checks a custom period', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    expect(periodOf('8', now, { from: '', to: '' }, 'UTC')).toEqual({
      from: '2026-06-01T04:00:00.000Z',
      to: '2026-06-01T12:00:00.000Z',
    });
    expect(periodOf('custom', now, { from: '2026-06-01T10:00', to: '2026-06-01T09:00' }, 'UTC')).toEqual({
      error: 'The end must be after the start.',
    });
    expect(periodOf('custom', now, { from: '', to: '2026-06-01T09:00' }, 'UTC')).toEqual({
      error: 'Enter the start of the period.',
    });
    expect(periodOf('custom', now, { from: '2026-01-01T00:00', to: '2026-03-01T00:00' }, 'UTC')).toEqual({
      error: 'A shift report covers at most 31 days.',
    });
  });
});
