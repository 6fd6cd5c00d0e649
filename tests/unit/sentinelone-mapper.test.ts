/**
 * SentinelOne v2.1 threats and cloud-detection alerts -> NormalizedIncident,
 * on the recorded payloads (tests/fixtures/sentinelone) and on trimmed,
 * extended and broken variants of them.
 */
import { describe, expect, it } from 'vitest';

import {
  mapSentinelOneAlert,
  mapSentinelOneRecord,
  mapSentinelOneThreat,
  readSentinelOneNotification,
  sentinelOneConsoleBase,
  sentinelOneKindOf,
} from '../../electron/core/ingest/mappers/sentinelone';
import type { Json } from '../helpers/fake-sentinelone';
import { fixtureAlert, fixtureThreats, s1Fixture } from '../helpers/fake-sentinelone';

const options = { consoleBaseUrl: 'https://usea1.sentinelone.net' };

function unresolved(): Json {
  return s1Fixture('threat_v21_unresolved.json');
}

function withInfo(threat: Json, info: Json): Json {
  return { ...threat, threatInfo: { ...(threat.threatInfo as Json), ...info } };
}

describe('threats', () => {
  it('maps the recorded unresolved threat field by field', () => {
    const record = mapSentinelOneRecord(unresolved(), options)!;
    expect(record).toMatchObject({
      kind: 'threat',
      id: '1234567890123456789',
      dedupKey: '1234567890123456789@2022-04-06T08:54:17.194122Z',
      updatedAt: '2022-04-06T08:54:17.194122Z',
    });
    expect(record.incident).toEqual({
      fingerprint: 'sentinelone|threat|1234567890123456789',
      fingerprintScope: 'vendor',
      vendorId: '1234567890123456789',
      consoleUrl: 'https://usea1.sentinelone.net/incidents/threats/1234567890123456789/overview',
      title: 'default.exe on test-LINUX',
      description: expect.any(String) as string,
      severity: 'critical',
      category: 'Trojan',
      mitre: { tactics: [], techniques: [] },
      entities: {
        hosts: ['test-LINUX'],
        users: ['test user'],
        ips: ['10.0.0.1', '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6', '81.2.69.143'],
        files: [{ path: 'default.exe', sha1: 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d' }],
        processes: ['default.exe'],
        urls: [],
        domains: [],
      },
      occurredAt: '2022-04-06T08:45:54.519Z',
      vendorStatus: 'unresolved',
      tags: ['sentinelone', 'threat'],
    });
    const description = record.incident!.description;
    expect(description).toContain('Malicious Trojan detected by SentinelOne Cloud on test-LINUX');
    expect(description).toContain('SHA1: aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
    expect(description).toContain('Mitigation: not_mitigated (unquarantine: success, kill: success)');
    expect(description).toContain('Incident status: unresolved; analyst verdict undefined');
  });

  it('maps the recorded resolved threats, with indicators in the description and interface IPs', () => {
    const [first, second] = fixtureThreats().map((t) => mapSentinelOneThreat(t, options)!);
    expect(first).toMatchObject({
      fingerprint: 'sentinelone|threat|715718962991148224',
      title: 'Unconfirmed 123490.crdownload on EC2AMAZ-AJ0KANC',
      severity: 'high',
      category: 'Malware',
      vendorStatus: 'resolved',
      occurredAt: '2019-09-15T12:05:49.095Z',
    });
    // The interface's fe80:: address is link-local noise; 8.8.8.8 is what the recorded agent reported.
    expect(first!.entities).toMatchObject({
      hosts: ['EC2AMAZ-AJ0KANC'],
      users: ['EC2AMAZ-AJ0KANC\\Administrator'],
      ips: ['8.8.8.8'],
      files: [
        {
          path: '\\Device\\HarddiskVolume1\\Users\\Administrator\\Downloads\\Unconfirmed 123490.crdownload',
          sha1: '3395856ce81f2b7382dee72602f798b642f14140',
        },
      ],
      processes: [],
    });
    expect(second!.description).toContain('- [InfoStealer] This binary has keylogging capabilities.');
    expect(second!.description).toContain('Signature: SignedVerified, CHIP DIGITAL GMBH');
  });

  it.each([
    ['malicious, unresolved, not mitigated', { confidenceLevel: 'malicious' }, 'critical'],
    ['malicious but resolved', { incidentStatus: 'resolved' }, 'high'],
    ['malicious, unresolved, mitigated', { mitigationStatus: 'mitigated' }, 'high'],
    ['malicious, mitigated preemptively', { mitigatedPreemptively: true }, 'high'],
    ['suspicious', { confidenceLevel: 'suspicious' }, 'medium'],
    ['n/a', { confidenceLevel: 'n/a' }, 'low'],
    ['no confidence at all', { confidenceLevel: null }, 'low'],
    ['false positive verdict', { analystVerdict: 'false_positive' }, 'info'],
  ])('severity: %s', (_name, info, severity) => {
    expect(mapSentinelOneThreat(withInfo(unresolved(), info), options)!.severity).toBe(severity);
  });

  it('reads MITRE tactics and techniques from indicators', () => {
    const threat = {
      ...unresolved(),
      indicators: [
        {
          category: 'Exploitation',
          description: 'Suspicious PowerShell',
          tactics: [
            {
              name: 'Execution',
              source: 'MITRE',
              techniques: [{ name: 'T1059.001', link: 'https://attack.mitre.org/techniques/T1059/001/' }],
            },
            {
              name: 'Defense Evasion',
              source: 'MITRE',
              techniques: [{ name: '', link: 'https://attack.mitre.org/techniques/T1027/' }],
            },
          ],
        },
        { category: 'General', tactics: [{ name: 'Execution', techniques: [{ name: 'T1059.001' }] }] },
      ],
    };
    expect(mapSentinelOneThreat(threat, options)!.mitre).toEqual({
      tactics: ['Execution', 'Defense Evasion'],
      techniques: ['T1059.001', 'T1027'],
    });
  });

  it('names the domain user as DOMAIN\\user and splits comma-separated agent addresses', () => {
    const threat = {
      ...unresolved(),
      agentDetectionInfo: {
        agentDomain: 'CORP',
        agentLastLoggedInUserName: 'jdoe',
        agentIpV4: '10.1.2.3,10.1.2.4',
        externalIp: '127.0.0.1',
      },
    };
    const entities = mapSentinelOneThreat(threat, options)!.entities;
    expect(entities.users).toEqual(['test user', 'CORP\\jdoe']);
    expect(entities.ips).toEqual([
      '10.1.2.3',
      '10.1.2.4',
      '10.0.0.1',
      '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6',
    ]);
  });

  it('keeps a threat without an updatedAt apart by content', () => {
    const threat = withInfo(unresolved(), { updatedAt: null });
    const key = mapSentinelOneRecord(threat, options)!.dedupKey;
    expect(key).toMatch(/^1234567890123456789@sha256:[0-9a-f]{32}$/);
    expect(
      mapSentinelOneRecord(withInfo(threat, { incidentStatus: 'resolved' }), options)!.dedupKey,
    ).not.toBe(key);
  });
});

describe('cloud-detection alerts', () => {
  it('maps the recorded STAR alert field by field', () => {
    const record = mapSentinelOneRecord(fixtureAlert(), options)!;
    expect(record).toMatchObject({
      kind: 'alert',
      id: '1985998272619999973',
      dedupKey: '1985998272619999973@2024-07-03T03:44:03.128163Z',
      createdAt: '2024-07-03T03:44:03.003000Z',
    });
    expect(record.incident).toMatchObject({
      fingerprint: 'sentinelone|alert|1985998272619999973',
      fingerprintScope: 'vendor',
      vendorId: '1985998272619999973',
      consoleUrl: 'https://usea1.sentinelone.net/alerts/stars/1985998272619999973',
      title: 'test5 on srv-win1',
      severity: 'critical',
      category: 'test5',
      occurredAt: '2024-07-03T03:44:03.003Z',
      vendorStatus: 'Unresolved',
      tags: ['sentinelone', 'alert'],
    });
    const entities = record.incident!.entities;
    expect(entities.hosts).toEqual(['srv-win1']);
    expect(entities.users).toEqual(['NT AUTHORITY\\SYSTEM']);
    expect(entities.files).toEqual([
      {
        path: 'C:\\Windows\\System32\\WINDOWSPOWERSHELL\\V1.0\\powershell.exe',
        sha1: 'a2d8d23854e33984c08dcf8b03edc619c9c5ec69',
        sha256: '75d6634a676fb0bea5bfd8d424e2bd4f685f3885853637ea143b2671a3bb76e9',
        md5: '0bc8a4cd1e07390bafd741e1fc0399a3',
      },
    ]);
    expect(entities.processes).toHaveLength(3);
    expect(entities.processes[0]).toMatch(/^powershell\.exe -ExecutionPolicy Restricted/);
    expect(entities.processes[2]).toBe('\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1');
    expect(record.incident!.description).toContain(
      'STAR rule "test5" (Critical) matched PROCESSCREATION on srv-win1',
    );
    expect(record.incident!.description).toContain('Query: SrcProcName = "powershell.exe"');
  });

  it.each([
    ['High', 'high'],
    ['Medium', 'medium'],
    ['Low', 'low'],
    ['Info', 'info'],
    ['Whatever', 'medium'],
    [null, 'medium'],
  ])('severity %s -> %s', (ruleSeverity, severity) => {
    const alert = fixtureAlert();
    (alert.ruleInfo as Json).severity = ruleSeverity;
    expect(mapSentinelOneAlert(alert, options)!.severity).toBe(severity);
  });

  it('takes network addresses, DNS and threat-intel indicators as entities', () => {
    const alert = fixtureAlert();
    Object.assign(alert.alertInfo as Json, {
      srcIp: '192.0.2.10',
      dstIp: '198.51.100.7',
      dstPort: 443,
      dnsRequest: 'evil.example.net',
      tiIndicatorType: 'URL',
      tiIndicatorValue: 'http://evil.example.net/payload',
    });
    const incident = mapSentinelOneAlert(alert, options)!;
    expect(incident.entities.ips).toEqual(['192.0.2.10', '198.51.100.7']);
    expect(incident.entities.domains).toEqual(['evil.example.net']);
    expect(incident.entities.urls).toEqual(['http://evil.example.net/payload']);
    expect(incident.description).toContain('Network: from 192.0.2.10 to 198.51.100.7:443');
  });
});

describe('robustness', () => {
  it('tells threats, alerts and other objects apart', () => {
    expect(sentinelOneKindOf(unresolved())).toBe('threat');
    expect(sentinelOneKindOf(fixtureAlert())).toBe('alert');
    expect(sentinelOneKindOf({ threatId: '1' })).toBeNull();
    expect(sentinelOneKindOf([unresolved()])).toBeNull();
    expect(mapSentinelOneRecord('text', options)).toBeNull();
  });

  it('degrades gracefully when nearly everything is missing', () => {
    expect(mapSentinelOneThreat({ id: '42', threatInfo: {} }, { consoleBaseUrl: null })).toMatchObject({
      fingerprint: 'sentinelone|threat|42',
      title: 'SentinelOne threat',
      severity: 'low',
      category: null,
      consoleUrl: null,
      occurredAt: null,
      vendorStatus: null,
      entities: { hosts: [], users: [], ips: [], files: [], processes: [], urls: [], domains: [] },
    });
    expect(mapSentinelOneAlert({ alertInfo: { alertId: 7 } }, options)).toMatchObject({
      fingerprint: 'sentinelone|alert|7',
      title: 'SentinelOne alert 7',
      severity: 'medium',
    });
    // No id: nothing to tie an incident to, but still a record to keep raw.
    const anonymous = mapSentinelOneRecord({ threatInfo: { threatName: 'x' } }, options)!;
    expect(anonymous.incident).toBeNull();
    expect(anonymous.dedupKey).toMatch(/^unknown@sha256:/);
  });

  it('ignores unknown fields and wrongly typed ones without throwing', () => {
    const threat = {
      ...unresolved(),
      brandNewSection: { anything: [1, 2, 3] },
      indicators: 'not a list',
      mitigationStatus: [null, 5, { action: 'kill' }],
      agentRealtimeInfo: {
        agentComputerName: ['not', 'a', 'string'],
        networkInterfaces: [{ inet: 'nope' }, null],
      },
      agentDetectionInfo: 'gone',
    };
    const incident = mapSentinelOneThreat(
      withInfo(threat, { filePath: 12, sha1: { x: 1 }, createdAt: 'not a time' }),
      options,
    )!;
    expect(incident.entities.hosts).toEqual([]);
    expect(incident.entities.files).toEqual([{ path: '12' }]);
    expect(incident.occurredAt).toBe('2022-04-06T08:45:53.968Z');
    expect(incident.title).toBe('default.exe');
  });
});

describe('console base URL', () => {
  it.each([
    ['https://usea1.sentinelone.net', 'https://usea1.sentinelone.net'],
    ['https://usea1.sentinelone.net/', 'https://usea1.sentinelone.net'],
    ['https://usea1.sentinelone.net/web/api/v2.1', 'https://usea1.sentinelone.net'],
    ['https://usea1.sentinelone.net/web/api/v2.1/', 'https://usea1.sentinelone.net'],
    ['https://proxy.example.com/s1/web/api/v2.0', 'https://proxy.example.com/s1'],
  ])('%s -> %s', (input, expected) => {
    expect(sentinelOneConsoleBase(input)).toBe(expected);
  });
});

describe('summary notifications', () => {
  it.each([
    [{ threatId: '1234567890123456789' }, ['1234567890123456789']],
    [{ threatIds: ['11', '22', 33] }, ['11', '22', '33']],
    [{ ids: '11,22' }, ['11', '22']],
    [{ id: '55' }, ['55']],
    [{ data: { threatId: '66' } }, ['66']],
    [{ threat: { id: '77', name: 'x' } }, ['77']],
    [{ alertId: '88', id: '99' }, []],
    [{ id: 'not-numeric' }, []],
  ])('%j names threats %j', (notification, ids) => {
    expect(readSentinelOneNotification(notification).threatIds).toEqual(ids);
  });

  it('makes an incident from what a summary says, tied to the threat id when it has one', () => {
    expect(
      readSentinelOneNotification({
        threatId: '123',
        threatName: 'mimikatz.exe',
        computerName: 'ws-7',
        confidenceLevel: 'malicious',
      }).incident,
    ).toMatchObject({
      fingerprint: 'sentinelone|threat|123',
      fingerprintScope: 'vendor',
      title: 'mimikatz.exe on ws-7',
      severity: 'high',
      entities: { hosts: ['ws-7'] },
    });
    expect(readSentinelOneNotification({ message: 'New threat detected' }).incident).toMatchObject({
      fingerprintScope: 'window',
      title: 'New threat detected',
      severity: 'medium',
    });
    expect(readSentinelOneNotification({ threatId: '123' }).incident).toBeNull();
  });
});
