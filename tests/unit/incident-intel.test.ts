/**
 * Threat-intel indicators of an incident: which values get lookup links
 * (hashes, public IPs, public domains and URLs; never private addresses,
 * internal names or the organisation's own domains), what the links are, and
 * the verdicts read from the vendors' raw events (recorded SentinelOne and
 * Deep Instinct payloads through the real mappers).
 */
import { describe, expect, it } from 'vitest';

import type { Incident, RawEvent } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { MAX_INTEL, incidentIntel, isPublicIp, lookupLinks } from '../../electron/core/incidents/intel';
import { mapDeepInstinctEvent } from '../../electron/core/ingest/mappers/deepinstinct';
import type { NormalizedIncident } from '../../electron/core/ingest/ingestor';
import { mapSentinelOneAlert, mapSentinelOneThreat } from '../../electron/core/ingest/mappers/sentinelone';
import type { Json } from '../helpers/fake-sentinelone';
import { fixtureAlert, s1Fixture } from '../helpers/fake-sentinelone';
import { incidentFixture } from '../helpers/incidents';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SHA256 = 'd1838b541ff7ffe6489d120d89dfa855665fd2c708491f336c7267069387053f';

function event(body: unknown, overrides: Partial<RawEvent> = {}): RawEvent {
  return {
    id: 'evt_1',
    receivedAt: '2026-01-01T00:00:00.000Z',
    sourceKind: 'webhook',
    sourceId: 'hook',
    route: '/api/alert',
    incidentId: 'inc_1',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...overrides,
  };
}

function fromNormalized(normalized: NormalizedIncident, source: Incident['source']): Incident {
  const { fingerprint, vendorId, consoleUrl, title, description, severity, category, mitre, entities } =
    normalized;
  return incidentFixture({
    fingerprint,
    vendorId,
    consoleUrl,
    title,
    description,
    severity,
    category,
    mitre,
    entities,
    vendorStatus: normalized.vendorStatus,
    tags: normalized.tags,
    source,
  });
}

describe('isPublicIp', () => {
  it('tells public addresses from private, loopback, link-local, CGNAT, multicast and ULA', () => {
    for (const ip of ['8.8.8.8', '203.0.113.50', '185.220.101.4', '2606:4700:4700::1111']) {
      expect(isPublicIp(ip), ip).toBe(true);
    }
    for (const ip of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.10.10',
      '100.64.1.1',
      '224.0.0.251',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd12:3456::1',
      '::ffff:10.1.2.3',
      'not-an-ip',
      '',
    ]) {
      expect(isPublicIp(ip), ip).toBe(false);
    }
    expect(isPublicIp('172.32.0.1')).toBe(true);
  });
});

describe('incidentIntel', () => {
  it('lists hashes, public IPs, public domains and URLs with links; skips internal ones', () => {
    const incident = incidentFixture({
      entities: {
        ...emptyEntities(),
        hosts: ['ws-fin-014.corp.example.com', 'DC01'],
        users: ['j.doe@example.com'],
        ips: ['10.20.30.40', '185.220.101.4', '127.0.0.1', '185.220.101.4'],
        files: [
          {
            path: 'C:\\Temp\\a.exe',
            sha256: SHA256.toUpperCase(),
            sha1: 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
          },
          { path: 'C:\\Temp\\b.exe', md5: '44d88612fea8a8f36de82e1278abb02f', sha256: 'not-a-hash' },
        ],
        domains: ['evil-c2.net', 'fileserver.corp.local', 'mail.example.com', 'ws-fin-014.corp.example.com'],
        urls: [
          'https://payload.bad-domain.xyz/stage2.ps1',
          'http://intranet.corp.local/wiki',
          'http://10.0.0.5/x',
          'ftp://files.bad-domain.xyz/y',
          'not a url',
        ],
      },
    });
    const intel = incidentIntel(incident, []);
    expect(intel.map((i) => [i.kind, i.value])).toEqual([
      ['sha256', SHA256],
      ['sha1', 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
      ['md5', '44d88612fea8a8f36de82e1278abb02f'],
      ['ip', '185.220.101.4'],
      ['domain', 'evil-c2.net'],
      ['domain', 'payload.bad-domain.xyz'],
      ['url', 'https://payload.bad-domain.xyz/stage2.ps1'],
    ]);
    expect(intel.every((i) => i.verdict === null)).toBe(true);

    const sha = intel[0]!;
    expect(sha.links).toEqual([
      { label: 'VirusTotal', url: `https://www.virustotal.com/gui/file/${SHA256}` },
      { label: 'MalwareBazaar', url: `https://bazaar.abuse.ch/browse.php?search=sha256%3A${SHA256}` },
      { label: 'Hybrid Analysis', url: `https://www.hybrid-analysis.com/search?query=${SHA256}` },
    ]);
    expect(intel.find((i) => i.kind === 'ip')!.links.map((l) => l.url)).toEqual([
      'https://www.virustotal.com/gui/ip-address/185.220.101.4',
      'https://www.abuseipdb.com/check/185.220.101.4',
      'https://www.shodan.io/host/185.220.101.4',
    ]);
    // VirusTotal names URLs by their unpadded base64url.
    const url = intel.find((i) => i.kind === 'url')!;
    expect(url.links[0]!.url).toBe(
      `https://www.virustotal.com/gui/url/${Buffer.from(url.value).toString('base64url')}`,
    );
    expect(url.links[0]!.url).not.toMatch(/=$/);
    for (const item of intel) for (const l of item.links) expect(l.url).toMatch(/^https:\/\//);
  });

  it('is empty for an incident with nothing to look up, and capped for a flood of values', () => {
    expect(incidentIntel(incidentFixture(), [])).toEqual([]);
    const flood = incidentFixture({
      entities: {
        ...emptyEntities(),
        ips: Array.from({ length: 200 }, (_, i) => `185.220.${String(Math.floor(i / 250))}.${String(i + 1)}`),
      },
    });
    expect(incidentIntel(flood, [])).toHaveLength(MAX_INTEL);
  });

  it('encodes values in links so a crafted value cannot change the address', () => {
    const links = lookupLinks('domain', 'a.com/../../x?y=1#z');
    expect(links[0]!.url).toBe('https://www.virustotal.com/gui/domain/a.com%2F..%2F..%2Fx%3Fy%3D1%23z');
  });
});

describe('vendor verdicts', () => {
  const s1Source = { kind: 'sentinelone', id: 's1', name: 'S1' } as const;

  it('SentinelOne threat: the engine confidence with the classification, for the threat file hash', () => {
    const threat = s1Fixture('threat_v21_unresolved.json');
    const incident = fromNormalized(mapSentinelOneThreat(threat, { consoleBaseUrl: null })!, s1Source);
    const intel = incidentIntel(incident, [event(threat, { sourceKind: 'sentinelone' })]);
    expect(intel).toContainEqual(
      expect.objectContaining({
        kind: 'sha1',
        value: 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
        verdict: 'malicious (Trojan)',
      }),
    );
  });

  it('SentinelOne threat: an analyst verdict wins, and the newest event is the current one', () => {
    const threat = s1Fixture('threat_v21_unresolved.json');
    const older = structuredClone(threat);
    (threat.threatInfo as Json).analystVerdict = 'false_positive';
    const incident = fromNormalized(mapSentinelOneThreat(threat, { consoleBaseUrl: null })!, s1Source);
    // Raw events arrive newest first.
    const intel = incidentIntel(incident, [event(threat), event(older, { id: 'evt_0' })]);
    expect(intel.find((i) => i.kind === 'sha1')?.verdict).toBe('analyst: false positive (Trojan)');
  });

  it('SentinelOne alert: a threat-intel match for its indicator value', () => {
    const alert = fixtureAlert();
    Object.assign(alert.alertInfo as Json, {
      tiIndicatorType: 'IPV4',
      tiIndicatorValue: '185.220.101.4',
      tiIndicatorSource: 'Reversing Labs',
    });
    const incident = fromNormalized(mapSentinelOneAlert(alert, { consoleBaseUrl: null })!, s1Source);
    const intel = incidentIntel(incident, [event(alert)]);
    expect(intel.find((i) => i.kind === 'ip')).toMatchObject({
      value: '185.220.101.4',
      verdict: 'threat-intel match (Reversing Labs)',
    });
  });

  it('Deep Instinct: events are malicious files with the action, suspicious events suspicious', () => {
    const fixtures = join(import.meta.dirname, '..', 'fixtures', 'deepinstinct');
    const listing = JSON.parse(
      readFileSync(join(fixtures, 'events_after_event_id_response.json'), 'utf8'),
    ) as {
      events: Json[];
    };
    const raw = listing.events[0]!;
    const source = { kind: 'deepinstinct', id: 'di', name: 'DI' } as const;
    const incident = fromNormalized(mapDeepInstinctEvent(raw, { stream: 'events' })!, source);
    expect(incidentIntel(incident, [event(raw)])).toEqual([
      expect.objectContaining({ kind: 'sha256', value: SHA256, verdict: 'malicious (prevented)' }),
    ]);

    const suspicious = fromNormalized(mapDeepInstinctEvent(raw, { stream: 'suspicious' })!, source);
    expect(incidentIntel(suspicious, [event(raw)])[0]?.verdict).toBe('suspicious (prevented)');
  });

  it('gives no verdict from a webhook alert or from a body that is not JSON', () => {
    const incident = incidentFixture({
      entities: { ...emptyEntities(), files: [{ path: 'x', sha256: SHA256 }] },
    });
    const intel = incidentIntel(incident, [
      event({ threatInfo: { sha256: SHA256, confidenceLevel: 'malicious' } }),
    ]);
    expect(intel[0]?.verdict).toBeNull();
    const s1 = { ...incident, source: { kind: 'sentinelone', id: 's1', name: 'S1' } as const };
    expect(incidentIntel(s1, [event('{not json'), event('plain text')])[0]?.verdict).toBeNull();
  });
});
