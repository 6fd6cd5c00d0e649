/**
 * The WhatsApp view end to end, in real Chromium against the headless shell
 * and a fake gateway: Connect shows the pairing QR, which must decode (from
 * the pixels on screen) to exactly the string the gateway gave and follow the
 * gateway when it changes; once the phone "scans" it the page says Linked,
 * and a group picked from the phone's groups becomes the channel's target.
 */
import { inflateSync } from 'node:zlib';

import jsQR from 'jsqr';
import type { Locator, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { WhatsAppChannelConfig } from '../../shared/config';
import { findChromium, screenshotPath } from '../helpers/browser';
import { openView, useConsole } from '../helpers/console-page';
import type { FakeWhatsAppGateway } from '../helpers/fake-whatsapp-gateway';
import { fixtureGroups, startFakeWhatsAppGateway } from '../helpers/fake-whatsapp-gateway';
import type { Headless } from '../helpers/headless';

const chromiumPath = findChromium();
const API_KEY = 'gw-key-Hs82Kd0Pq3Lm';

/**
 * Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's
 * screenshots are) into RGBA pixels.
 */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8ClampedArray } {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colorType, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error(`unsupported PNG: depth ${String(depth)}, color type ${String(colorType)}`);
      }
      channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      pixels[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) {
    rgba[i * 4] = pixels[i * channels]!;
    rgba[i * 4 + 1] = pixels[i * channels + 1]!;
    rgba[i * 4 + 2] = pixels[i * channels + 2]!;
    rgba[i * 4 + 3] = channels === 4 ? pixels[i * channels + 3]! : 255;
  }
  return { width, height, rgba };
}

/** What the QR on screen says, read from a screenshot of it as a phone camera would. */
async function readQr(element: Locator): Promise<string | null> {
  const { width, height, rgba } = decodePng(await element.screenshot());
  return jsQR(rgba, width, height)?.data ?? null;
}

describe.skipIf(!chromiumPath)('browser: WhatsApp', () => {
  let app: Headless;
  let page: Page;
  let gateway: FakeWhatsAppGateway;

  beforeEach(async () => {
    // QRs change only when the test says so, so the one on screen can be compared.
    gateway = await startFakeWhatsAppGateway({ apiKey: API_KEY, qrRotateMs: 10 * 60_000 });
  });
  afterEach(async () => {
    await gateway?.close();
  });
  useConsole(
    chromiumPath!,
    (opened) => ({ app, page } = opened),
    () => ({
      config: {
        channels: [
          {
            id: 'wa',
            kind: 'whatsapp',
            name: 'SOC WhatsApp',
            provider: 'gateway',
            bridgeUrl: gateway.url,
            apiKey: API_KEY,
            session: 'vigil',
          },
        ],
      },
    }),
  );

  const openWhatsApp = (): Promise<void> => openView(page, app.url, 'whatsapp', 'WhatsApp');

  const stored = () => app.core.config.get().channels.find((c) => c.id === 'wa') as WhatsAppChannelConfig;

  it('links a session by scanning the QR on screen and sends alerts to a picked group', async () => {
    await openWhatsApp();
    const session = page.locator('[data-testid="wa-session"][data-session="vigil"]');
    await session.waitFor();
    expect(await session.textContent()).toContain('Not created yet');
    expect(await page.getByTestId('wa-target').textContent()).toBe('nobody yet');

    await page.locator('[data-testid="wa-connect"][data-session="vigil"]').click();
    const qr = page.getByTestId('wa-qr');
    await qr.waitFor();
    expect(gateway.requestsTo('createSession').map((r) => r.body)).toEqual([{ name: 'vigil' }]);
    expect(gateway.requestsTo('connect')).toHaveLength(1);
    expect(await page.locator('img[data-testid="wa-qr"]').count()).toBe(1);
    const box = await qr.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(300);

    const first = gateway.qrOf('vigil')!;
    expect(first).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
    expect(await readQr(qr)).toBe(first);
    expect(await page.getByTestId('wa-status').textContent()).toBe('Waiting for scan');

    // WhatsApp issues a new QR: the page follows through the core's whatsapp.status pushes, without a reload.
    gateway.rotate('vigil');
    const second = gateway.qrOf('vigil')!;
    expect(second).not.toBe(first);
    await expect.poll(() => readQr(qr), { timeout: 8000 }).toBe(second);
    await page.screenshot({ path: screenshotPath('whatsapp-qr') });

    gateway.link('vigil', '79990001122');
    await expect
      .poll(() => page.getByTestId('wa-status').textContent(), { timeout: 8000 })
      .toBe('Linked: +79990001122');
    expect(await page.getByTestId('wa-qr').count()).toBe(0);
    expect(await session.textContent()).toContain('Linked');

    // The phone joined another group since the gateway last fetched: Refresh asks WhatsApp again.
    const groups = page.getByTestId('wa-groups');
    await groups.waitFor();
    expect(await page.getByTestId('wa-group-option').count()).toBe(1);
    gateway.setPhoneGroups('vigil', fixtureGroups());
    await page.getByTestId('wa-groups-refresh').click();
    await expect.poll(() => page.getByTestId('wa-group-option').count()).toBe(2);
    expect(gateway.requestsTo('fetchGroups')).toHaveLength(1);
    expect(await groups.textContent()).toContain('Night shift3 members');

    await page.locator('[data-testid="wa-group-option"][data-id="120363000000000001@g.us"]').click();
    await page.getByTestId('wa-use-group').click();
    await expect.poll(() => page.getByTestId('wa-target').textContent()).toBe('120363000000000001@g.us');
    expect(stored()).toMatchObject({
      target: '120363000000000001@g.us',
      session: 'vigil',
      bridgeUrl: gateway.url,
      provider: 'gateway',
    });
    // Saving from the view left the API key out, which keeps it.
    expect(app.core.config.resolveSecret(stored().apiKey)).toBe(API_KEY);
    expect(await page.content()).not.toContain(API_KEY);
    await page.screenshot({ path: screenshotPath('whatsapp-linked') });
  });

  it('lists every session on the gateway, creates one from the form and sends alerts from it', async () => {
    gateway.addSession('ops');
    await openWhatsApp();
    const row = (name: string) => page.locator(`[data-testid="wa-session"][data-session="${name}"]`);
    await row('ops').waitFor();
    // The channel's own session (not created yet) and the one the gateway already has.
    expect(await page.getByTestId('wa-session').count()).toBe(2);
    expect(await row('vigil').textContent()).toContain('sends alerts');

    await page.getByTestId('wa-new-session-name').fill('night shift');
    await page.getByTestId('wa-new-session').click();
    await expect.poll(() => page.locator('.wa-new-session').textContent()).toContain('Use letters, digits');
    expect(gateway.requestsTo('createSession')).toHaveLength(0);

    await page.getByTestId('wa-new-session-name').fill('soc-night');
    await page.getByTestId('wa-new-session').click();
    await row('soc-night').waitFor();
    const qr = page.getByTestId('wa-qr');
    await qr.waitFor();
    expect(gateway.requestsTo('createSession').map((r) => r.body)).toEqual([{ name: 'soc-night' }]);
    expect(await readQr(qr)).toBe(gateway.qrOf('soc-night'));
    expect(await page.getByTestId('wa-session').count()).toBe(3);

    gateway.link('soc-night', '79990003344');
    await expect
      .poll(() => page.getByTestId('wa-status').textContent(), { timeout: 8000 })
      .toBe('Linked: +79990003344');
    await row('soc-night').getByRole('button', { name: 'Send alerts from here' }).click();
    await expect.poll(() => stored().session).toBe('soc-night');
    await expect.poll(() => row('soc-night').textContent()).toContain('sends alerts');
    expect(app.core.config.resolveSecret(stored().apiKey)).toBe(API_KEY);
    await page.screenshot({ path: screenshotPath('whatsapp-sessions') });
  });

  it('says how to add a WhatsApp channel when there is none', async () => {
    await app.rpc('channels.remove', { id: 'wa' });
    await openWhatsApp();
    const empty = page.getByTestId('wa-no-channel');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('Add one in Channels');
    expect(gateway.requests).toHaveLength(0);
  });
});
