/** Which Chromium the headless shell prints with, and how it is started. */
import { describe, expect, it } from 'vitest';

import { chromiumPdfArgs, findChromium } from '../../electron/server/chromium-pdf';

const only =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('findChromium', () => {
  it('takes VIGIL_CHROMIUM first, and reports it rather than falling back when it is wrong', () => {
    expect(
      findChromium({ VIGIL_CHROMIUM: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', '/usr/bin/chromium')),
    ).toEqual({
      found: { path: '/opt/chrome/chrome', from: 'VIGIL_CHROMIUM' },
      problem: null,
    });
    expect(findChromium({ VIGIL_CHROMIUM: '/nope' }, only('/usr/bin/chromium'))).toEqual({
      found: null,
      problem: 'VIGIL_CHROMIUM=/nope is not an executable file',
    });
  });

  it('then /usr/bin/chromium, then the usual names on PATH in order', () => {
    expect(findChromium({ PATH: '/usr/local/bin' }, only('/usr/bin/chromium')).found?.path).toBe(
      '/usr/bin/chromium',
    );
    expect(
      findChromium({ PATH: '/a:/b' }, only('/b/chromium-browser', '/a/google-chrome-stable')).found,
    ).toEqual({ path: '/a/google-chrome-stable', from: 'PATH (google-chrome-stable)' });
    expect(findChromium({ PATH: '/a:/b' }, only('/b/chromium', '/b/google-chrome')).found?.path).toBe(
      '/b/chromium',
    );
    expect(findChromium({ PATH: '' }, only())).toEqual({ found: null, problem: null });
  });
});

describe('chromiumPdfArgs', () => {
  it('prints headless from a file URL into the given file, sandboxed unless root', () => {
    const args = chromiumPdfArgs('/tmp/x y/report.html', '/tmp/x y/report.pdf', '/tmp/x y/profile', false);
    expect(args[0]).toBe('--headless');
    expect(args).not.toContain('--no-sandbox');
    expect(args).toContain('--no-pdf-header-footer');
    expect(args).toContain('--print-to-pdf=/tmp/x y/report.pdf');
    expect(args).toContain('--user-data-dir=/tmp/x y/profile');
    expect(args.at(-1)).toBe('file:///tmp/x%20y/report.html');
    expect(chromiumPdfArgs('/r.html', '/r.pdf', '/p', true)).toContain('--no-sandbox');
  });
});
