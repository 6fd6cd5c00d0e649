import type { TimelineEntry, Via } from '../../../../shared/domain';
import type { Db } from '../database';

interface TimelineRow {
  id: number;
  incident_id: string;
  at: string;
  actor: string;
  via: string;
  action: string;
  detail: string | null;
}

export type NewTimelineEntry = Omit<TimelineEntry, 'id'>;

export function createTimelineRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string, string, string | null]>(
    'INSERT INTO timeline_entries (incident_id, at, actor, via, action, detail) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const forIncident = db.prepare<[string], TimelineRow>(
    'SELECT * FROM timeline_entries WHERE incident_id = ? ORDER BY id',
  );
  return {
    add(entry: NewTimelineEntry): number {
      const info = insert.run(entry.incidentId, entry.at, entry.actor, entry.via, entry.action, entry.detail);
      return Number(info.lastInsertRowid);
    },
    listForIncident(incidentId: string): TimelineEntry[] {
      return forIncident.all(incidentId).map((row) => ({
        id: row.id,
        incidentId: row.incident_id,
        at: row.at,
        actor: row.actor,
        via: row.via as Via,
        action: row.action,
        detail: row.detail,
      }));
    },
  };
}

export type TimelineRepo = ReturnType<typeof createTimelineRepo>;
