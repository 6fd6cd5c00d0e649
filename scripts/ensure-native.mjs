/**
 * Builds better-sqlite3 for Electron's ABI *beside* the Node build in
 * node_modules/better-sqlite3/build (which tests and the headless shell keep
 * using, so it is never touched). Runs before `npm start` / `npm run dev`.
 *
 *   node scripts/ensure-native.mjs electron      build once, if missing
 *   node scripts/ensure-native.mjs --print-path  print where the build goes
 *
 * NAMING RULE, duplicated in electron/main/native-binding.ts (this plain Node
 * script cannot import TypeScript; tests/unit/electron-native-binding.test.ts
 * runs --print-path and compares the two):
 *   <root>/node_modules/.vigil-native/electron-v<version>-<platform>-<arch>/better_sqlite3.node
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { platform, arch } = process;
const HEADERS_URL = 'https://electronjs.org/headers';
// npm exports its config to scripts as npm_config_*; this machine's npmrc sets
// nodedir=/usr, which would make node-gyp silently build against Node's headers.
const STRIPPED_ENV = ['nodedir', 'target', 'runtime', 'disturl', 'dist_url'].map((k) => `npm_config_${k}`);
/** node-gyp inside an npm installation rooted at `npmDir`. */
const gypIn = (...npmDir) => join(...npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');

const say = (message) => console.log(`[ensure-native] ${message}`);

function failure(lines) {
  console.error(['', ...lines.map((line) => `[ensure-native] ${line}`), ''].join('\n'));
  return 1;
}

function firstExisting(candidates) {
  for (const candidate of candidates) {
    try {
      const path = candidate();
      if (path && existsSync(path)) return path;
    } catch {
      // Not resolvable this way; try the next place.
    }
  }
  return null;
}

function runNode(script, args, cwd) {
  const keep = ([key]) => !STRIPPED_ENV.includes(key.toLowerCase());
  const env = Object.fromEntries(Object.entries(process.env).filter(keep));
  return spawnSync(process.execPath, [script, ...args], { cwd, env, stdio: 'inherit' }).status === 0;
}

/** Loads the module in a throwaway Node process: with Electron's ABI it must fail to load there. */
function abiProblem(file, expected) {
  const probe = `try { process.dlopen({ exports: {} }, ${JSON.stringify(file)}); console.log('LOADED'); } catch (e) { console.log(String(e?.message)); }`;
  const out = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout ?? '';
  if (out.trim() === 'LOADED') return `it loads in Node ${process.version}, so it targets Node's ABI`;
  const found = /NODE_MODULE_VERSION (\d+)/.exec(out)?.[1];
  return expected && found && found !== expected
    ? `it targets ABI ${found}, Electron needs ${expected}`
    : null;
}

function main() {
  const mode = process.argv[2];
  if (mode !== 'electron' && mode !== '--print-path') {
    return failure(['usage: node scripts/ensure-native.mjs electron | --print-path']);
  }
  const electronDir = firstExisting([() => dirname(require.resolve('electron/package.json'))]);
  if (!electronDir) return failure(['The electron package is not installed; run `npm install`.']);
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  const folder = `electron-v${version}-${platform}-${arch}`;
  const target = join(root, 'node_modules', '.vigil-native', folder, 'better_sqlite3.node');
  if (mode === '--print-path') {
    console.log(target);
    return 0;
  }

  const pathTxt = join(electronDir, 'path.txt');
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist');
  const binary = existsSync(pathTxt) && existsSync(join(distDir, readFileSync(pathTxt, 'utf8').trim()));
  if (!binary) {
    return failure([
      `Electron's binary is not installed (${pathTxt} or ${distDir} is missing):`,
      'the electron package was installed with ELECTRON_SKIP_BINARY_DOWNLOAD set.',
      'Install it with ELECTRON_SKIP_BINARY_DOWNLOAD unset: `node node_modules/electron/install.js` (or `npm rebuild electron`).',
    ]);
  }
  if (existsSync(target)) return 0;

  const packageDir = dirname(require.resolve('better-sqlite3/package.json'));
  const fromPackage = createRequire(join(packageDir, 'package.json'));
  say(`Building better-sqlite3 for Electron ${version} (one time)…`);
  const work = mkdtempSync(join(tmpdir(), 'vigil-native-'));
  try {
    const skip = join(packageDir, 'build');
    cpSync(packageDir, work, { recursive: true, filter: (src) => resolve(src) !== skip });
    const built = join(work, 'build', 'Release', 'better_sqlite3.node');
    const prebuild = firstExisting([
      () => fromPackage.resolve('prebuild-install/bin.js'),
      () => join(packageDir, 'node_modules', '.bin', 'prebuild-install'),
    ]);
    say('Trying a prebuilt binary…');
    const runtime = ['--runtime=electron', `--target=${version}`, `--arch=${arch}`];
    let ok =
      prebuild !== null &&
      runNode(prebuild, [...runtime, `--platform=${platform}`], work) &&
      existsSync(built);
    if (!ok) {
      const nodeDir = dirname(process.execPath);
      const gyp = firstExisting([
        () => process.env.npm_config_node_gyp,
        () => gypIn(dirname(process.env.npm_execpath), '..'),
        () => require.resolve('node-gyp/bin/node-gyp.js'),
        () => gypIn(nodeDir, '..', 'lib', 'node_modules', 'npm'), // Unix global npm
        () => gypIn(nodeDir, 'node_modules', 'npm'), // Windows global npm
      ]);
      if (!gyp) return failure(['No prebuilt binary, and node-gyp was not found (it ships with npm).']);
      say('No prebuilt binary; compiling with node-gyp (needs Python and a C++ toolchain)…');
      ok =
        runNode(gyp, ['rebuild', '--release', ...runtime, `--dist-url=${HEADERS_URL}`], work) &&
        existsSync(built);
    }
    if (!ok) {
      return failure([
        `Could not build better-sqlite3 for Electron ${version} (${platform}-${arch}): both the prebuilt download and node-gyp failed (see above).`,
        `This needs internet access (to fetch the prebuilt binary or Electron's headers from ${HEADERS_URL})`,
        'and, for node-gyp, Python 3 and a C++ toolchain. Fix that and run `node scripts/ensure-native.mjs electron` again,',
        'or set VIGIL_SQLITE_BINDING to a better_sqlite3.node built for this Electron version.',
      ]);
    }
    const abiFile = join(electronDir, 'abi_version');
    const problem = abiProblem(built, existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : null);
    if (problem) return failure([`The build is unusable: ${problem}. Check npm_config_* and ~/.npmrc.`]);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
    say(`Done: ${target}`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
