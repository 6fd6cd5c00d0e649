/** Telegram two-way bots: being written; until then there is no bot and no chat to decide on. */
import type { TelegramChat, TelegramChatState } from '../db/repos/telegram-chats-repo';
import type { Service, ServiceState } from '../service-host';

export class TelegramBotService implements Service {
  readonly name = 'telegram';
  state: ServiceState = 'stopped';

  start(): Promise<void> {
    this.state = 'running';
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.state = 'stopped';
    return Promise.resolve();
  }

  chats(_channelId: string): TelegramChat[] {
    return [];
  }

  decide(
    _channelId: string,
    _chatId: string,
    _decision: Exclude<TelegramChatState, 'pending'>,
    _by: string,
  ): boolean {
    return false;
  }
}
