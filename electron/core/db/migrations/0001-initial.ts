import type { Migration } from '../migrations';

export const m0001Initial: Migration = {
  version: 1,
  name: '0001-initial',
  up(db) {
    db.exec(`
      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        source_id TEXT NOT NULL,
        source_name TEXT NOT NULL,
        vendor_id TEXT,
        console_url TEXT,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        severity TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        status TEXT NOT NULL,
        category TEXT,
        mitre TEXT NOT NULL,
        entities TEXT NOT NULL,
        host TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        count INTEGER NOT NULL,
        vendor_status TEXT,
        assignee TEXT,
        tags TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX incidents_fingerprint ON incidents (fingerprint, last_seen);
      CREATE INDEX incidents_last_seen ON incidents (last_seen DESC, id DESC);
      CREATE INDEX incidents_status ON incidents (status, severity_rank);

      CREATE TABLE raw_events (
        id TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        source_id TEXT NOT NULL,
        route TEXT NOT NULL,
        dedup_key TEXT,
        incident_id TEXT REFERENCES incidents (id),
        body TEXT NOT NULL
      );
      CREATE UNIQUE INDEX raw_events_dedup ON raw_events (source_id, dedup_key) WHERE dedup_key IS NOT NULL;
      CREATE INDEX raw_events_incident ON raw_events (incident_id, received_at);
      CREATE INDEX raw_events_received ON raw_events (received_at);

      CREATE TABLE timeline_entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        via TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX timeline_entries_incident ON timeline_entries (incident_id, id);

      CREATE TABLE source_states (
        source_id TEXT PRIMARY KEY,
        cursor TEXT,
        last_success TEXT,
        last_error TEXT,
        last_error_at TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        next_run TEXT,
        events_total INTEGER NOT NULL DEFAULT 0
      );
    `);
  },
};
