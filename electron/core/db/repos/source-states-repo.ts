import type { SourceHealth } from '../../../../shared/domain';
import type { Db } from '../database';

interface SourceStateRow {
  source_id: string;
  cursor: string | null;
  last_success: string | null;
  last_error: string | null;
  last_error_at: string | null;
  consecutive_failures: number;
  next_run: string | null;
  events_total: number;
}

export type StoredSourceState = Omit<SourceHealth, 'state'> & { cursor: string | null };

export function createSourceStatesRepo(db: Db) {
  const byId = db.prepare<[string], SourceStateRow>('SELECT * FROM source_states WHERE source_id = ?');
  const upsert = db.prepare<SourceStateRow>(`
    INSERT INTO source_states (source_id, cursor, last_success, last_error, last_error_at, consecutive_failures,
      next_run, events_total)
    VALUES (@source_id, @cursor, @last_success, @last_error, @last_error_at, @consecutive_failures, @next_run,
      @events_total)
    ON CONFLICT (source_id) DO UPDATE SET cursor = excluded.cursor, last_success = excluded.last_success,
      last_error = excluded.last_error, last_error_at = excluded.last_error_at,
      consecutive_failures = excluded.consecutive_failures, next_run = excluded.next_run,
      events_total = excluded.events_total`);
  return {
    get(sourceId: string): StoredSourceState {
      const row = byId.get(sourceId);
      return {
        cursor: row?.cursor ?? null,
        lastSuccess: row?.last_success ?? null,
        lastError: row?.last_error ?? null,
        lastErrorAt: row?.last_error_at ?? null,
        consecutiveFailures: row?.consecutive_failures ?? 0,
        nextRun: row?.next_run ?? null,
        eventsTotal: row?.events_total ?? 0,
      };
    },
    save(sourceId: string, state: StoredSourceState): void {
      upsert.run({
        source_id: sourceId,
        cursor: state.cursor,
        last_success: state.lastSuccess,
        last_error: state.lastError,
        last_error_at: state.lastErrorAt,
        consecutive_failures: state.consecutiveFailures,
        next_run: state.nextRun,
        events_total: state.eventsTotal,
      });
    },
  };
}

export type SourceStatesRepo = ReturnType<typeof createSourceStatesRepo>;
