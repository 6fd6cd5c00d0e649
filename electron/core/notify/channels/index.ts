/** One adapter factory per channel kind. */
import type { ChannelConfig } from '../../../../shared/config';
import type { ChannelAdapter } from '../channel-adapter';
import { createDesktopAdapter } from './desktop';
import type { DesktopNotifier } from './desktop';
import { createEmailAdapter } from './email';
import { createMattermostAdapter } from './mattermost';
import { createTeamsAdapter } from './teams';
import { createTelegramAdapter } from './telegram';
import { createWhatsAppAdapter } from './whatsapp';

export interface AdapterDeps {
  /** How this shell shows a desktop notification (Electron's Notification, node-notifier headless). */
  desktop: DesktopNotifier;
}

export function createAdapter(channel: ChannelConfig, deps: AdapterDeps): ChannelAdapter {
  switch (channel.kind) {
    case 'telegram':
      return createTelegramAdapter(channel);
    case 'teams':
      return createTeamsAdapter(channel);
    case 'mattermost':
      return createMattermostAdapter(channel);
    case 'email':
      return createEmailAdapter(channel);
    case 'whatsapp':
      return createWhatsAppAdapter(channel);
    case 'desktop':
      return createDesktopAdapter(channel, deps.desktop);
  }
}
