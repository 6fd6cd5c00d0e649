import { describe, expect, it } from 'vitest';

import type { Severity } from '../../shared/domain';
import {
  SEVERITY_COLOURS,
  drawTrayIcon,
  toNativeBitmap,
  toTrayCounts,
  trayTooltip,
} from '../../electron/main/tray-icon';
import type { TrayBitmap } from '../../electron/main/tray-icon';

function pixel(bitmap: TrayBitmap, x: number, y: number): number[] {
  const offset = (y * bitmap.width + x) * 4;
  return [...bitmap.rgba.subarray(offset, offset + 4)];
}

function centre(bitmap: TrayBitmap): number[] {
  return pixel(bitmap, Math.floor(bitmap.width / 2), Math.floor(bitmap.height / 2));
}

const expected: [Severity | null, string][] = [
  [null, '#8B949E'],
  ['info', '#3A9BFF'],
  ['low', '#3FB950'],
  ['medium', '#F5C400'],
  ['high', '#FF8A00'],
  ['critical', '#FF3B3B'],
];

function hex(rgb: number[]): string {
  return `#${rgb
    .slice(0, 3)
    .map((c) => c.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()}`;
}

describe('drawTrayIcon', () => {
  it.each([16, 32] as const)('draws a %i px square RGBA bitmap', (size) => {
    const bitmap = drawTrayIcon('high', size);
    expect(bitmap.width).toBe(size);
    expect(bitmap.height).toBe(size);
    expect(bitmap.rgba.length).toBe(size * size * 4);
  });

  it.each(expected)(
    'fills the centre with the colour of %s (%s), opaque, at both sizes',
    (severity, colour) => {
      for (const size of [16, 32] as const) {
        const px = centre(drawTrayIcon(severity, size));
        expect(hex(px)).toBe(colour);
        expect(px[3]).toBe(255);
      }
    },
  );

  it('leaves the corners transparent and darkens the rim', () => {
    const bitmap = drawTrayIcon('critical', 32);
    expect(pixel(bitmap, 0, 31)[3]).toBe(0);
    expect(pixel(bitmap, 31, 31)[3]).toBe(0);
    const rim = pixel(bitmap, 3, 16);
    expect(rim[3]).toBeGreaterThan(0);
    expect(rim[0]).toBeLessThan(SEVERITY_COLOURS.critical[0]);
  });
});

describe('toNativeBitmap', () => {
  it('reorders to BGRA and premultiplies alpha, as nativeImage.createFromBitmap reads it', () => {
    const bitmap: TrayBitmap = {
      width: 2,
      height: 1,
      rgba: Buffer.from([255, 138, 0, 255, 200, 100, 50, 128]),
    };
    expect([...toNativeBitmap(bitmap)]).toEqual([0, 138, 255, 255, 25, 50, 100, 128]);
  });
});

describe('trayTooltip', () => {
  it('names the unacknowledged count and the highest open severity', () => {
    expect(trayTooltip({ unacknowledged: 3, highestOpenSeverity: 'critical' })).toBe(
      'Vigil — 3 unacknowledged, highest: critical',
    );
    expect(trayTooltip({ unacknowledged: 0, highestOpenSeverity: 'low' })).toBe(
      'Vigil — 0 unacknowledged, highest: low',
    );
    expect(trayTooltip({ unacknowledged: 0, highestOpenSeverity: null })).toBe('Vigil — no open incidents');
    expect(trayTooltip(null)).toBe('Vigil');
  });
});

describe('toTrayCounts', () => {
  it('reads a system.counts payload', () => {
    const payload = {
      total: 9,
      open: 4,
      unacknowledged: 2,
      bySeverity: { high: 1 },
      highestOpenSeverity: 'high',
    };
    expect(toTrayCounts(payload)).toEqual({ unacknowledged: 2, highestOpenSeverity: 'high' });
    expect(toTrayCounts({ unacknowledged: 0, highestOpenSeverity: null })).toEqual({
      unacknowledged: 0,
      highestOpenSeverity: null,
    });
  });

  it.each([
    null,
    'x',
    {},
    { unacknowledged: '2', highestOpenSeverity: null },
    { unacknowledged: 1, highestOpenSeverity: 'none' },
    { unacknowledged: 1, highestOpenSeverity: 'toString' },
  ])('rejects %j', (payload) => {
    expect(toTrayCounts(payload)).toBeNull();
  });
});
