/** MaxPatrol incident card (+ events) -> NormalizedIncident, and MaxPatrol's zone-less GMT+0 timestamps. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MaxPatrolEvent } from '../../electron/core/ingest/mappers/maxpatrol';
import {
  mapMaxPatrolIncident,
  maxPatrolCardSchema,
  maxPatrolEventsSchema,
  maxPatrolListSchema,
  parseMaxPatrolTime,
} from '../../electron/core/ingest/mappers/maxpatrol';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'maxpatrol');
const read = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

const card = maxPatrolCardSchema.parse(read('incident_card.RECONSTRUCTED.json'));
const events = maxPatrolEventsSchema.parse(read('incident_events.RECONSTRUCTED.json'));
const CONSOLE = 'https://siem.example.local';

// A zone other than UTC makes a Date.parse of a zone-less time (local time) land on another instant.
const originalTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Asia/Yekaterinburg';
});
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

function withCard(overrides: Record<string, unknown>, evts: MaxPatrolEvent[] = []) {
  return mapMaxPatrolIncident({ ...card, ...overrides }, evts, { consoleBaseUrl: CONSOLE });
}

describe('mapMaxPatrolIncident', () => {
  it('maps the recorded card and its events', () => {
    const incident = mapMaxPatrolIncident(card, events, { consoleBaseUrl: `${CONSOLE}/` });
    expect(incident).toMatchObject({
      fingerprint: 'maxpatrol|00000000-0000-0000-0000-000000000001',
      fingerprintScope: 'vendor',
      vendorId: '00000000-0000-0000-0000-000000000001',
      consoleUrl: `${CONSOLE}/#/incident/incidents/view/00000000-0000-0000-0000-000000000001`,
      title: 'Example_Correlation_Rule_Name',
      severity: 'high',
      category: 'Attack',
      vendorStatus: 'New',
      // `detected` is when it happened; `created` is when the Core opened the incident.
      occurredAt: '2024-05-01T10:15:29.000Z',
    });
    expect(incident.tags).toContain('INC-12345');
    expect(incident.entities.hosts).toEqual(['srv-01']);
    expect(incident.entities.ips).toEqual(['203.0.113.10', '10.0.0.5']);
    expect(incident.entities.users).toEqual(['user@DOMAIN']);
    expect(incident.description).toContain('Correlation rules: Example_Correlation_Rule_Name');
    expect(incident.description).toContain('Assigned on the Core to: Ivan Ivanov');
    expect(incident.description).toContain('Events (first 1):');
    expect(incident.description).toContain('- 2024-05-01T10:15:28.000Z: <normalized event text');
  });

  it.each([
    ['Low', false, 'low'],
    ['Medium', false, 'medium'],
    ['High', false, 'high'],
    ['High', true, 'critical'],
    ['Medium', true, 'medium'],
    ['low', false, 'low'],
    ['Unknown', false, 'medium'],
    [undefined, false, 'medium'],
  ] as const)('severity %s (confirmed %s) -> %s', (severity, isConfirmed, expected) => {
    expect(withCard({ severity, isConfirmed }).severity).toBe(expected);
  });

  it('falls back to the list row when the card lacks fields, and to created when nothing was detected', () => {
    const row = maxPatrolListSchema.parse(read('incidents_list_response.RECONSTRUCTED.json')).incidents[0]!;
    const incident = mapMaxPatrolIncident({ id: row.id }, [], { consoleBaseUrl: CONSOLE, listItem: row });
    expect(incident).toMatchObject({
      title: 'Example_Correlation_Rule_Name',
      severity: 'high',
      category: 'Attack',
      vendorStatus: 'New',
      occurredAt: '2024-05-01T10:15:30.123Z',
    });
    expect(incident.description).toBe('MaxPatrol incident');
  });

  it('reads entities from structured event fields, flat or nested, and IPs in the event text', () => {
    const incident = withCard({ targets: null, attackers: null }, [
      {
        id: 'e1',
        date: '2024-05-01T10:00:00.0000000Z',
        description: 'Logon from 198.51.100.7 failed; version 1.2.3 ignored',
        'src.ip': '198.51.100.7',
        'dst.host': 'dc-01.corp.local',
        'subject.account.name': 'CORP\\admin',
        'object.process.name': 'mimikatz.exe',
      },
      {
        id: 'e2',
        date: '2024-05-01T10:00:01Z',
        description: 'File written',
        dst: { ip: '10.1.1.1', host: '10.1.1.2' },
        object: { path: 'C:\\Temp\\dump.bin' },
      },
    ]);
    expect(incident.entities.ips).toEqual(['198.51.100.7', '10.1.1.1', '10.1.1.2']);
    expect(incident.entities.hosts).toEqual(['dc-01.corp.local']);
    expect(incident.entities.users).toEqual(['CORP\\admin']);
    expect(incident.entities.processes).toEqual(['mimikatz.exe']);
    expect(incident.entities.files).toEqual([{ path: 'C:\\Temp\\dump.bin' }]);
  });

  it('sorts the free-form "others" of targets and attackers by their look', () => {
    const incident = withCard({
      targets: {
        others: [
          { name: 'CORP\\svc_backup' },
          { name: '/etc/shadow' },
          { name: 'https://evil.example/x' },
          { name: '192.0.2.1' },
          { name: 'something vague' },
        ],
        addresses: [{ name: 'not-an-ip' }],
        assets: [{ name: '192.0.2.9' }],
      },
      attackers: {},
    });
    expect(incident.entities.users).toEqual(['CORP\\svc_backup']);
    expect(incident.entities.files).toEqual([{ path: '/etc/shadow' }]);
    expect(incident.entities.urls).toEqual(['https://evil.example/x']);
    expect(incident.entities.ips).toEqual(['192.0.2.9', '192.0.2.1']);
    expect(incident.entities.hosts).toEqual([]);
  });

  it('takes MITRE from explicit fields and from ATT&CK ids in the rule names', () => {
    const incident = withCard({
      correlationRules: [{ correlationName: 'Credential_Dumping_T1003.001' }],
      mitre: { tactics: ['TA0006'], techniques: [{ id: 'T1003' }] },
    });
    expect(incident.mitre).toEqual({ tactics: ['TA0006'], techniques: ['T1003', 'T1003.001'] });
    expect(withCard({}).mitre).toEqual({ tactics: [], techniques: [] });
  });

  it('summarises events briefly and tolerates odd shapes', () => {
    const long = 'x'.repeat(500);
    const incident = withCard({ description: '', assigned: 'nobody', correlationRules: 'n/a' }, [
      { id: 'e1', date: 'garbage', description: long },
      { id: 'e2' },
    ]);
    expect(incident.description).toContain('Events (first 2):');
    expect(incident.description).toContain(`- garbage: ${'x'.repeat(199)}…`);
    expect(incident.description).not.toContain('x'.repeat(201));
    expect(incident.description).toContain('- unknown time: e2');
  });
});

describe('parseMaxPatrolTime', () => {
  it('reads a zone-less time as GMT+0 whatever the local zone', () => {
    // Precondition: here a naive parse would be wrong, so this test can fail.
    expect(Date.parse('2024-05-01T10:15:30')).not.toBe(Date.UTC(2024, 4, 1, 10, 15, 30));
    expect(parseMaxPatrolTime('2024-05-01T10:15:30.1234567')).toEqual({
      iso: '2024-05-01T10:15:30.123Z',
      key: '2024-05-01T10:15:30.1234567Z',
    });
    expect(parseMaxPatrolTime('2024-05-01 10:15:30')?.iso).toBe('2024-05-01T10:15:30.000Z');
  });

  it('keeps the 100 ns precision in the key and honours explicit offsets', () => {
    expect(parseMaxPatrolTime('2024-05-01T10:15:30.1234567Z')?.key).toBe('2024-05-01T10:15:30.1234567Z');
    expect(parseMaxPatrolTime('2024-05-01T10:15:30.5Z')?.key).toBe('2024-05-01T10:15:30.5000000Z');
    expect(parseMaxPatrolTime('2024-05-01T13:15:30.000+03:00')?.iso).toBe('2024-05-01T10:15:30.000Z');
    expect(parseMaxPatrolTime('2024-05-01T05:15:30-0500')?.iso).toBe('2024-05-01T10:15:30.000Z');
    const a = parseMaxPatrolTime('2024-05-01T10:15:30.1234567Z')!.key;
    const b = parseMaxPatrolTime('2024-05-01T10:15:30.1234568Z')!.key;
    expect(a < b).toBe(true);
  });

  it('refuses what is not a time', () => {
    for (const value of ['yesterday', '2024-02-31T00:00:00Z', '2024-05-01', '', 1714558530, null]) {
      expect(parseMaxPatrolTime(value)).toBeNull();
    }
  });
});
