/**
 * Tray images drawn in code: a shield filled with the colour of the highest
 * open severity. Drawing avoids shipping one asset per severity and scale, and
 * keeps the colours next to the rule that picks them.
 */
import type { Severity } from '../../shared/domain';

export type Rgb = readonly [number, number, number];

/** Fill colour per highest open severity; `none` when nothing is open. */
export const SEVERITY_COLOURS: Readonly<Record<Severity | 'none', Rgb>> = {
  none: [0x8b, 0x94, 0x9e],
  info: [0x3a, 0x9b, 0xff],
  low: [0x3f, 0xb9, 0x50],
  medium: [0xf5, 0xc4, 0x00],
  high: [0xff, 0x8a, 0x00],
  critical: [0xff, 0x3b, 0x3b],
};

export interface TrayBitmap {
  width: number;
  height: number;
  /** Straight (not premultiplied) RGBA, row-major, 4 bytes per pixel. */
  rgba: Buffer;
}

/** 4x4 samples per pixel give smooth edges at 16 px without a rasteriser. */
const SAMPLES = 4;
/** Darker rim so the shield reads on both light and dark panels. */
const RIM_SHADE = 0.62;

const TOP = 0.05;
const SHOULDER = 0.42;
const TIP = 0.97;
const HALF_WIDTH = 0.84;

/**
 * Whether a point is inside the shield. `u` runs -1..1 left to right, `v` 0..1
 * top to bottom: straight sides down to the shoulder, then a cosine taper
 * that joins the sides smoothly and meets at a point.
 */
function insideShield(u: number, v: number): boolean {
  if (v < TOP || v > TIP) return false;
  if (v <= SHOULDER) return Math.abs(u) <= HALF_WIDTH;
  const t = (v - SHOULDER) / (TIP - SHOULDER);
  return Math.abs(u) <= HALF_WIDTH * Math.cos((t * Math.PI) / 2);
}

/**
 * Draws the tray shield for a severity (null: nothing open) at `size` pixels
 * square (16 for 1x, 32 for 2x displays).
 */
export function drawTrayIcon(severity: Severity | null, size: 16 | 32 = 16): TrayBitmap {
  const fill = SEVERITY_COLOURS[severity ?? 'none'];
  const rim: Rgb = [fill[0] * RIM_SHADE, fill[1] * RIM_SHADE, fill[2] * RIM_SHADE];
  // The inner shape is the outer one shrunk about its middle by one pixel per 16.
  const inset = (size - 2 * (size / 16)) / size;
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let covered = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const u = ((x + (sx + 0.5) / SAMPLES) / size) * 2 - 1;
          const v = (y + (sy + 0.5) / SAMPLES) / size;
          if (!insideShield(u, v)) continue;
          const inner = insideShield(u / inset, 0.5 + (v - 0.5) / inset);
          const colour = inner ? fill : rim;
          covered++;
          r += colour[0];
          g += colour[1];
          b += colour[2];
        }
      }
      if (covered === 0) continue;
      const offset = (y * size + x) * 4;
      rgba[offset] = Math.round(r / covered);
      rgba[offset + 1] = Math.round(g / covered);
      rgba[offset + 2] = Math.round(b / covered);
      rgba[offset + 3] = Math.round((covered / (SAMPLES * SAMPLES)) * 255);
    }
  }
  return { width: size, height: size, rgba };
}

/**
 * Converts to what nativeImage.createFromBitmap reads: Skia's N32 premultiplied
 * layout, which is BGRA byte order on every desktop platform Electron ships.
 */
export function toNativeBitmap(bitmap: TrayBitmap): Buffer {
  const { rgba } = bitmap;
  const out = Buffer.alloc(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const alpha = rgba[i + 3] ?? 0;
    const scale = alpha / 255;
    out[i] = Math.round((rgba[i + 2] ?? 0) * scale);
    out[i + 1] = Math.round((rgba[i + 1] ?? 0) * scale);
    out[i + 2] = Math.round((rgba[i] ?? 0) * scale);
    out[i + 3] = alpha;
  }
  return out;
}

export interface TrayCounts {
  unacknowledged: number;
  highestOpenSeverity: Severity | null;
}

/** Tray tooltip, e.g. `Vigil — 3 unacknowledged, highest: critical`. */
export function trayTooltip(counts: TrayCounts | null): string {
  if (counts === null) return 'Vigil';
  if (counts.highestOpenSeverity === null && counts.unacknowledged === 0) return 'Vigil — no open incidents';
  return `Vigil — ${String(counts.unacknowledged)} unacknowledged, highest: ${counts.highestOpenSeverity ?? 'none'}`;
}

/**
 * Reads the tray's inputs from a `system.counts` payload (or the matching
 * fields of system.status); null when the shape is not what the contract says.
 */
export function toTrayCounts(payload: unknown): TrayCounts | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { unacknowledged, highestOpenSeverity } = payload as Record<string, unknown>;
  if (typeof unacknowledged !== 'number' || !Number.isFinite(unacknowledged)) return null;
  if (highestOpenSeverity === null) return { unacknowledged, highestOpenSeverity: null };
  if (typeof highestOpenSeverity !== 'string' || highestOpenSeverity === 'none') return null;
  if (!Object.hasOwn(SEVERITY_COLOURS, highestOpenSeverity)) return null;
  return { unacknowledged, highestOpenSeverity: highestOpenSeverity as Severity };
}
