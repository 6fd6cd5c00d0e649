/** Deep Instinct events and suspicious events -> incidents, from the recorded payloads. */
import { describe, expect, it } from 'vitest';

import type { Severity } from '../../shared/domain';
import {
  deepInstinctDedupKey,
  deepInstinctSeverity,
  mapDeepInstinctEvent,
} from '../../electron/core/ingest/mappers/deepinstinct';
import {
  deepInstinctApiBase,
  parseDeepInstinctCursor,
} from '../../electron/core/sources/vendors/deepinstinct';
import type { DiRecord } from '../helpers/fake-deepinstinct';
import { deepInstinctFixture, fixtureEvents, fixtureSuspiciousEvents } from '../helpers/fake-deepinstinct';

const [closedEvent, openEvent] = fixtureEvents() as [DiRecord, DiRecord];
const device = deepInstinctFixture('device_response.json');

describe('mapDeepInstinctEvent', () => {
  it('maps the recorded event with its device', () => {
    const incident = mapDeepInstinctEvent(closedEvent, { stream: 'events', device })!;
    expect(incident).toMatchObject({
      fingerprint: 'deepinstinct|1',
      fingerprintScope: 'vendor',
      vendorId: '1',
      consoleUrl: null,
      title: 'Malicious file blocked: file.exe on Mock_2020-04-09 17:49:39.408405_1',
      severity: 'medium',
      category: 'STATIC_ANALYSIS',
      vendorStatus: 'CLOSED',
      occurredAt: '2020-04-09T14:49:41.170Z',
      tags: ['deepinstinct', 'STATIC_ANALYSIS'],
      mitre: { tactics: [], techniques: [] },
    });
    expect(incident.entities).toEqual({
      hosts: ['Mock_2020-04-09 17:49:39.408405_1'],
      users: [],
      ips: ['192.168.88.80'],
      files: [
        {
          path: 'c:\\temp\\file.exe',
          sha256: 'd1838b541ff7ffe6489d120d89dfa855665fd2c708491f336c7267069387053f',
        },
      ],
      processes: [],
      urls: [],
      domains: [],
    });
    const lines = incident.description.split('\n');
    expect(lines[0]).toBe('Deep Instinct event 1 (STATIC_ANALYSIS, trigger BRAIN): PREVENTED');
    expect(lines).toEqual(
      expect.arrayContaining([
        'File: c:\\temp\\file.exe',
        'File type: ZIP, 18127052 bytes',
        'SHA-256: d1838b541ff7ffe6489d120d89dfa855665fd2c708491f336c7267069387053f',
        'Device: Mock_2020-04-09 17:49:39.408405_1, device 1',
        'OS: WINDOWS Windows',
        'IP: 192.168.88.80',
        'Group: Windows Default Group',
        'Policy: Windows Default Policy',
        'Tenant: MSP 1 / Tenant 1',
        'Status: CLOSED (CLOSED_BY_ADMIN at 2020-04-12T14:11:39.145856Z)',
      ]),
    );
    // Same hash as the file itself: no separate archive line.
    expect(incident.description).not.toContain('Archive SHA-256');
  });

  it('works from the recorded snapshot alone when the device could not be fetched', () => {
    const incident = mapDeepInstinctEvent(openEvent, { stream: 'events', device: null })!;
    expect(incident.title).toBe('Malicious file blocked: file2.exe on Mock_2020-04-09 17:49:41.170765_1');
    expect(incident.entities.hosts).toEqual(['Mock_2020-04-09 17:49:41.170765_1']);
    expect(incident.entities.ips).toEqual([]);
    expect(incident.vendorStatus).toBe('OPEN');
    expect(incident.description).toContain('Status: OPEN');
  });

  it('takes the host name, IP and logged-in users from the device when the event lacks them', () => {
    const event = { ...openEvent, recorded_device_info: { os: 'WINDOWS' } };
    const incident = mapDeepInstinctEvent(event, {
      stream: 'events',
      device: {
        ...device,
        hostname: 'WS-12',
        ip_address: '10.1.2.3',
        logged_in_users: 'CORP\\alice, CORP\\bob',
      },
    })!;
    expect(incident.title).toBe('Malicious file blocked: file2.exe on WS-12');
    expect(incident.entities.hosts).toEqual(['WS-12']);
    expect(incident.entities.ips).toEqual(['10.1.2.3']);
    expect(incident.entities.users).toEqual(['CORP\\alice', 'CORP\\bob']);
    expect(incident.description).toContain('Logged-in users: CORP\\alice, CORP\\bob');
  });

  it('keeps both names when the device was renamed since the event', () => {
    const incident = mapDeepInstinctEvent(closedEvent, {
      stream: 'events',
      device: { ...device, hostname: 'WS-12-renamed' },
    })!;
    expect(incident.entities.hosts).toEqual(['Mock_2020-04-09 17:49:39.408405_1', 'WS-12-renamed']);
  });

  it('maps a suspicious event with its own fingerprint, rule and MITRE ids', () => {
    const [suspicious] = fixtureSuspiciousEvents() as [DiRecord];
    const incident = mapDeepInstinctEvent(suspicious, { stream: 'suspicious', device })!;
    expect(incident).toMatchObject({
      fingerprint: 'deepinstinct|suspicious|1',
      vendorId: '1',
      title: 'Suspicious script execution detected: powershell.exe on Mock_2020-04-09 17:49:39.408405_1',
      severity: 'high',
      category: 'SUSPICIOUS_SCRIPT_EXECUTION',
      tags: ['deepinstinct', 'SUSPICIOUS_SCRIPT_EXECUTION', 'suspicious'],
      mitre: { tactics: ['TA0002'], techniques: ['T1059.001'] },
      occurredAt: '2020-04-10T09:12:04.000Z',
    });
    expect(incident.description.split('\n')[0]).toBe(
      'Deep Instinct suspicious event 1 (SUSPICIOUS_SCRIPT_EXECUTION, trigger BEHAVIORAL_ANALYSIS): DETECTED',
    );
    expect(incident.description).toContain('Rule: Suspicious PowerShell command line');
    expect(deepInstinctDedupKey('suspicious', 1)).toBe('suspicious:1');
    expect(deepInstinctDedupKey('events', 1)).toBe('1');
  });

  it('collects processes and recorded users when present', () => {
    const incident = mapDeepInstinctEvent(
      {
        ...openEvent,
        process_path: 'c:\\windows\\system32\\cmd.exe',
        parent_process_name: 'winword.exe',
        recorded_device_info: { hostname: 'WS-7', logged_in_users: ['CORP\\carol'] },
      },
      { stream: 'events' },
    )!;
    expect(incident.entities.processes).toEqual(['c:\\windows\\system32\\cmd.exe', 'winword.exe']);
    expect(incident.entities.users).toEqual(['CORP\\carol']);
  });

  it('never breaks on unknown, missing or retyped fields', () => {
    const odd = {
      id: '77',
      type: 42,
      action: null,
      path: ['c:\\a\\one.dll', 'c:\\b\\two.dll'],
      file_hash: 'not-a-hash',
      recorded_device_info: 'gone',
      insertion_timestamp: 'yesterday',
      timestamp: '2024-02-03T04:05:06Z',
      threat_severity: { level: 'HIGH' },
      mitre_classifications: 'T1486 via TA0040',
      brand_new_field: { nested: [1, 2, 3] },
      reoccurrence_count: 3,
      last_reoccurrence: '2024-02-04T00:00:00Z',
    };
    const incident = mapDeepInstinctEvent(odd, { stream: 'events', device: { ip_address: 'not-an-ip' } })!;
    expect(incident).toMatchObject({
      fingerprint: 'deepinstinct|77',
      title: '42 detected: one.dll',
      severity: 'medium',
      category: '42',
      occurredAt: '2024-02-03T04:05:06.000Z',
      vendorStatus: null,
      mitre: { tactics: ['TA0040'], techniques: ['T1486'] },
    });
    expect(incident.entities.files).toEqual([{ path: 'c:\\a\\one.dll' }, { path: 'c:\\b\\two.dll' }]);
    expect(incident.entities.ips).toEqual([]);
    expect(incident.entities.hosts).toEqual([]);
    expect(incident.description).toContain('Reoccurrences: 3, last at 2024-02-04T00:00:00Z');

    const bare = mapDeepInstinctEvent({ id: 5 }, { stream: 'events' })!;
    expect(bare).toMatchObject({
      title: 'Threat detected',
      severity: 'medium',
      occurredAt: null,
      tags: ['deepinstinct'],
    });
    expect(bare.description).toBe('Deep Instinct event 5: no action recorded');
  });

  it('refuses events without a usable id', () => {
    expect(mapDeepInstinctEvent({ type: 'STATIC_ANALYSIS' }, { stream: 'events' })).toBeNull();
    expect(mapDeepInstinctEvent({ id: -1 }, { stream: 'events' })).toBeNull();
    expect(mapDeepInstinctEvent({ id: 'abc' }, { stream: 'events' })).toBeNull();
  });

  it('keeps the hash of an event without a path', () => {
    const incident = mapDeepInstinctEvent({ ...openEvent, path: null }, { stream: 'events' })!;
    expect(incident.entities.files).toEqual([
      {
        path: '(path not recorded)',
        sha256: 'edf34902ff17838b4bc709ff15b5265dd49f652ee75a1adf69df9ae5bc52f960',
      },
    ]);
    expect(incident.title).toBe('Malicious file blocked: ZIP on Mock_2020-04-09 17:49:41.170765_1');
  });
});

describe('deepInstinctSeverity', () => {
  const cases: [unknown, string | undefined, Severity][] = [
    ['VERY_HIGH', 'PREVENTED', 'critical'],
    ['HIGH', 'PREVENTED', 'high'],
    ['MODERATE', 'PREVENTED', 'medium'],
    ['LOW', 'DETECTED', 'low'],
    ['VERY_LOW', 'DETECTED', 'info'],
    ['very high', 'PREVENTED', 'critical'],
    ['Very-Low', 'PREVENTED', 'info'],
    ['NONE', 'PREVENTED', 'medium'],
    ['NONE', 'DETECTED', 'high'],
    [undefined, 'DETECTED', 'high'],
    [null, undefined, 'medium'],
    ['SOMETHING_NEW', 'PREVENTED', 'medium'],
  ];
  it.each(cases)('threat_severity %s with action %s -> %s', (threatSeverity, action, expected) => {
    expect(deepInstinctSeverity({ threat_severity: threatSeverity, action })).toBe(expected);
    expect(
      mapDeepInstinctEvent({ ...closedEvent, threat_severity: threatSeverity, action }, { stream: 'events' })!
        .severity,
    ).toBe(expected);
  });
});

describe('Deep Instinct client helpers', () => {
  it('reads the base URL with or without /api/v1', () => {
    expect(deepInstinctApiBase('https://acme.customers.deepinstinctweb.com')).toBe(
      'https://acme.customers.deepinstinctweb.com/api/v1',
    );
    expect(deepInstinctApiBase('https://acme.customers.deepinstinctweb.com/api/v1/')).toBe(
      'https://acme.customers.deepinstinctweb.com/api/v1',
    );
    expect(deepInstinctApiBase('https://proxy.local:8443/di/')).toBe('https://proxy.local:8443/di/api/v1');
  });

  it('reads stored cursors and refuses unreadable ones', () => {
    expect(parseDeepInstinctCursor(null)).toEqual({ events: 0, suspicious: 0 });
    expect(parseDeepInstinctCursor('{"events":12,"suspicious":3}')).toEqual({ events: 12, suspicious: 3 });
    expect(parseDeepInstinctCursor('{"events":12}')).toEqual({ events: 12, suspicious: 0 });
    expect(parseDeepInstinctCursor('500')).toEqual({ events: 500, suspicious: 0 });
    expect(parseDeepInstinctCursor('{"events":-1}')).toBeNull();
    expect(parseDeepInstinctCursor('not json')).toBeNull();
    expect(parseDeepInstinctCursor('[1,2]')).toBeNull();
  });
});
