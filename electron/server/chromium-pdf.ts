/**
 * The headless shell's PDF engine: a local Chromium printing an HTML file
 * (`--headless --print-to-pdf`). Each render gets a private temp directory
 * (0700) for the document, the PDF and a throwaway profile, removed
 * afterwards whatever happens; renders run one at a time, since each starts
 * a whole browser; a render that takes too long is killed.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PDF_TIMEOUT_MS, serialPdfRenderer } from '../core/reports/pdf-render';

/** Where a Chromium was found, for the start-up log. */
export interface ChromiumLocation {
  path: string;
  /** "VIGIL_CHROMIUM", or the well-known path / PATH entry it was found at. */
  from: string;
}

const WELL_KNOWN = ['/usr/bin/chromium'];
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
/** Chromium's stderr kept for an error message (it is chatty about D-Bus and GPU even when it works). */
const STDERR_KEEP = 4000;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds a Chromium: VIGIL_CHROMIUM when set (and only it: a wrong path is
 * reported, not papered over by another browser), else /usr/bin/chromium,
 * else chromium, chromium-browser, google-chrome, google-chrome-stable on PATH.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  executable: (path: string) => boolean = isExecutable,
): { found: ChromiumLocation | null; problem: string | null } {
  const chosen = env.VIGIL_CHROMIUM;
  if (chosen) {
    return executable(chosen)
      ? { found: { path: chosen, from: 'VIGIL_CHROMIUM' }, problem: null }
      : { found: null, problem: `VIGIL_CHROMIUM=${chosen} is not an executable file` };
  }
  for (const path of WELL_KNOWN) {
    if (executable(path)) return { found: { path, from: path }, problem: null };
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ON_PATH) {
      const path = join(dir, name);
      if (executable(path)) return { found: { path, from: `PATH (${name})` }, problem: null };
    }
  }
  return { found: null, problem: null };
}

/** The command line: no sandbox only as root (Chromium refuses to start sandboxed as root). */
export function chromiumPdfArgs(input: string, output: string, profile: string, isRoot: boolean): string[] {
  return [
    '--headless',
    ...(isRoot ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-extensions',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--no-first-run',
    '--no-default-browser-check',
    `--user-data-dir=${profile}`,
    '--no-pdf-header-footer',
    `--print-to-pdf=${output}`,
    pathToFileURL(input).href,
  ];
}

export interface ChromiumPdfOptions {
  executable: string;
  timeoutMs?: number;
  /** Parent of the per-render temp directories (the OS temp dir by default). */
  tmpDir?: string;
  isRoot?: boolean;
}

/** A renderPdf for createCore: HTML in, PDF bytes out; rejects with what went wrong. */
export function createChromiumPdf(options: ChromiumPdfOptions): (html: string) => Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? PDF_TIMEOUT_MS;
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  return serialPdfRenderer(options.tmpDir, async (input, dir) => {
    const output = join(dir, 'report.pdf');
    await run(options.executable, chromiumPdfArgs(input, output, join(dir, 'profile'), isRoot), timeoutMs);
    if (!existsSync(output)) throw new Error('Chromium exited without writing the PDF');
    const pdf = await readFile(output);
    if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-')
      throw new Error('Chromium wrote something that is not a PDF');
    return pdf;
  });
}

function run(executable: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout kills the renderer and GPU helpers with it.
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${executable}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`Chromium did not finish within ${String(Math.round(timeoutMs / 1000))} s`));
      } else if (code !== 0) {
        const last = stderr
          .split('\n')
          .filter((line) => line.trim() && !/dbus|bus\.cc|object_proxy/i.test(line))
          .slice(-3)
          .join(' | ');
        reject(
          new Error(`Chromium exited with ${signal ?? `code ${String(code)}`}${last ? `: ${last}` : ''}`),
        );
      } else {
        resolve();
      }
    });
  });
}
