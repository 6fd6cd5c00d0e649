/**
 * The shift report and the webhook token over the real headless shell:
 * reports.shift as HTML and as a PDF printed by this machine's Chromium (the
 * engine the headless shell uses), the refusals, and the token an analyst
 * reveals and rotates, proven with real POSTs to the webhook listener; and the
 * CLI as users run it: it finds Chromium on its own, and a rotated token
 * outlives a restart.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { ExportFile } from '../../shared/ipc/contract';
import { createChromiumPdf, findChromium } from '../../electron/server/chromium-pdf';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';
import { startServe } from '../helpers/serve-process';
import { tempDir } from '../helpers/temp-dir';

const chromium = findChromium().found;
const DAY_FROM = '2026-06-01T00:00:00.000Z';
const DAY_TO = '2026-06-02T00:00:00.000Z';

/** Pages of a PDF as Chromium writes them (page objects are not compressed). */
function pageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
}

/** The document title in the PDF's info dictionary: a literal string, or UTF-16BE hex for non-Latin text. */
function pdfTitle(pdf: Buffer): string | null {
  const text = pdf.toString('latin1');
  const literal = /\/Title \(((?:\\.|[^\\)])*)\)/.exec(text);
  if (literal) return literal[1]!.replace(/\\(.)/g, '$1');
  const hex = /\/Title <FEFF([0-9A-Fa-f]*)>/.exec(text);
  if (!hex) return null;
  return Buffer.from(hex[1]!, 'hex').swap16().toString('utf16le');
}

async function post(url: string, token: string, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${url}/api/alert`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

async function seed(app: Headless, count: number, severity = 'high'): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const at = new Date(Date.parse(DAY_FROM) + (i + 1) * 60_000).toISOString();
    expect(
      await post(app.webhookUrl, TEST_WEBHOOK_TOKEN, {
        type: 'port_scan',
        severity,
        rule: `Port scan ${String(i)} of <dmz>`,
        target: `dmz-${String(i)}.example.com`,
        timestamp: at,
      }),
    ).toBe(202);
  }
}

async function shift(app: Headless, args: Record<string, unknown>) {
  const res = await app.rpc('reports.shift', { from: DAY_FROM, to: DAY_TO, ...args });
  return res as {
    status: number;
    body: { ok: boolean; value?: ExportFile; error?: { code: string; message: string } };
  };
}

describe.skipIf(!chromium)('Chromium PDF engine', () => {
  it('prints an HTML document to a PDF whose pages grow with its content', async () => {
    const render = createChromiumPdf({ executable: chromium!.path });
    const doc = (rows: number) =>
      `<!doctype html><html><head><meta charset="utf-8"><title>Vigil test ${String(rows)} rows</title></head><body><table>${Array.from(
        { length: rows },
        (_, i) => `<tr><td>Incident ${String(i)}</td></tr>`,
      ).join('')}</table></body></html>`;
    const small = await render(doc(3));
    const large = await render(doc(400));
    expect(small.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(small)).toBe(1);
    expect(pageCount(large)).toBeGreaterThan(3);
    expect(pdfTitle(small)).toBe('Vigil test 3 rows');
    expect(pdfTitle(large)).toBe('Vigil test 400 rows');
  });

  it('says what went wrong when Chromium fails, and leaves no temp files', async () => {
    const tmp = tempDir();
    try {
      const render = createChromiumPdf({ executable: '/bin/false', tmpDir: tmp.path });
      await expect(render('<p>x</p>')).rejects.toThrow(/Chromium exited with code 1/);
      const missing = createChromiumPdf({ executable: join(tmp.path, 'no-such-chromium'), tmpDir: tmp.path });
      await expect(missing('<p>x</p>')).rejects.toThrow(/could not start/);
      expect(readdirSync(tmp.path)).toEqual([]);
    } finally {
      tmp.remove();
    }
  });
});

describe.skipIf(!chromium)('reports.shift over the headless shell', () => {
  let app: Headless;
  afterEach(async () => {
    await app.stop();
  });

  it('answers an HTML report listing the period’s incidents, and a PDF of it', async () => {
    app = await startHeadless({
      config: { ui: { timeZone: 'UTC' } },
      core: { renderPdf: createChromiumPdf({ executable: chromium!.path }) },
    });
    await seed(app, 3);
    expect(
      await post(app.webhookUrl, TEST_WEBHOOK_TOKEN, {
        type: 'lateral',
        severity: 'high',
        rule: 'psexec -u admin -p Winter2026! cmd.exe',
        target: 'ws-fin-042',
        timestamp: new Date(Date.parse(DAY_FROM) + 3_600_000).toISOString(),
      }),
    ).toBe(202);
    // One incident outside the period.
    expect(
      await post(app.webhookUrl, TEST_WEBHOOK_TOKEN, {
        type: 'malware',
        rule: 'Outside the shift',
        timestamp: '2026-06-02T00:00:00Z',
      }),
    ).toBe(202);

    const html = await shift(app, { format: 'html' });
    expect(html.status).toBe(200);
    const file = html.body.value!;
    expect(file).toMatchObject({
      filename: 'vigil-shift-2026-06-01_0000-2026-06-02_0000.html',
      mimeType: 'text/html; charset=utf-8',
      encoding: 'utf8',
      rows: 4,
      truncated: false,
    });
    for (let i = 0; i < 3; i += 1) expect(file.content).toContain(`Port scan ${String(i)} of &lt;dmz&gt;`);
    // Real values, but a victim's credential from the telemetry never leaves in a report.
    expect(file.content).toContain('ws-fin-042');
    expect(file.content).toContain('psexec -u admin -p SECRET_');
    expect(file.content).not.toContain('Winter2026!');
    expect(file.content).not.toContain('<dmz>');
    expect(file.content).not.toContain('Outside the shift');

    const pdf = await shift(app, { format: 'pdf' });
    expect(pdf.status).toBe(200);
    expect(pdf.body.value).toMatchObject({
      filename: 'vigil-shift-2026-06-01_0000-2026-06-02_0000.pdf',
      mimeType: 'application/pdf',
      encoding: 'base64',
      rows: 4,
    });
    const bytes = Buffer.from(pdf.body.value!.content, 'base64');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(bytes)).toBeGreaterThanOrEqual(1);
    expect(pdfTitle(bytes)).toBe('Vigil shift report 2026-06-01 00:00 – 2026-06-02 00:00');

    // Masked: the hosts are gone from the document.
    const masked = await shift(app, { format: 'html', masked: true });
    expect(masked.body.value!.content).not.toContain('dmz-0.example.com');
    expect(file.content).toContain('dmz-0.example.com');
  });

  it('says how to get a PDF when there is no engine, and refuses a bad period', async () => {
    app = await startHeadless();
    const pdf = await shift(app, { format: 'pdf' });
    expect(pdf.status).toBe(503);
    expect(pdf.body.error).toMatchObject({ code: 'unavailable' });
    expect(pdf.body.error!.message).toMatch(
      /^no PDF engine: .*Choose HTML.*install Chromium.*VIGIL_CHROMIUM/,
    );
    expect((await shift(app, { format: 'html' })).status).toBe(200);

    const backwards = await shift(app, { from: DAY_TO, to: DAY_FROM, format: 'html' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error!.message).toBe('to: must be after from');
    const long = await shift(app, { to: '2026-08-01T00:00:00Z', format: 'html' });
    expect(long.body.error!.message).toMatch(/^to: a shift report covers at most 31 days/);
    const junk = await shift(app, { from: 'yesterday', format: 'html' });
    expect(junk.status).toBe(400);
    expect(junk.body.error!.message).toMatch(/^from:/);
  });

  it('turns a failing engine into an answer that offers HTML', async () => {
    app = await startHeadless({
      core: { renderPdf: createChromiumPdf({ executable: '/bin/false' }) },
    });
    const pdf = await shift(app, { format: 'pdf' });
    expect(pdf.status).toBe(503);
    expect(pdf.body.error!.message).toMatch(
      /^the PDF engine failed \(Chromium exited with code 1\); try again, or choose HTML$/,
    );
  });
});

describe('webhook token: reveal and rotate', () => {
  let app: Headless;
  beforeAll(async () => {
    app = await startHeadless();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('reveals the token the listener accepts, and only an audit line says so', async () => {
    const revealed = await app.rpc('webhook.revealToken');
    expect(revealed.body).toEqual({ ok: true, value: { token: TEST_WEBHOOK_TOKEN } });
    expect(await post(app.webhookUrl, TEST_WEBHOOK_TOKEN, { type: 'port_scan', target: 'a' })).toBe(202);

    const log = readFileSync(join(app.dataDir, 'logs', 'all.log'), 'utf8');
    const line = log.split('\n').find((l) => l.includes('webhook token revealed'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({
      scope: 'core.rpc.webhook',
      fields: { actor: 'api', via: 'api' },
    });
    expect(log).not.toContain(TEST_WEBHOOK_TOKEN);
  });

  it('rotates to a new random token: the old one is refused at once, the new one accepted', async () => {
    const rotated = (await app.rpc('webhook.rotateToken')).body as { value: { token: string } };
    const token = rotated.value.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(TEST_WEBHOOK_TOKEN);

    expect(await post(app.webhookUrl, TEST_WEBHOOK_TOKEN, { type: 'port_scan', target: 'b' })).toBe(401);
    expect(await post(app.webhookUrl, token, { type: 'port_scan', target: 'b' })).toBe(202);
    expect((await app.rpc('webhook.revealToken')).body).toEqual({ ok: true, value: { token } });

    // Kept as a secret: the config names a SecretStore entry, never the value.
    expect(app.core.config.get().webhook.token).toBe('secret:webhook/token');
    expect(JSON.stringify(app.core.config.get())).not.toContain(token);
    const second = ((await app.rpc('webhook.rotateToken')).body as { value: { token: string } }).value.token;
    expect(second).not.toBe(token);
    expect(await post(app.webhookUrl, token, { type: 'port_scan', target: 'c' })).toBe(401);

    const log = readFileSync(join(app.dataDir, 'logs', 'all.log'), 'utf8');
    expect(log).toContain('webhook token rotated');
    expect(log).not.toContain(token);
    expect(log).not.toContain(second);
  });

  it('refuses to rotate a token read from the environment', async () => {
    const envApp = await startHeadless({
      config: { webhook: { token: '${VIGIL_TEST_HOOK_TOKEN}' } },
      core: { env: { VIGIL_TEST_HOOK_TOKEN: 'from-the-environment-123' } },
    });
    try {
      const res = await envApp.rpc('webhook.rotateToken');
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        ok: false,
        error: { code: 'conflict', message: expect.stringContaining('VIGIL_TEST_HOOK_TOKEN') as string },
      });
      expect(
        await post(envApp.webhookUrl, 'from-the-environment-123', { type: 'port_scan', target: 'd' }),
      ).toBe(202);
    } finally {
      await envApp.stop();
    }
  });
});

describe.skipIf(!chromium)('npm run serve', () => {
  it('prints PDFs with the Chromium it finds, and keeps a rotated token across a restart', async () => {
    const dir = tempDir('vigil-report-cli-');
    const apiToken = 'report-cli-api-token-123';
    const args = ['--data-dir', dir.path, '--port', '0', '--webhook-port', '0'];
    const env = { VIGIL_PIN: '99887766', VIGIL_API_TOKEN: apiToken, VIGIL_LOG_STDOUT: '1' };
    const rpc = async (url: string, method: string, body: unknown = {}) => {
      const res = await fetch(`${url}/api/rpc/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { ok: boolean; value: Record<string, unknown> };
    };
    let serve = startServe(args, env);
    try {
      const first = await serve.urls();
      expect(serve.output()).toContain('shift reports as PDF through Chromium');
      const report = await rpc(first.url, 'reports.shift', { from: DAY_FROM, to: DAY_TO, format: 'pdf' });
      expect(report.ok).toBe(true);
      expect(
        Buffer.from(report.value.content as string, 'base64')
          .subarray(0, 5)
          .toString('latin1'),
      ).toBe('%PDF-');

      const token = (await rpc(first.url, 'webhook.rotateToken')).value.token as string;
      expect(await post(first.webhook, token, { type: 'port_scan', target: 'e' })).toBe(202);
      await serve.stop();

      serve = startServe(args, env);
      const second = await serve.urls();
      expect(await post(second.webhook, token, { type: 'port_scan', target: 'f' })).toBe(202);
      expect(serve.output()).not.toContain(token);
    } finally {
      await serve.stop();
      dir.remove();
    }
  }, 60_000);
});
