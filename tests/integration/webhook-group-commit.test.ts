/**
 * The webhook's group commit through the real listener: a burst of
 * concurrent POSTs (valid alerts, refused ones among them, vendor ids sent
 * twice at once) and, once the core has stopped, the database opened on its
 * own: every 202 names a stored event, nothing refused was stored, and each
 * vendor id is stored once.
 */
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';

import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';

const HOOK_TOKEN = 'burst-hook-token-0123456789';
const ALERTS = 160;
const VENDOR_IDS = 40;

const dir = tempDir('vigil-group-commit-');
let app: Headless;

beforeAll(async () => {
  app = await startHeadless({
    dataDir: dir.path,
    config: {
      sources: [
        { id: 'burst', kind: 'webhook', name: 'Burst', token: HOOK_TOKEN, mapping: { id: 'event.id' } },
      ],
    },
  });
});
afterAll(async () => {
  await app.stop();
  dir.remove();
});

interface Sent {
  kind: 'alert' | 'bad' | 'vendor';
  key: string;
  status: number;
  body: { id?: string; duplicate?: boolean; error?: { code: string } };
}

async function post(path: string, token: string, payload: string): Promise<Omit<Sent, 'kind' | 'key'>> {
  const res = await fetch(`${app.webhookUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as Sent['body'] };
}

it('answers 202 only for what it stored, refuses bad events alone, and stores each vendor id once', async () => {
  const requests: Promise<Sent>[] = [];
  for (let i = 0; i < ALERTS; i++) {
    const alert = JSON.stringify({
      type: 'ids',
      severity: 'high',
      target: `ws-${i}.corp`,
      rule: `rule ${i}`,
    });
    requests.push(
      post('/api/alert', TEST_WEBHOOK_TOKEN, alert).then((r) => ({ kind: 'alert', key: `a${i}`, ...r })),
    );
    if (i % 8 === 4) {
      // Refused before they reach the ingestor, in the middle of the burst.
      const bad = i % 16 === 4 ? '{"type": "ids", "severity": "apocalyptic"}' : '{"type": "ids",';
      requests.push(
        post('/api/alert', TEST_WEBHOOK_TOKEN, bad).then((r) => ({ kind: 'bad', key: `b${i}`, ...r })),
      );
    }
    if (i < VENDOR_IDS) {
      // The same vendor event twice at once: both answered 202, stored once.
      const event = JSON.stringify({ event: { id: `evt-${i}` }, title: `vendor alert ${i}` });
      for (const copy of [0, 1]) {
        requests.push(
          post('/hooks/burst', HOOK_TOKEN, event).then((r) => ({
            kind: 'vendor',
            key: `v${i}.${copy}`,
            ...r,
          })),
        );
      }
    }
  }
  const sent = await Promise.all(requests);
  const ofKind = (kind: Sent['kind']) => sent.filter((s) => s.kind === kind);

  expect(ofKind('bad').length).toBeGreaterThan(0);
  for (const bad of ofKind('bad')) {
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('bad_request');
  }
  for (const ok of [...ofKind('alert'), ...ofKind('vendor')]) expect(ok.status).toBe(202);
  for (let i = 0; i < VENDOR_IDS; i++) {
    const copies = ofKind('vendor').filter((s) => s.key.startsWith(`v${i}.`));
    expect(new Set(copies.map((c) => c.body.id)).size).toBe(1);
    expect(copies.map((c) => c.body.duplicate).sort()).toEqual([false, true]);
  }

  await app.core.stop('test');
  const db = new Database(join(dir.path, 'vigil.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT id, source_id, dedup_key FROM raw_events').all() as {
      id: string;
      source_id: string;
      dedup_key: string | null;
    }[];
    const stored = new Map(rows.map((r) => [r.id, r]));
    // Every 202 names a stored row, and every stored row was answered 202: nothing refused got in.
    const acknowledged = new Set([...ofKind('alert'), ...ofKind('vendor')].map((s) => s.body.id!));
    expect(acknowledged.size).toBe(ALERTS + VENDOR_IDS);
    expect(new Set(stored.keys())).toEqual(acknowledged);
    const vendorRows = rows.filter((r) => r.source_id === 'burst');
    expect(vendorRows).toHaveLength(VENDOR_IDS);
    expect(new Set(vendorRows.map((r) => r.dedup_key)).size).toBe(VENDOR_IDS);
  } finally {
    db.close();
  }
});
