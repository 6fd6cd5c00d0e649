import type { Db } from '../database';

export type TelegramChatState = 'pending' | 'approved' | 'ignored' | 'blocked';

export interface TelegramChat {
  chatId: string;
  title: string;
  state: TelegramChatState;
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

interface Row {
  chat_id: string;
  title: string;
  state: string;
  requested_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

const toChat = (row: Row): TelegramChat => ({
  chatId: row.chat_id,
  title: row.title,
  state: row.state as TelegramChatState,
  requestedAt: row.requested_at,
  decidedAt: row.decided_at,
  decidedBy: row.decided_by,
});

/** Chats that asked to receive a Telegram channel's incidents, and what the admin decided. */
export function createTelegramChatsRepo(db: Db) {
  const get = db.prepare<[string, string], Row>(
    'SELECT * FROM telegram_chats WHERE channel_id = ? AND chat_id = ?',
  );
  const list = db.prepare<[string], Row>(
    'SELECT * FROM telegram_chats WHERE channel_id = ? ORDER BY requested_at',
  );
  const upsert = db.prepare<[string, string, string, string, string, string | null, string | null]>(`
    INSERT INTO telegram_chats (channel_id, chat_id, title, state, requested_at, decided_at, decided_by)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (channel_id, chat_id) DO UPDATE SET title = excluded.title, state = excluded.state,
      decided_at = excluded.decided_at, decided_by = excluded.decided_by`);
  return {
    get(channelId: string, chatId: string): TelegramChat | null {
      const row = get.get(channelId, chatId);
      return row ? toChat(row) : null;
    },
    list(channelId: string): TelegramChat[] {
      return list.all(channelId).map(toChat);
    },
    save(channelId: string, chat: TelegramChat): void {
      upsert.run(
        channelId,
        chat.chatId,
        chat.title,
        chat.state,
        chat.requestedAt,
        chat.decidedAt,
        chat.decidedBy,
      );
    },
  };
}

export type TelegramChatsRepo = ReturnType<typeof createTelegramChatsRepo>;
