import { describe, expect, it } from 'vitest';

import { incidentNotice } from '../../electron/main/notifications';

function changed(change: string, severity: string, host: string | null = 'WS-042') {
  return {
    change,
    item: {
      id: 'inc-1',
      source: { kind: 'demo', id: 'demo', name: 'Demo' },
      title: 'Ransomware behaviour detected',
      severity,
      status: 'new',
      category: null,
      firstSeen: '2025-01-01T00:00:00Z',
      lastSeen: '2025-01-01T00:00:00Z',
      count: 1,
      assignee: null,
      host,
    },
  };
}

describe('incidentNotice', () => {
  it('announces a newly created critical or high incident with its title and host', () => {
    expect(incidentNotice(changed('created', 'critical'))).toEqual({
      title: 'Vigil: critical incident',
      body: 'Ransomware behaviour detected\nHost: WS-042',
      incidentId: 'inc-1',
      severity: 'critical',
    });
    expect(incidentNotice(changed('created', 'high', null))?.body).toBe(
      'Ransomware behaviour detected\nHost: unknown',
    );
  });

  it.each([
    ['updated', 'critical'],
    ['duplicate', 'critical'],
    ['created', 'medium'],
    ['created', 'low'],
    ['created', 'info'],
  ])('stays quiet for %s / %s', (change, severity) => {
    expect(incidentNotice(changed(change, severity))).toBeNull();
  });

  it('ignores malformed payloads and clips very long titles', () => {
    expect(incidentNotice(null)).toBeNull();
    expect(incidentNotice({ change: 'created' })).toBeNull();
    const long = changed('created', 'high');
    long.item.title = 'A'.repeat(5000);
    expect(incidentNotice(long)?.body.length).toBeLessThan(250);
  });
});
