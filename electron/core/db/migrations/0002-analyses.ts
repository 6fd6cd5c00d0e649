import type { Migration } from '../migrations';

/**
 * AI analyses and the daily token ledger. An analysis keeps the model's
 * answer as it was given (with pseudonyms) next to the pseudonym map that
 * restores it, so real values never need to be sent again to re-read one.
 */
export const m0002Analyses: Migration = {
  version: 2,
  name: '0002-analyses',
  up(db) {
    db.exec(`
      CREATE TABLE analyses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        fingerprint TEXT NOT NULL,
        state TEXT NOT NULL,
        answer TEXT,
        pseudonym_map TEXT NOT NULL DEFAULT '{}',
        model TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        latency_ms INTEGER,
        cached INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX analyses_incident ON analyses (incident_id, id);
      CREATE INDEX analyses_fingerprint_done ON analyses (fingerprint, id) WHERE state = 'done';
      CREATE INDEX analyses_pending ON analyses (state) WHERE state = 'pending';

      CREATE TABLE ai_usage (
        day TEXT PRIMARY KEY,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0
      );
    `);
  },
};
