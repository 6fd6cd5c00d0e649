import type { RawEvent, SourceKind } from '../../../../shared/domain';
import type { Db } from '../database';

interface RawEventRow {
  id: string;
  received_at: string;
  source_kind: string;
  source_id: string;
  route: string;
  dedup_key: string | null;
  incident_id: string | null;
  body: string;
}

function toRawEvent(row: RawEventRow): RawEvent {
  return {
    id: row.id,
    receivedAt: row.received_at,
    sourceKind: row.source_kind as SourceKind,
    sourceId: row.source_id,
    route: row.route,
    incidentId: row.incident_id,
    body: row.body,
  };
}

export interface NewRawEvent {
  id: string;
  receivedAt: string;
  sourceKind: SourceKind;
  sourceId: string;
  route: string;
  /** A vendor event id: a second event with the same key from the same source is not stored again. */
  dedupKey: string | null;
  body: string;
}

export function createRawEventsRepo(db: Db) {
  const insert = db.prepare<RawEventRow>(`
    INSERT INTO raw_events (id, received_at, source_kind, source_id, route, dedup_key, incident_id, body)
    VALUES (@id, @received_at, @source_kind, @source_id, @route, @dedup_key, @incident_id, @body)`);
  const byDedup = db.prepare<[string, string], RawEventRow>(
    'SELECT * FROM raw_events WHERE source_id = ? AND dedup_key = ?',
  );
  const link = db.prepare<[string | null, string]>('UPDATE raw_events SET incident_id = ? WHERE id = ?');
  const forIncident = db.prepare<[string, number], RawEventRow>(
    'SELECT * FROM raw_events WHERE incident_id = ? ORDER BY received_at DESC, id DESC LIMIT ?',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM raw_events');

  return {
    /** Stores a raw event, linked to its incident when it has one (which must already be stored). */
    insert(event: NewRawEvent, incidentId: string | null = null): void {
      insert.run({
        id: event.id,
        received_at: event.receivedAt,
        source_kind: event.sourceKind,
        source_id: event.sourceId,
        route: event.route,
        dedup_key: event.dedupKey,
        incident_id: incidentId,
        body: event.body,
      });
    },
    findByDedupKey(sourceId: string, dedupKey: string): RawEvent | null {
      const row = byDedup.get(sourceId, dedupKey);
      return row ? toRawEvent(row) : null;
    },
    linkIncident(eventId: string, incidentId: string | null): void {
      link.run(incidentId, eventId);
    },
    listForIncident(incidentId: string, limit: number): RawEvent[] {
      return forIncident.all(incidentId, limit).map(toRawEvent);
    },
    count(): number {
      return countAll.get()?.n ?? 0;
    },
  };
}

export type RawEventsRepo = ReturnType<typeof createRawEventsRepo>;
