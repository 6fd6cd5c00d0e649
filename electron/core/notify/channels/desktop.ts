/**
 * Desktop notifications. The shell supplies the notifier: Electron's native
 * Notification in the app (clicking focuses the incident), node-notifier in
 * the headless shell.
 */
import type { DesktopChannelConfig } from '../../../../shared/config';
import type { SEVERITIES } from '../../../../shared/domain';
import type { ChannelAdapter } from '../channel-adapter';

export interface DesktopNotice {
  incidentId: string;
  title: string;
  body: string;
  severity: (typeof SEVERITIES)[number];
}

export type DesktopNotifier = (notice: DesktopNotice) => Promise<void>;

export function createDesktopAdapter(
  _channel: DesktopChannelConfig,
  notify: DesktopNotifier,
): ChannelAdapter {
  return {
    sendsUpdates: false,
    async send(message) {
      const { incident } = message;
      const host = incident.entities.hosts[0];
      await notify({
        incidentId: incident.id,
        title: `${incident.severity.toUpperCase()}: ${incident.title}`.slice(0, 120),
        body: [host ? `Host ${host}` : null, incident.source.name, incident.description]
          .filter(Boolean)
          .join(' · ')
          .slice(0, 240),
        severity: incident.severity,
      });
      return { refs: [], detail: 'shown on the desktop' };
    },
  };
}
