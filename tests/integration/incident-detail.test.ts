/**
 * `incidents.get` over the headless shell's HTTP contract: the real and the
 * masked detail of a webhook alert, and the intel (with the vendor's
 * verdict) of a SentinelOne threat polled from a fake console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { IncidentDetail, MethodResponse } from '../../shared/ipc/contract';
import type { FakeSentinelOne } from '../helpers/fake-sentinelone';
import { makeThreat, startFakeSentinelOne } from '../helpers/fake-sentinelone';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

const HOST = 'db-07.corp.example.com';
const PUBLIC_IP = '185.220.101.4';
const THREAT_ID = '9100000000000000001';

let app: Headless;
let fake: FakeSentinelOne;

async function call<T>(method: string, args: unknown): Promise<T> {
  const res = await app.rpc(method, args);
  const body = res.body as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${method} failed: ${body.error?.message}`);
  return body.value as T;
}

beforeAll(async () => {
  fake = await startFakeSentinelOne({ threats: [makeThreat(THREAT_ID, new Date().toISOString())] });
  app = await startHeadless({
    config: {
      sources: [
        {
          id: 's1',
          kind: 'sentinelone',
          name: 'S1',
          baseUrl: fake.url,
          apiToken: 'tok',
          pollIntervalSec: 3600,
        },
      ],
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

describe('incidents.get', () => {
  it('answers the real detail, and the masked one with the same shape and no real values', async () => {
    const res = await fetch(`${app.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'c2_beacon',
        severity: 'high',
        rule: 'Beacon to known C2',
        ip: PUBLIC_IP,
        target: HOST,
        source_log: `conn from ${HOST} (10.4.5.6) to ${PUBLIC_IP}:443 user=svc_backup`,
      }),
    });
    expect(res.status).toBe(202);
    const { incidentId } = (await res.json()) as { incidentId: string };

    const real = await call<IncidentDetail>('incidents.get', { id: incidentId });
    expect(real.masked).toBe(false);
    expect(JSON.stringify(real)).toContain(HOST);
    expect(real.intel).toEqual([expect.objectContaining({ kind: 'ip', value: PUBLIC_IP, verdict: null })]);

    const masked = await call<IncidentDetail>('incidents.get', { id: incidentId, masked: true });
    expect(masked.masked).toBe(true);
    const text = JSON.stringify(masked).toLowerCase();
    for (const value of ['db-07', '10.4.5.6', PUBLIC_IP, 'svc_backup']) expect(text).not.toContain(value);
    expect(masked.incident.id).toBe(incidentId);
    expect(masked.incident.title).toMatch(/^Beacon to known C2 on HOST_1/);
    expect(masked.events).toHaveLength(real.events.length);
    expect(masked.timeline.map((e) => e.action)).toEqual(real.timeline.map((e) => e.action));
    // A public IP would be named by its lookup link: not offered while masked.
    expect(masked.intel).toEqual([]);

    expect((await app.rpc('incidents.get', { id: 'inc_nope' })).body).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('lists a SentinelOne threat’s file hash with the console’s verdict and lookup links', async () => {
    const polled = await call<MethodResponse<'sources.pollNow'>>('sources.pollNow', { id: 's1' });
    expect(polled.ok).toBe(true);
    const list = await call<MethodResponse<'incidents.list'>>('incidents.list', {
      sourceKind: ['sentinelone'],
    });
    expect(list.items).toHaveLength(1);
    const detail = await call<IncidentDetail>('incidents.get', { id: list.items[0]!.id });
    // The agent's external addresses are public too; the hash comes first.
    expect(detail.intel.map((i) => i.kind)).toEqual(['sha1', 'ip', 'ip']);
    expect(detail.intel[0]).toEqual({
      kind: 'sha1',
      value: 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
      verdict: 'malicious (Trojan)',
      links: expect.arrayContaining([
        {
          label: 'VirusTotal',
          url: 'https://www.virustotal.com/gui/file/aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
        },
      ]) as unknown,
    });
    expect(detail.intel[1]).toMatchObject({ value: '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6', verdict: null });
    expect(detail.intel[1]!.links.map((l) => l.label)).toEqual(['VirusTotal', 'AbuseIPDB', 'Shodan']);
    // Hashes name no one: they stay, with their verdict, in the masked view; addresses do not.
    const masked = await call<IncidentDetail>('incidents.get', { id: list.items[0]!.id, masked: true });
    expect(masked.intel).toEqual([detail.intel[0]]);
  });
});
