import type { Migration } from '../migrations';

/**
 * Incident counts per (status, severity) kept by triggers, so the header,
 * tray and `system.counts` push read a handful of rows instead of scanning
 * every open incident (45 ms at 100k open, on the ingest thread, five times a
 * second under load). Only a change of status or severity touches the table:
 * a duplicate hit (last_seen, count) does not fire the update trigger.
 */
export const m0005Counts: Migration = {
  version: 5,
  name: '0005-counts',
  up(db) {
    db.exec(`
      CREATE TABLE incident_counts (
        status TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (status, severity_rank)
      );

      INSERT INTO incident_counts (status, severity_rank, n)
        SELECT status, severity_rank, count(*) FROM incidents GROUP BY status, severity_rank;

      CREATE TRIGGER incident_counts_insert AFTER INSERT ON incidents BEGIN
        INSERT INTO incident_counts (status, severity_rank, n) VALUES (new.status, new.severity_rank, 1)
          ON CONFLICT (status, severity_rank) DO UPDATE SET n = n + 1;
      END;

      CREATE TRIGGER incident_counts_delete AFTER DELETE ON incidents BEGIN
        UPDATE incident_counts SET n = n - 1 WHERE status = old.status AND severity_rank = old.severity_rank;
        DELETE FROM incident_counts WHERE n <= 0;
      END;

      CREATE TRIGGER incident_counts_update AFTER UPDATE OF status, severity_rank ON incidents
        WHEN old.status IS NOT new.status OR old.severity_rank IS NOT new.severity_rank BEGIN
        UPDATE incident_counts SET n = n - 1 WHERE status = old.status AND severity_rank = old.severity_rank;
        DELETE FROM incident_counts WHERE n <= 0;
        INSERT INTO incident_counts (status, severity_rank, n) VALUES (new.status, new.severity_rank, 1)
          ON CONFLICT (status, severity_rank) DO UPDATE SET n = n + 1;
      END;
    `);
  },
};
