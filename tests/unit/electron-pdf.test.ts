/**
 * The desktop PDF engine with a fake BrowserWindow (the Electron binary does
 * not run on the build machines): the window is hidden and locked down, loads
 * the report from a private temp file, prints A4 with backgrounds, and is
 * destroyed and the file removed whatever happens; renders run one at a time.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';

import type { BrowserWindowConstructorOptions, PrintToPDFOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { PdfWindow } from '../../electron/main/pdf';
import { createElectronPdf, pdfWindowOptions } from '../../electron/main/pdf';
import { tempDir } from '../helpers/temp-dir';

interface Seen {
  options: BrowserWindowConstructorOptions;
  file: string | null;
  html: string | null;
  mode: number | null;
  print: PrintToPDFOptions | null;
  destroyed: boolean;
}

/** A BrowserWindow that records what it was asked and answers as the test says. */
function fakeWindowClass(behaviour: {
  load?: (file: string) => Promise<void>;
  print?: () => Promise<Buffer>;
}) {
  const windows: Seen[] = [];
  let open = 0;
  let maxOpen = 0;
  class FakeWindow implements PdfWindow {
    private readonly seen: Seen;
    webContents = {
      printToPDF: (options: PrintToPDFOptions): Promise<Buffer> => {
        this.seen.print = options;
        return behaviour.print ? behaviour.print() : Promise.resolve(Buffer.from('%PDF-1.4 fake'));
      },
    };
    constructor(options: BrowserWindowConstructorOptions) {
      this.seen = { options, file: null, html: null, mode: null, print: null, destroyed: false };
      windows.push(this.seen);
      open += 1;
      maxOpen = Math.max(maxOpen, open);
    }
    async loadFile(file: string): Promise<void> {
      this.seen.file = file;
      this.seen.html = readFileSync(file, 'utf8');
      this.seen.mode = statSync(file).mode & 0o777;
      await (behaviour.load ? behaviour.load(file) : Promise.resolve());
    }
    destroy(): void {
      this.seen.destroyed = true;
      open -= 1;
    }
    isDestroyed(): boolean {
      return this.seen.destroyed;
    }
  }
  return { FakeWindow, windows, maxOpen: () => maxOpen };
}

describe('electron PDF engine', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => {
    tmp.remove();
  });

  it('prints the report in a hidden, sandboxed window without JavaScript, then destroys it', async () => {
    const { FakeWindow, windows } = fakeWindowClass({});
    const render = createElectronPdf({ BrowserWindow: FakeWindow, tmpDir: tmp.path });
    const pdf = await render('<h1>Report</h1>');

    expect(pdf.toString()).toBe('%PDF-1.4 fake');
    expect(windows).toHaveLength(1);
    const [window] = windows;
    expect(window!.options).toMatchObject({
      show: false,
      webPreferences: {
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        javascript: false,
        partition: 'vigil-pdf',
      },
    });
    expect(window!.options.webPreferences?.preload).toBeUndefined();
    expect(window!.options.webPreferences?.partition).not.toMatch(/^persist:/);
    expect(window!.html).toBe('<h1>Report</h1>');
    expect(window!.mode).toBe(0o600);
    expect(window!.print).toMatchObject({ printBackground: true, pageSize: 'A4' });
    expect(window!.destroyed).toBe(true);
    // The temp file and its directory are gone.
    expect(existsSync(window!.file!)).toBe(false);
    expect(readdirSync(tmp.path)).toEqual([]);
    expect(pdfWindowOptions()).toEqual(window!.options);
  });

  it('destroys the window and removes the file when loading or printing fails', async () => {
    const failing = fakeWindowClass({ print: () => Promise.reject(new Error('printing failed')) });
    const render = createElectronPdf({ BrowserWindow: failing.FakeWindow, tmpDir: tmp.path });
    await expect(render('<p>x</p>')).rejects.toThrow('printing failed');
    expect(failing.windows[0]!.destroyed).toBe(true);
    expect(readdirSync(tmp.path)).toEqual([]);

    const broken = fakeWindowClass({ load: () => Promise.reject(new Error('ERR_FILE_NOT_FOUND')) });
    await expect(
      createElectronPdf({ BrowserWindow: broken.FakeWindow, tmpDir: tmp.path })('<p>x</p>'),
    ).rejects.toThrow('ERR_FILE_NOT_FOUND');
    expect(broken.windows[0]!.destroyed).toBe(true);
    expect(readdirSync(tmp.path)).toEqual([]);
  });

  it('gives up on a page that never finishes loading', async () => {
    const hanging = fakeWindowClass({ load: () => new Promise(() => undefined) });
    const render = createElectronPdf({ BrowserWindow: hanging.FakeWindow, tmpDir: tmp.path, timeoutMs: 50 });
    await expect(render('<p>x</p>')).rejects.toThrow('printing did not finish within 0 s');
    expect(hanging.windows[0]!.destroyed).toBe(true);
    expect(readdirSync(tmp.path)).toEqual([]);
  });

  it('renders one report at a time, and a failure does not block the next', async () => {
    let calls = 0;
    const engine = fakeWindowClass({
      print: () => {
        calls += 1;
        return calls === 1
          ? Promise.reject(new Error('first fails'))
          : Promise.resolve(Buffer.from(`%PDF-${String(calls)}`));
      },
    });
    const render = createElectronPdf({ BrowserWindow: engine.FakeWindow, tmpDir: tmp.path });
    const results = await Promise.allSettled([render('a'), render('b'), render('c')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(engine.maxOpen()).toBe(1);
    expect(engine.windows.map((w) => w.html)).toEqual(['a', 'b', 'c']);
  });
});
