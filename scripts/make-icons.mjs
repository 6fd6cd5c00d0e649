/**
 * Draws the Vigil logo (an eye on a shield, on a dark tile) and writes every
 * icon the installers need, with no dependency beyond Node itself:
 *
 *   resources/icon.png                 1024x1024 (macOS, and the fallback for everything)
 *   resources/icons/<N>x<N>.png        16..1024 (Linux: AppImage and deb hicolor theme)
 *   resources/icon.ico                 16..256, PNG-compressed entries (Windows, NSIS)
 *   resources/icon.icns                16..1024, PNG entries (macOS, DMG)
 *
 *   node scripts/make-icons.mjs
 *
 * Each size is drawn at its own resolution with 4x4 supersampling instead of
 * being scaled down from 1024, so the small sizes stay sharp; at 32 px and
 * below the shield fills more of the tile so the eye still reads. The shield
 * outline is the one the tray icon uses (electron/main/tray-icon.ts). The
 * output is deterministic: running the script again rewrites identical files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resources = join(root, 'resources');

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types holding PNG data, with their pixel size (Apple's iconutil writes the same set). */
export const ICNS_ENTRIES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

const SAMPLES = 4;

const hex = (value) => [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
const mix = (a, b, t) => [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t);

// The console's palette (renderer/src/styles.css).
const TILE_TOP = hex(0x18202a);
const TILE_BOTTOM = hex(0x0b0f14);
const TILE_EDGE = hex(0x2b3543);
const SHIELD_TOP = hex(0x3a9bff);
const SHIELD_BOTTOM = hex(0x2f6fd6);
const SHIELD_RIM = hex(0x1d4f9c);
const EYE_WHITE = hex(0xf0f4f8);
const IRIS = hex(0x10151c);
const IRIS_RING = hex(0x2f81f7);
const PUPIL = hex(0x6cb6ff);

/** The tray icon's shield: `u` -1..1 left to right, `v` 0..1 top to bottom. */
function insideShield(u, v) {
  if (v < 0.05 || v > 0.97) return false;
  if (v <= 0.42) return Math.abs(u) <= 0.84;
  const t = (v - 0.42) / (0.97 - 0.42);
  return Math.abs(u) <= 0.84 * Math.cos((t * Math.PI) / 2);
}

function insideRoundedRect(x, y, min, max, radius) {
  if (x < min || x > max || y < min || y > max) return false;
  const cx = Math.min(Math.max(x, min + radius), max - radius);
  const cy = Math.min(Math.max(y, min + radius), max - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** Layout in canvas units (0..1): small icons drop the tile margin and enlarge the shield. */
function layout(size) {
  const small = size <= 32;
  const tileMargin = small ? 0 : 100 / 1024;
  const shieldWidth = small ? 0.84 : 0.62;
  const shieldHeight = shieldWidth * 1.08;
  const shieldTop = 0.5 - shieldHeight * 0.5;
  // The eye sits where the shield is widest, a little above its middle.
  const eyeY = shieldTop + shieldHeight * 0.44;
  const eyeHalfWidth = shieldWidth * 0.34;
  const eyeHalfHeight = shieldWidth * (small ? 0.21 : 0.19);
  // A lens shape: the intersection of two circles of radius R, offset vertically by ±d.
  const lensR = (eyeHalfHeight + eyeHalfWidth ** 2 / eyeHalfHeight) / 2;
  const lensD = lensR - eyeHalfHeight;
  return {
    tileMargin,
    tileRadius: small ? 0.16 : 0.2,
    tileEdge: small ? 0 : 0.012,
    shieldWidth,
    shieldHeight,
    shieldTop,
    rim: small ? 0.09 : 0.055,
    eyeY,
    eyeHalfWidth,
    lensR,
    lensD,
    iris: eyeHalfHeight * 0.8,
    irisRing: eyeHalfHeight * (small ? 0.5 : 0.62),
    pupil: eyeHalfHeight * (small ? 0.3 : 0.34),
    glint: small ? 0 : eyeHalfHeight * 0.12,
  };
}

/** The colour at a point of the canvas, or null where it is transparent. */
function colourAt(x, y, l) {
  const min = l.tileMargin;
  const max = 1 - l.tileMargin;
  if (!insideRoundedRect(x, y, min, max, l.tileRadius)) return null;
  let colour = mix(TILE_TOP, TILE_BOTTOM, (y - min) / (max - min));
  if (l.tileEdge > 0) {
    const e = l.tileEdge;
    if (!insideRoundedRect(x, y, min + e, max - e, l.tileRadius - e)) colour = TILE_EDGE;
  }

  const u = (x - 0.5) / (l.shieldWidth / 2);
  const v = (y - l.shieldTop) / l.shieldHeight;
  if (!insideShield(u, v)) return colour;
  const inset = 1 - l.rim;
  if (!insideShield(u / inset, 0.5 + (v - 0.5) / inset)) return SHIELD_RIM;
  colour = mix(SHIELD_TOP, SHIELD_BOTTOM, v);

  const dx = x - 0.5;
  const dy = y - l.eyeY;
  const inEye =
    Math.abs(dx) <= l.eyeHalfWidth &&
    dx ** 2 + (dy - l.lensD) ** 2 <= l.lensR ** 2 &&
    dx ** 2 + (dy + l.lensD) ** 2 <= l.lensR ** 2;
  if (!inEye) return colour;
  const r = Math.hypot(dx, dy);
  if (l.glint > 0 && Math.hypot(dx - l.iris * 0.42, dy + l.iris * 0.42) <= l.glint) return EYE_WHITE;
  if (r <= l.pupil) return PUPIL;
  if (r <= l.irisRing) return IRIS;
  if (r <= l.iris) return IRIS_RING;
  return EYE_WHITE;
}

/** Straight RGBA pixels of the logo at `size` x `size`. */
export function drawIcon(size) {
  const l = layout(size);
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      const sum = [0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const colour = colourAt((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size, l);
          if (!colour) continue;
          covered++;
          sum[0] += colour[0];
          sum[1] += colour[1];
          sum[2] += colour[2];
        }
      }
      if (covered === 0) continue;
      const offset = (py * size + px) * 4;
      rgba[offset] = Math.round(sum[0] / covered);
      rgba[offset + 1] = Math.round(sum[1] / covered);
      rgba[offset + 2] = Math.round(sum[2] / covered);
      rgba[offset + 3] = Math.round((covered / (SAMPLES * SAMPLES)) * 255);
    }
  }
  return rgba;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Filters each scanline with whichever PNG filter gives the smallest sum of
 * absolute byte values (the usual heuristic), so flat areas compress well.
 */
function filterScanlines(rgba, width, height) {
  const stride = width * 4;
  const out = Buffer.alloc((stride + 1) * height);
  const candidate = Buffer.alloc(stride);
  const best = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rgba.subarray((y - 1) * stride, y * stride) : null;
    let bestType = 0;
    let bestScore = Infinity;
    for (let type = 0; type <= 4; type++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= 4 ? row[i - 4] : 0;
        const b = prev ? prev[i] : 0;
        const c = prev && i >= 4 ? prev[i - 4] : 0;
        const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type];
        const value = (row[i] - predictor) & 0xff;
        candidate[i] = value;
        score += value < 128 ? value : 256 - value;
      }
      if (score < bestScore) {
        bestScore = score;
        bestType = type;
        candidate.copy(best);
      }
    }
    out[y * (stride + 1)] = bestType;
    best.copy(out, y * (stride + 1) + 1);
  }
  return out;
}

/** A PNG (8-bit RGBA, non-interlaced) of straight RGBA pixels. */
export function encodePng(rgba, width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const idat = deflateSync(filterScanlines(rgba, width, height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows .ico whose entries are PNG images (supported since Windows Vista). */
export function encodeIco(pngsBySize) {
  const sizes = [...pngsBySize.keys()].sort((a, b) => a - b);
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(sizes.length, 4);
  const directory = Buffer.alloc(16 * sizes.length);
  let offset = header.length + directory.length;
  sizes.forEach((size, i) => {
    const png = pngsBySize.get(size);
    const entry = i * 16;
    directory[entry] = size >= 256 ? 0 : size; // 0 means 256
    directory[entry + 1] = size >= 256 ? 0 : size;
    directory.writeUInt16LE(1, entry + 4); // colour planes
    directory.writeUInt16LE(32, entry + 6); // bits per pixel
    directory.writeUInt32LE(png.length, entry + 8);
    directory.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, directory, ...sizes.map((size) => pngsBySize.get(size))]);
}

/** A macOS .icns whose entries are PNG images (supported since OS X 10.7). */
export function encodeIcns(pngsBySize) {
  const entries = ICNS_ENTRIES.map(([type, size]) => {
    const png = pngsBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

function main() {
  const pngs = new Map();
  for (const size of LINUX_SIZES) pngs.set(size, encodePng(drawIcon(size), size, size));

  mkdirSync(join(resources, 'icons'), { recursive: true });
  const written = [];
  const write = (path, data) => {
    writeFileSync(path, data);
    written.push(`${path.slice(root.length + 1)} (${data.length} bytes)`);
  };
  write(join(resources, 'icon.png'), pngs.get(1024));
  for (const size of LINUX_SIZES) write(join(resources, 'icons', `${size}x${size}.png`), pngs.get(size));
  write(join(resources, 'icon.ico'), encodeIco(new Map(ICO_SIZES.map((size) => [size, pngs.get(size)]))));
  write(join(resources, 'icon.icns'), encodeIcns(pngs));
  console.log(`Wrote:\n  ${written.join('\n  ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
