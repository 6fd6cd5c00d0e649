import { describe, expect, it } from 'vitest';

import { builtInNotificationsActive, incidentNotice } from '../../electron/main/notifications';
import { parseConfig } from '../../shared/config';

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

describe('builtInNotificationsActive', () => {
  const channel = (kind: string, enabled = true) => ({ kind, enabled });

  it('keeps the built-in rule while no desktop channel is configured', () => {
    expect(builtInNotificationsActive({ channels: [] })).toBe(true);
    expect(builtInNotificationsActive({ channels: [channel('telegram'), channel('mattermost')] })).toBe(true);
  });

  it('keeps it while the only desktop channels are disabled', () => {
    expect(builtInNotificationsActive({ channels: [channel('desktop', false), channel('teams')] })).toBe(
      true,
    );
  });

  it('hands desktop notifications to routing once a desktop channel is enabled', () => {
    expect(builtInNotificationsActive({ channels: [channel('desktop')] })).toBe(false);
    expect(
      builtInNotificationsActive({
        channels: [channel('email'), channel('desktop', false), channel('desktop', true)],
      }),
    ).toBe(false);
  });

  it('reads a real config document, where a desktop channel is enabled by default', () => {
    expect(builtInNotificationsActive(parseConfig({}))).toBe(true);
    expect(
      builtInNotificationsActive(
        parseConfig({ channels: [{ id: 'desk', kind: 'desktop', name: 'Desktop' }] }),
      ),
    ).toBe(false);
  });
});
