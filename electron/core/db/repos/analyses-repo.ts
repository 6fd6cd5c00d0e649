/**
 * SQL for AI analyses and the daily token ledger. An incident may have several
 * analyses (a forced re-analysis adds one); the latest is the one shown. The
 * answer is stored as the model gave it, with pseudonyms, beside the map that
 * restores the real values.
 */
import type { Db } from '../database';

export type AnalysisState = 'pending' | 'done' | 'failed' | 'skipped';

interface AnalysisRow {
  id: number;
  incident_id: string;
  fingerprint: string;
  state: string;
  answer: string | null;
  pseudonym_map: string;
  model: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number | null;
  cached: number;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface StoredAnalysis {
  id: number;
  incidentId: string;
  fingerprint: string;
  state: AnalysisState;
  /** The parsed answer as the model gave it (pseudonyms, not real values); null until done. */
  answer: unknown;
  /** Pseudonym -> real value for this analysis. */
  map: Record<string, string>;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number | null;
  cached: boolean;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export type NewAnalysis = Omit<StoredAnalysis, 'id'>;

/** What finishing a pending analysis sets. */
export type AnalysisOutcome = Pick<
  StoredAnalysis,
  | 'state'
  | 'answer'
  | 'map'
  | 'model'
  | 'promptTokens'
  | 'completionTokens'
  | 'latencyMs'
  | 'cached'
  | 'error'
  | 'finishedAt'
>;

export interface DailyUsage {
  promptTokens: number;
  completionTokens: number;
  requests: number;
}

function toStored(row: AnalysisRow): StoredAnalysis {
  return {
    id: row.id,
    incidentId: row.incident_id,
    fingerprint: row.fingerprint,
    state: row.state as AnalysisState,
    answer: row.answer === null ? null : (JSON.parse(row.answer) as unknown),
    map: JSON.parse(row.pseudonym_map) as Record<string, string>,
    model: row.model,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    latencyMs: row.latency_ms,
    cached: row.cached === 1,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function toRow(analysis: NewAnalysis): Omit<AnalysisRow, 'id'> {
  return {
    incident_id: analysis.incidentId,
    fingerprint: analysis.fingerprint,
    state: analysis.state,
    answer: analysis.answer === null ? null : JSON.stringify(analysis.answer),
    pseudonym_map: JSON.stringify(analysis.map),
    model: analysis.model,
    prompt_tokens: analysis.promptTokens,
    completion_tokens: analysis.completionTokens,
    latency_ms: analysis.latencyMs,
    cached: analysis.cached ? 1 : 0,
    error: analysis.error,
    created_at: analysis.createdAt,
    finished_at: analysis.finishedAt,
  };
}

/** Prepared statements over `analyses` and `ai_usage`. */
export function createAnalysesRepo(db: Db) {
  const insert = db.prepare<Omit<AnalysisRow, 'id'>>(`
    INSERT INTO analyses (incident_id, fingerprint, state, answer, pseudonym_map, model, prompt_tokens,
      completion_tokens, latency_ms, cached, error, created_at, finished_at)
    VALUES (@incident_id, @fingerprint, @state, @answer, @pseudonym_map, @model, @prompt_tokens,
      @completion_tokens, @latency_ms, @cached, @error, @created_at, @finished_at)`);
  const finish = db.prepare<Omit<AnalysisRow, 'incident_id' | 'fingerprint' | 'created_at'>>(`
    UPDATE analyses SET state = @state, answer = @answer, pseudonym_map = @pseudonym_map, model = @model,
      prompt_tokens = @prompt_tokens, completion_tokens = @completion_tokens, latency_ms = @latency_ms,
      cached = @cached, error = @error, finished_at = @finished_at
    WHERE id = @id`);
  const byId = db.prepare<[number], AnalysisRow>('SELECT * FROM analyses WHERE id = ?');
  const latestForIncident = db.prepare<[string], AnalysisRow>(
    'SELECT * FROM analyses WHERE incident_id = ? ORDER BY id DESC LIMIT 1',
  );
  const latestDone = db.prepare<[string], AnalysisRow>(
    "SELECT * FROM analyses WHERE fingerprint = ? AND state = 'done' ORDER BY id DESC LIMIT 1",
  );
  const pending = db.prepare<[], AnalysisRow>("SELECT * FROM analyses WHERE state = 'pending' ORDER BY id");
  const addUsage = db.prepare<{ day: string; prompt: number; completion: number }>(`
    INSERT INTO ai_usage (day, prompt_tokens, completion_tokens, requests) VALUES (@day, @prompt, @completion, 1)
    ON CONFLICT (day) DO UPDATE SET prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      completion_tokens = completion_tokens + excluded.completion_tokens, requests = requests + 1`);
  const usageOf = db.prepare<
    [string],
    { prompt_tokens: number; completion_tokens: number; requests: number }
  >('SELECT prompt_tokens, completion_tokens, requests FROM ai_usage WHERE day = ?');

  return {
    /** Stores an analysis and returns its id. */
    insert(analysis: NewAnalysis): number {
      return Number(insert.run(toRow(analysis)).lastInsertRowid);
    },
    /** Records how a pending analysis ended. */
    finish(id: number, outcome: AnalysisOutcome): void {
      finish.run({
        id,
        state: outcome.state,
        answer: outcome.answer === null ? null : JSON.stringify(outcome.answer),
        pseudonym_map: JSON.stringify(outcome.map),
        model: outcome.model,
        prompt_tokens: outcome.promptTokens,
        completion_tokens: outcome.completionTokens,
        latency_ms: outcome.latencyMs,
        cached: outcome.cached ? 1 : 0,
        error: outcome.error,
        finished_at: outcome.finishedAt,
      });
    },
    get(id: number): StoredAnalysis | null {
      const row = byId.get(id);
      return row ? toStored(row) : null;
    },
    latestForIncident(incidentId: string): StoredAnalysis | null {
      const row = latestForIncident.get(incidentId);
      return row ? toStored(row) : null;
    },
    /** The newest finished answer for a fingerprint: what a repeat of the same incident reuses. */
    latestDoneForFingerprint(fingerprint: string): StoredAnalysis | null {
      const row = latestDone.get(fingerprint);
      return row ? toStored(row) : null;
    },
    /** Analyses left pending (e.g. by a restart mid-request), oldest first. */
    listPending(): StoredAnalysis[] {
      return pending.all().map(toStored);
    },
    /** Adds one request's tokens to a UTC day's total. */
    addUsage(day: string, promptTokens: number, completionTokens: number): void {
      addUsage.run({ day, prompt: promptTokens, completion: completionTokens });
    },
    usage(day: string): DailyUsage {
      const row = usageOf.get(day);
      return {
        promptTokens: row?.prompt_tokens ?? 0,
        completionTokens: row?.completion_tokens ?? 0,
        requests: row?.requests ?? 0,
      };
    },
  };
}

export type AnalysesRepo = ReturnType<typeof createAnalysesRepo>;
