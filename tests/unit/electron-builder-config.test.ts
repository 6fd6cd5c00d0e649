/**
 * electron-builder.yml, checked without building (the Electron download is
 * not reachable on the build machines): it must pass electron-builder's own
 * JSON schema, name the files the package needs, and every icon it names must
 * exist at the pixel sizes each installer expects.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
// Both come with electron-builder (app-builder-lib validates its config with ajv and reads YAML with js-yaml).
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  linux: { target: string[]; icon: string; category: string; maintainer: string; executableName: string };
  win: { target: { target: string }[]; icon: string };
  nsis: { oneClick: boolean; perMachine: boolean; allowToChangeInstallationDirectory: boolean };
  mac: { target: { target: string }[]; icon: string; category: string };
}

const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
const buildResources = join(root, config.directories.buildResources);

function validator() {
  const schema = JSON.parse(
    readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'),
  ) as object;
  // The options app-builder-lib uses (schemaValidator.js), without its type coercion, so a wrong type fails here.
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(data.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/** The images of an .ico: the size its directory states and the PNG it points at. */
function icoEntries(data: Buffer): { stated: number; png: Buffer }[] {
  expect(data.readUInt16LE(0)).toBe(0);
  expect(data.readUInt16LE(2)).toBe(1);
  const count = data.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const entry = 6 + i * 16;
    const width = data[entry]! || 256;
    const height = data[entry + 1]! || 256;
    expect(height).toBe(width);
    const length = data.readUInt32LE(entry + 8);
    const offset = data.readUInt32LE(entry + 12);
    return { stated: width, png: data.subarray(offset, offset + length) };
  });
}

/** The entries of an .icns: four-character type and data. */
function icnsEntries(data: Buffer): { type: string; body: Buffer }[] {
  expect(data.subarray(0, 4).toString('ascii')).toBe('icns');
  expect(data.readUInt32BE(4)).toBe(data.length);
  const entries: { type: string; body: Buffer }[] = [];
  for (let offset = 8; offset < data.length;) {
    const length = data.readUInt32BE(offset + 4);
    expect(length).toBeGreaterThan(8);
    entries.push({
      type: data.subarray(offset, offset + 4).toString('ascii'),
      body: data.subarray(offset + 8, offset + length),
    });
    offset += length;
  }
  return entries;
}

/** Pixel size of each PNG-capable ICNS type (Apple's icon family types). */
const ICNS_TYPE_SIZES: Record<string, number> = {
  icp4: 16,
  icp5: 32,
  icp6: 64,
  ic07: 128,
  ic08: 256,
  ic09: 512,
  ic10: 1024,
  ic11: 32,
  ic12: 64,
  ic13: 256,
  ic14: 512,
};

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema", () => {
    const validate = validator();
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is refused by that schema when a key is misspelt or mistyped', () => {
    const validate = validator();
    expect(validate({ ...config, nsis: { ...config.nsis, oneclick: false } })).toBe(false);
    expect(validate({ ...config, npmRebuild: 'yes' })).toBe(false);
    expect(validate({ ...config, directory: { output: 'dist' } })).toBe(false);
  });

  it('builds the installers the project ships, per user on Windows', () => {
    expect(config.appId).toBe('app.vigil.desktop');
    expect(readFileSync(join(root, 'electron', 'main', 'index.ts'), 'utf8')).toContain(
      `setAppUserModelId('${config.appId}')`,
    );
    expect(config.productName).toBe('Vigil');
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'resources' });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
    });
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg']);
    expect(config.mac.category).toMatch(/^public\.app-category\./);
  });

  it('packages the built app and unpacks the native SQLite module rebuilt for Electron', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(packageJson.main).toBe('out/main/index.js');
    expect(config.npmRebuild).toBe(true);
    expect(
      config.asarUnpack.some((p) => p.includes('node_modules/better-sqlite3/') && p.endsWith('.node')),
    ).toBe(true);
    // The pattern names the folder npm builds the module into.
    expect(existsSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release'))).toBe(true);
  });

  it('has the package.json fields the deb and the installers read', () => {
    expect(packageJson.description).toEqual(expect.any(String));
    expect(packageJson.homepage).toMatch(/^https:\/\//);
    expect(packageJson.author).toMatchObject({
      name: expect.any(String) as string,
      email: expect.any(String) as string,
    });
    expect(packageJson.desktopName).toBe(`${config.linux.executableName}.desktop`);
    const scripts = packageJson.scripts as Record<string, string>;
    for (const name of ['dist', 'dist:linux', 'dist:win', 'dist:mac']) {
      expect(scripts[name]).toMatch(/^electron-vite build && electron-builder\b/);
    }
  });
});

describe('icons named by electron-builder.yml', () => {
  it('Linux: a PNG per size in the icon folder, named by its real size', () => {
    const folder = join(buildResources, config.linux.icon);
    const files = readdirSync(folder).filter((f) => f.endsWith('.png'));
    const sizes = files.map((file) => {
      const match = /^(\d+)x(\d+)\.png$/.exec(file);
      expect(match, file).not.toBeNull();
      const size = pngSize(readFileSync(join(folder, file)));
      expect(size, file).toEqual({ width: Number(match![1]), height: Number(match![2]) });
      return size.width;
    });
    expect(sizes.sort((a, b) => a - b)).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);
  });

  it('Windows: an .ico from 16 to 256 whose PNG entries match their directory', () => {
    const entries = icoEntries(readFileSync(join(buildResources, config.win.icon)));
    for (const { stated, png } of entries) {
      expect(pngSize(png)).toEqual({ width: stated, height: stated });
    }
    expect(entries.map((e) => e.stated)).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('macOS: an .icns whose PNG entries have the size their type stands for', () => {
    const entries = icnsEntries(readFileSync(join(buildResources, config.mac.icon)));
    for (const { type, body } of entries) {
      const expected = ICNS_TYPE_SIZES[type];
      expect(expected, `unknown ICNS type ${type}`).toBeDefined();
      expect(pngSize(body), type).toEqual({ width: expected, height: expected });
    }
    const types = entries.map((e) => e.type);
    // 512@2x (ic10) is what Finder and the Dock show on Retina displays.
    expect(types).toEqual(
      expect.arrayContaining(['ic07', 'ic08', 'ic09', 'ic10', 'ic11', 'ic12', 'ic13', 'ic14']),
    );
  });

  it('the 1024 px master icon', () => {
    expect(pngSize(readFileSync(join(buildResources, 'icon.png')))).toEqual({ width: 1024, height: 1024 });
  });
});
