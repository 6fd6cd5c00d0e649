/**
 * The desktop shell's PDF engine: Chromium's own printToPDF in a hidden
 * window that exists for one render. The window is as locked down as a
 * window gets (sandboxed, no JavaScript, no preload, an in-memory session of
 * its own) because the report carries text from outside (incident titles).
 * The document is loaded from a private temp file rather than a data: URL,
 * which Chromium caps at 2 MB (a report of thousands of incidents is more):
 * core/reports/pdf-render.ts, shared with the headless shell's engine.
 *
 * Electron is imported as types only: the window class is a parameter, so
 * tests/unit/electron-pdf.test.ts drives this with a fake.
 */
import type { BrowserWindowConstructorOptions, PrintToPDFOptions } from 'electron';

import { PDF_TIMEOUT_MS, serialPdfRenderer } from '../core/reports/pdf-render';

/** What the engine uses of a BrowserWindow. */
export interface PdfWindow {
  loadFile(path: string): Promise<void>;
  webContents: { printToPDF(options: PrintToPDFOptions): Promise<Buffer> };
  destroy(): void;
  isDestroyed(): boolean;
}

export type PdfWindowConstructor = new (options: BrowserWindowConstructorOptions) => PdfWindow;

/** The hidden window: nothing runs in it, nothing of the app's session is shared with it. */
export function pdfWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 794,
    height: 1123,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      javascript: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      // A hidden window must not be throttled, or the load may never finish.
      backgroundThrottling: false,
      // In memory, apart from the app's session (its cookies, cache and CSP handler).
      partition: 'vigil-pdf',
    },
  };
}

export const PDF_PRINT_OPTIONS: PrintToPDFOptions = {
  printBackground: true,
  pageSize: 'A4',
  preferCSSPageSize: true,
  displayHeaderFooter: false,
};

export interface ElectronPdfOptions {
  BrowserWindow: PdfWindowConstructor;
  timeoutMs?: number;
  /** Parent of the per-render temp directories (the OS temp dir by default). */
  tmpDir?: string;
}

/** A renderPdf for createCore: one hidden window per render, destroyed afterwards; renders run one at a time. */
export function createElectronPdf(options: ElectronPdfOptions): (html: string) => Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? PDF_TIMEOUT_MS;
  return serialPdfRenderer(options.tmpDir, async (file) => {
    let window: PdfWindow | null = null;
    let timer: NodeJS.Timeout | undefined;
    try {
      window = new options.BrowserWindow(pdfWindowOptions());
      const win = window;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`printing did not finish within ${String(Math.round(timeoutMs / 1000))} s`));
        }, timeoutMs);
      });
      const printed = (async () => {
        await win.loadFile(file);
        return win.webContents.printToPDF(PDF_PRINT_OPTIONS);
      })();
      // A late rejection after a timeout must not surface as unhandled.
      printed.catch(() => undefined);
      return await Promise.race([printed, timeout]);
    } finally {
      clearTimeout(timer);
      if (window && !window.isDestroyed()) window.destroy();
    }
  });
}
