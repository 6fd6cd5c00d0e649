import type { Migration } from '../migrations';

/**
 * The durable outbox (one entry per incident x channel x purpose), its
 * delivery log, channel health, and Telegram's chats and sent messages.
 */
export const m0003Outbox: Migration = {
  version: 3,
  name: '0003-outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id TEXT REFERENCES incidents (id),
        channel_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT
      );
      CREATE INDEX outbox_due ON outbox (state, channel_id, next_attempt_at);
      CREATE UNIQUE INDEX outbox_once ON outbox (incident_id, channel_id) WHERE purpose = 'incident';

      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        outbox_id INTEGER NOT NULL REFERENCES outbox (id),
        channel_id TEXT NOT NULL,
        at TEXT NOT NULL,
        ok INTEGER NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX deliveries_channel ON deliveries (channel_id, id);

      CREATE TABLE channel_states (
        channel_id TEXT PRIMARY KEY,
        last_delivery TEXT,
        last_error TEXT,
        last_error_at TEXT,
        delivered_total INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE sent_messages (
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        channel_id TEXT NOT NULL,
        address TEXT NOT NULL,
        message_ref TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (incident_id, channel_id, address)
      );

      CREATE TABLE telegram_chats (
        channel_id TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        decided_at TEXT,
        decided_by TEXT,
        PRIMARY KEY (channel_id, chat_id)
      );

      CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
