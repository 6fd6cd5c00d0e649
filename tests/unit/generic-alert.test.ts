import { describe, expect, it } from 'vitest';

import { genericAlertSchema, normalizeGenericAlert } from '../../electron/core/ingest/mappers/generic-alert';
import { DemoGenerator } from '../../electron/core/sources/demo-feed';
import { ManualClock } from '../../electron/core/clock';
import { SEVERITIES } from '../../shared/domain';

describe('generic alert format', () => {
  it('maps the documented fields to an incident', () => {
    const alert = genericAlertSchema.parse({
      ip: '203.0.113.9',
      type: 'ssh_bruteforce',
      severity: 'HIGH',
      timestamp: 1767225600,
      rule: 'SSH brute force',
      source_log: 'Failed password for root from 203.0.113.9',
      target: 'web-01',
      extra: { kept: 'in raw body' },
    });
    const incident = normalizeGenericAlert(alert);
    expect(incident).toMatchObject({
      title: 'SSH brute force on web-01',
      severity: 'high',
      category: 'ssh_bruteforce',
      description: 'Failed password for root from 203.0.113.9',
      occurredAt: '2026-01-01T00:00:00.000Z',
      entities: { ips: ['203.0.113.9'], hosts: ['web-01'] },
    });
    expect(incident.fingerprint).toBe('alert|SSH brute force|web-01|203.0.113.9');
  });

  it('does not name the target twice when the rule already names it', () => {
    const title = (fields: Record<string, unknown>) =>
      normalizeGenericAlert(genericAlertSchema.parse({ type: 'malware', ...fields })).title;
    expect(title({ rule: 'Mimikatz on ws-fin-02', target: 'ws-fin-02.corp.local' })).toBe(
      'Mimikatz on ws-fin-02',
    );
    expect(title({ rule: 'Beacon from WS-FIN-02.corp.local', target: 'ws-fin-02.corp.local' })).toBe(
      'Beacon from WS-FIN-02.corp.local',
    );
    expect(title({ rule: 'Scan by 203.0.113.9', ip: '203.0.113.9' })).toBe('Scan by 203.0.113.9');
    // A longer name that merely starts with the host's short name does not count.
    expect(title({ rule: 'Mimikatz on ws-fin-021', target: 'ws-fin-02.corp.local' })).toBe(
      'Mimikatz on ws-fin-021 on ws-fin-02.corp.local',
    );
    expect(title({ rule: 'Mimikatz on xws-fin-02', target: 'ws-fin-02.corp.local' })).toBe(
      'Mimikatz on xws-fin-02 on ws-fin-02.corp.local',
    );
    // A later mention counts even when an earlier one was part of a longer name.
    expect(title({ rule: 'ws-fin-021 reached ws-fin-02', target: 'ws-fin-02.corp.local' })).toBe(
      'ws-fin-021 reached ws-fin-02',
    );
    expect(title({ rule: 'Port scan', ip: '203.0.113.9' })).toBe('Port scan from 203.0.113.9');
  });

  it('explains what is wrong with a bad alert', () => {
    const bad = genericAlertSchema.safeParse({
      type: '',
      severity: 'apocalyptic',
      ip: 'not-an-ip',
      timestamp: 'soon',
    });
    expect(bad.success).toBe(false);
    const keys = bad.error!.issues.map((i) => i.path.join('.'));
    expect(keys).toEqual(expect.arrayContaining(['type', 'severity', 'ip', 'timestamp']));
  });

  it('accepts a minimal alert with a default severity', () => {
    expect(normalizeGenericAlert(genericAlertSchema.parse({ type: 'port_scan' })).severity).toBe('medium');
  });
});

describe('demo feed generator', () => {
  it('is deterministic for a seed and covers every severity with vendor-shaped bodies', () => {
    const source = { kind: 'demo' as const, id: 'demo', name: 'Demo feed' };
    const a = new DemoGenerator(42, new ManualClock());
    const b = new DemoGenerator(42, new ManualClock());
    const first = Array.from({ length: 200 }, () => a.next(source));
    const second = Array.from({ length: 200 }, () => b.next(source));
    expect(first.map((e) => e.incident?.title)).toEqual(second.map((e) => e.incident?.title));
    expect(new Set(first.map((e) => e.incident?.severity))).toEqual(new Set(SEVERITIES));
    expect(new Set(first.map((e) => (JSON.parse(e.body) as { vendor: string }).vendor)).size).toBe(3);
    expect(new Set(first.map((e) => e.dedupKey)).size).toBe(200);
    // Some events repeat an earlier fingerprint, so grouping shows in the demo.
    expect(new Set(first.map((e) => e.incident?.fingerprint)).size).toBeLessThan(200);
  });

  it('gives fresh events distinct fingerprints, whatever the seed', () => {
    const source = { kind: 'demo' as const, id: 'demo', name: 'Demo feed' };
    for (let seed = 0; seed < 200; seed++) {
      const generator = new DemoGenerator(seed, new ManualClock());
      const burst = Array.from({ length: 6 }, () => generator.next(source, true));
      expect(new Set(burst.map((e) => e.incident?.fingerprint)).size).toBe(6);
    }
  });
});
