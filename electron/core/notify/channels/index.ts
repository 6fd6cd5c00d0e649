/** One adapter factory per channel kind. */
import type { ChannelConfig } from '../../../../shared/config';
import type { ChannelAdapter } from '../channel-adapter';
import { createDesktopAdapter } from './desktop';
import type { DesktopNotifier } from './desktop';
import { createEmailAdapter } from './email';
import { createMattermostAdapter } from './mattermost';
import { createTeamsAdapter } from './teams';
import { createTelegramAdapter } from './telegram';
import type { TelegramAdapterDeps } from './telegram';
import type { SendThrottle } from '../whatsapp/throttle';
import { createWhatsAppAdapter } from './whatsapp';

export interface AdapterDeps {
  /** How this shell shows a desktop notification (Electron's Notification, node-notifier headless). */
  desktop: DesktopNotifier;
  /** The Telegram bot service's view of approved chats and the time zone (TelegramBotService.adapterDeps). */
  telegram?: TelegramAdapterDeps;
  /** Spaces WhatsApp messages per sender across deliveries (the outbox creates an adapter per delivery). */
  whatsappThrottle?: SendThrottle;
}

export function createAdapter(channel: ChannelConfig, deps: AdapterDeps): ChannelAdapter {
  switch (channel.kind) {
    case 'telegram':
      return createTelegramAdapter(channel, deps.telegram);
    case 'teams':
      return createTeamsAdapter(channel);
    case 'mattermost':
      return createMattermostAdapter(channel);
    case 'email':
      return createEmailAdapter(channel);
    case 'whatsapp':
      return createWhatsAppAdapter(channel, deps.whatsappThrottle);
    case 'desktop':
      return createDesktopAdapter(channel, deps.desktop);
  }
}
