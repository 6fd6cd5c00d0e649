/**
 * The masked incident detail (`incidents.get` with `masked`): one sanitizer
 * run over every text of the detail, so the real users, hosts, IPs and paths
 * appear nowhere and each keeps one pseudonym across title, entities,
 * timeline, raw bodies and the analysis; ids, times and hashes stay.
 */
import { describe, expect, it } from 'vitest';

import type { Analysis, RawEvent, TimelineEntry } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { incidentDetailSchema } from '../../shared/ipc/contract';
import { incidentIntel } from '../../electron/core/incidents/intel';
import { MASKED_BODY_CHARS, maskDetail } from '../../electron/core/incidents/masked-detail';
import { Sanitizer } from '../../electron/core/sanitizer/sanitizer';
import { incidentFixture } from '../helpers/incidents';

const HOST = 'WS-FIN-014.corp.example.com';
const USER = 'CORP\\j.doe';
const PRIVATE_IP = '10.20.30.40';
const PUBLIC_IP = '185.220.101.4';
const PATH = 'C:\\Users\\j.doe\\AppData\\Local\\Temp\\mimikatz.exe';
const SHA256 = 'ab'.repeat(32);
const REAL = ['ws-fin-014', 'j.doe', PRIVATE_IP, PUBLIC_IP, 'appdata\\local\\temp'];

const sanitizer = () => new Sanitizer(() => ({ enabled: true, classes: [], allow: [] }));

function parts() {
  const incident = incidentFixture({
    fingerprint: `alert|mimikatz|${HOST}|${PRIVATE_IP}`,
    title: `Mimikatz on ${HOST}`,
    description: `${USER} ran ${PATH} on ${HOST}, beaconing to ${PUBLIC_IP} from ${PRIVATE_IP}`,
    assignee: 'j.doe@example.com',
    category: 'credential_access',
    entities: {
      ...emptyEntities(),
      hosts: [HOST],
      users: [USER],
      ips: [PRIVATE_IP, PUBLIC_IP],
      files: [{ path: PATH, sha256: SHA256 }],
    },
  });
  const timeline: TimelineEntry[] = [
    {
      id: 1,
      incidentId: incident.id,
      at: '2026-01-01T00:00:00.000Z',
      actor: 'webhook',
      via: 'webhook',
      action: 'created',
      detail: `alert from ${HOST}`,
    },
    {
      id: 2,
      incidentId: incident.id,
      at: '2026-01-01T00:01:00.000Z',
      actor: 'CORP\\analyst7',
      via: 'ui',
      action: 'status_changed',
      detail: 'new -> acknowledged',
    },
  ];
  const events: RawEvent[] = [
    {
      id: 'evt_1',
      receivedAt: '2026-01-01T00:00:00.000Z',
      sourceKind: 'webhook',
      sourceId: 'hook',
      route: '/api/alert',
      incidentId: incident.id,
      body: JSON.stringify({ target: HOST, ip: PRIVATE_IP, dst: PUBLIC_IP, file: PATH, sha256: SHA256 }),
    },
    {
      id: 'evt_0',
      receivedAt: '2025-12-31T23:59:00.000Z',
      sourceKind: 'webhook',
      sourceId: 'hook',
      route: '/api/logs',
      incidentId: incident.id,
      body: `sshd: Failed password for j.doe from ${PRIVATE_IP} on ${HOST}`,
    },
  ];
  const analysis: Analysis = {
    state: 'done',
    summary: `Credential dumping on ${HOST} by ${USER}.`,
    severityAssessment: { severity: 'high', rationale: `LSASS read on ${HOST}` },
    mitigationSteps: [`Isolate ${HOST}`],
    investigationSteps: [`Check logons from ${PRIVATE_IP}`],
    confidence: 0.8,
    model: 'gpt-test',
    promptTokens: 10,
    completionTokens: 5,
    latencyMs: 100,
    cached: false,
    error: null,
    createdAt: '2026-01-01T00:02:00.000Z',
  };
  return { incident, timeline, events, analysis, intel: incidentIntel(incident, events) };
}

describe('maskDetail', () => {
  it('hides every real user, host, IP and path, and keeps the shape the contract declares', () => {
    const input = parts();
    const detail = maskDetail(input, sanitizer());
    expect(incidentDetailSchema.safeParse(detail).success).toBe(true);
    expect(detail.masked).toBe(true);
    const text = JSON.stringify(detail).toLowerCase();
    for (const real of REAL) expect(text, real).not.toContain(real.toLowerCase().replace(/\\/g, '\\\\'));
    // Nothing was changed in place: the real detail is still real.
    expect(input.incident.title).toBe(`Mimikatz on ${HOST}`);
  });

  it('gives one value one pseudonym across title, entities, timeline, raw bodies and the analysis', () => {
    const detail = maskDetail(parts(), sanitizer());
    const host = detail.incident.entities.hosts[0]!;
    expect(host).toMatch(/^HOST_\d+\.DOMAIN_\d+$/);
    expect(detail.incident.title).toBe(`Mimikatz on ${host}`);
    expect(detail.timeline[0]!.detail).toBe(`alert from ${host}`);
    expect(JSON.parse(detail.events[0]!.body)).toMatchObject({ target: host, sha256: SHA256 });
    expect(detail.events[1]!.body).toContain(host);
    expect(detail.analysis?.summary).toContain(host);
    expect(detail.analysis?.severityAssessment?.rationale).toBe(`LSASS read on ${host}`);
    expect(detail.analysis?.mitigationSteps).toEqual([`Isolate ${host}`]);
    // The analyst's account is a user too.
    expect(detail.timeline[1]!.actor).toMatch(/USER_\d+/);
    expect(detail.incident.assignee).not.toContain('j.doe');
  });

  it('keeps ids, times, severities, the source and hashes readable', () => {
    const input = parts();
    const detail = maskDetail(input, sanitizer());
    expect(detail.incident.id).toBe(input.incident.id);
    expect(detail.incident.source).toEqual(input.incident.source);
    expect(detail.incident.severity).toBe('medium');
    expect(detail.incident.entities.files[0]!.sha256).toBe(SHA256);
    expect(detail.timeline.map((e) => [e.id, e.at, e.via, e.action])).toEqual(
      input.timeline.map((e) => [e.id, e.at, e.via, e.action]),
    );
    expect(detail.events.map((e) => [e.id, e.receivedAt, e.route])).toEqual(
      input.events.map((e) => [e.id, e.receivedAt, e.route]),
    );
  });

  it('keeps intel a masked value would change out of the masked answer (the hash stays)', () => {
    const input = parts();
    expect(input.intel.map((i) => i.kind)).toEqual(['sha256', 'ip']);
    const detail = maskDetail(input, sanitizer());
    expect(detail.intel.map((i) => [i.kind, i.value])).toEqual([['sha256', SHA256]]);
  });

  it('cuts a huge raw body before masking it, and says so', () => {
    const input = parts();
    const huge = `${HOST} `.repeat(Math.ceil((MASKED_BODY_CHARS * 1.5) / (HOST.length + 1)));
    input.events = [{ ...input.events[0]!, body: huge }];
    const detail = maskDetail(input, sanitizer());
    const body = detail.events[0]!.body;
    expect(body.toLowerCase()).not.toContain('ws-fin-014');
    expect(body).toMatch(/…\[\d+ more characters not shown masked\]$/);
  });

  it('passes a null analysis through', () => {
    const detail = maskDetail({ ...parts(), analysis: null }, sanitizer());
    expect(detail.analysis).toBeNull();
  });
});
