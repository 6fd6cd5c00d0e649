/**
 * What the shells' PDF engines share (electron/main/pdf.ts, Electron's
 * printToPDF; electron/server/chromium-pdf.ts, a headless Chromium): renders
 * run one at a time, and each gets a private temp directory (0700) holding
 * the report as `report.html`, removed afterwards whatever happens. The
 * document goes through a file, not a data: URL, which Chromium caps at 2 MB.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A full report (5,000 incidents) prints in about 20 s on a 2-core machine; leave room for a slower one.
export const PDF_TIMEOUT_MS = 120_000;

/**
 * A renderPdf for createCore around `print`, which turns the written
 * `input` file into PDF bytes and may put anything else it needs in `dir`.
 * `tmpDir` is the parent of the per-render directories (the OS temp dir by default).
 */
export function serialPdfRenderer(
  tmpDir: string | undefined,
  print: (input: string, dir: string) => Promise<Buffer>,
): (html: string) => Promise<Buffer> {
  let queue: Promise<unknown> = Promise.resolve();

  const render = async (html: string): Promise<Buffer> => {
    const dir = await mkdtemp(join(tmpDir ?? tmpdir(), 'vigil-pdf-'));
    try {
      const input = join(dir, 'report.html');
      // The report holds incident data: readable by this user only.
      await writeFile(input, html, { mode: 0o600 });
      return await print(input, dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return (html) => {
    const next = queue.then(
      () => render(html),
      () => render(html),
    );
    queue = next.catch(() => undefined);
    return next;
  };
}
