/**
 * SQL for the outbox, its delivery log, channel health and sent-message
 * references (for later edits). An entry moves pending -> sending -> sent,
 * or back to pending with a later next_attempt_at, or to dead after too many
 * attempts; 'sending' left behind by a crash is made pending again at start.
 */
import type { Db } from '../database';

export type OutboxPurpose = 'incident' | 'update' | 'test';
export type OutboxState = 'pending' | 'sending' | 'sent' | 'dead' | 'held';

export interface OutboxEntry {
  id: number;
  incidentId: string | null;
  channelId: string;
  purpose: OutboxPurpose;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  /** Why it was queued or held (e.g. "quiet hours until 07:00"). */
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

interface OutboxRow {
  id: number;
  incident_id: string | null;
  channel_id: string;
  purpose: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface ChannelState {
  lastDelivery: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  deliveredTotal: number;
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    incidentId: row.incident_id,
    channelId: row.channel_id,
    purpose: row.purpose as OutboxPurpose,
    state: row.state as OutboxState,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}

export function createOutboxRepo(db: Db) {
  const insert = db.prepare<{
    incident_id: string | null;
    channel_id: string;
    purpose: string;
    state: string;
    next_attempt_at: string;
    reason: string | null;
    now: string;
  }>(`
    INSERT INTO outbox (incident_id, channel_id, purpose, state, next_attempt_at, reason, created_at, updated_at)
    VALUES (@incident_id, @channel_id, @purpose, @state, @next_attempt_at, @reason, @now, @now)
    ON CONFLICT DO NOTHING`);
  const byId = db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE id = ?');
  const firstUnsent = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM outbox WHERE incident_id = ? AND purpose = 'incident' AND state IN ('pending', 'sending') AND attempts = 0",
  );
  const pendingFor = db.prepare<[string, string, string], { n: number }>(
    "SELECT count(*) AS n FROM outbox WHERE incident_id = ? AND channel_id = ? AND purpose = ? AND state IN ('pending', 'held', 'sending')",
  );
  const due = db.prepare<[string, string, number], OutboxRow>(`
    SELECT * FROM outbox WHERE state = 'pending' AND channel_id = ? AND next_attempt_at <= ?
    ORDER BY next_attempt_at, id LIMIT ?`);
  const nextDue = db.prepare<[string], { at: string | null }>(
    "SELECT min(next_attempt_at) AS at FROM outbox WHERE state = 'pending' AND channel_id = ?",
  );
  const setState = db.prepare<{
    id: number;
    state: string;
    attempts: number;
    next_attempt_at: string;
    last_error: string | null;
    now: string;
    sent_at: string | null;
  }>(`
    UPDATE outbox SET state = @state, attempts = @attempts, next_attempt_at = @next_attempt_at,
      last_error = @last_error, updated_at = @now, sent_at = @sent_at
    WHERE id = @id`);
  const resetSending = db.prepare("UPDATE outbox SET state = 'pending' WHERE state = 'sending'");
  const release = db.prepare<[string, string, string]>(
    "UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE state = 'held' AND next_attempt_at <= ?",
  );
  const revive = db.prepare<[string, string, number]>(
    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'dead'",
  );
  const list = db.prepare<[string, number], OutboxRow>(
    'SELECT * FROM outbox WHERE channel_id = ? ORDER BY id DESC LIMIT ?',
  );
  const countByState = db.prepare<[string], { state: string; n: number }>(
    'SELECT state, count(*) AS n FROM outbox WHERE channel_id = ? GROUP BY state',
  );
  const logDelivery = db.prepare<[number, string, string, number, string]>(
    'INSERT INTO deliveries (outbox_id, channel_id, at, ok, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const deliveries = db.prepare<
    [string, number],
    { at: string; ok: number; detail: string; outbox_id: number }
  >('SELECT at, ok, detail, outbox_id FROM deliveries WHERE channel_id = ? ORDER BY id DESC LIMIT ?');
  const stateOf = db.prepare<
    [string],
    {
      last_delivery: string | null;
      last_error: string | null;
      last_error_at: string | null;
      delivered_total: number;
    }
  >('SELECT * FROM channel_states WHERE channel_id = ?');
  const saveState = db.prepare<[string, string | null, string | null, string | null, number]>(`
    INSERT INTO channel_states (channel_id, last_delivery, last_error, last_error_at, delivered_total)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (channel_id) DO UPDATE SET last_delivery = excluded.last_delivery, last_error = excluded.last_error,
      last_error_at = excluded.last_error_at, delivered_total = excluded.delivered_total`);
  const sentRef = db.prepare<[string, string], { address: string; message_ref: string }>(
    'SELECT address, message_ref FROM sent_messages WHERE incident_id = ? AND channel_id = ?',
  );
  const putRef = db.prepare<[string, string, string, string, string]>(`
    INSERT INTO sent_messages (incident_id, channel_id, address, message_ref, sent_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (incident_id, channel_id, address) DO UPDATE SET message_ref = excluded.message_ref`);

  return {
    /** Queues an entry; an incident is queued for a channel once (a repeat is ignored). Returns its id or null. */
    enqueue(entry: {
      incidentId: string | null;
      channelId: string;
      purpose: OutboxPurpose;
      state?: 'pending' | 'held';
      nextAttemptAt: string;
      reason?: string | null;
      now: string;
    }): number | null {
      const info = insert.run({
        incident_id: entry.incidentId,
        channel_id: entry.channelId,
        purpose: entry.purpose,
        state: entry.state ?? 'pending',
        next_attempt_at: entry.nextAttemptAt,
        reason: entry.reason ?? null,
        now: entry.now,
      });
      return info.changes > 0 ? Number(info.lastInsertRowid) : null;
    },
    /** Whether an entry for this incident, channel and purpose still waits to be sent. */
    hasWaiting(incidentId: string, channelId: string, purpose: OutboxPurpose): boolean {
      return (pendingFor.get(incidentId, channelId, purpose)?.n ?? 0) > 0;
    },
    /** Whether a first notification of this incident has not even been tried yet (held ones do not count). */
    firstNotificationUntried(incidentId: string): boolean {
      return (firstUnsent.get(incidentId)?.n ?? 0) > 0;
    },
    get(id: number): OutboxEntry | null {
      const row = byId.get(id);
      return row ? toEntry(row) : null;
    },
    due(channelId: string, now: string, limit: number): OutboxEntry[] {
      return due.all(channelId, now, limit).map(toEntry);
    },
    nextDue(channelId: string): string | null {
      return nextDue.get(channelId)?.at ?? null;
    },
    update(entry: OutboxEntry, now: string): void {
      setState.run({
        id: entry.id,
        state: entry.state,
        attempts: entry.attempts,
        next_attempt_at: entry.nextAttemptAt,
        last_error: entry.lastError,
        now,
        sent_at: entry.sentAt,
      });
    },
    /** After a crash: whatever was being sent is sent again (channels tolerate an occasional repeat; loss is worse). */
    resetSending(): number {
      return resetSending.run().changes;
    },
    /** Held entries whose time has come (quiet hours over) become pending. */
    releaseHeld(now: string): number {
      return release.run(now, now, now).changes;
    },
    retryDead(id: number, now: string): boolean {
      return revive.run(now, now, id).changes > 0;
    },
    list(channelId: string, limit: number): OutboxEntry[] {
      return list.all(channelId, limit).map(toEntry);
    },
    counts(channelId: string): Record<OutboxState, number> {
      const counts: Record<OutboxState, number> = { pending: 0, sending: 0, sent: 0, dead: 0, held: 0 };
      for (const row of countByState.all(channelId)) counts[row.state as OutboxState] = row.n;
      return counts;
    },
    logDelivery(outboxId: number, channelId: string, at: string, ok: boolean, detail: string): void {
      logDelivery.run(outboxId, channelId, at, ok ? 1 : 0, detail);
    },
    deliveries(
      channelId: string,
      limit: number,
    ): { at: string; ok: boolean; detail: string; outboxId: number }[] {
      return deliveries
        .all(channelId, limit)
        .map((d) => ({ at: d.at, ok: d.ok === 1, detail: d.detail, outboxId: d.outbox_id }));
    },
    channelState(channelId: string): ChannelState {
      const row = stateOf.get(channelId);
      return {
        lastDelivery: row?.last_delivery ?? null,
        lastError: row?.last_error ?? null,
        lastErrorAt: row?.last_error_at ?? null,
        deliveredTotal: row?.delivered_total ?? 0,
      };
    },
    saveChannelState(channelId: string, state: ChannelState): void {
      saveState.run(channelId, state.lastDelivery, state.lastError, state.lastErrorAt, state.deliveredTotal);
    },
    /** Where a channel sent an incident's message (per address), for edits. */
    sentRefs(incidentId: string, channelId: string): { address: string; ref: string }[] {
      return sentRef.all(incidentId, channelId).map((r) => ({ address: r.address, ref: r.message_ref }));
    },
    putSentRef(incidentId: string, channelId: string, address: string, ref: string, now: string): void {
      putRef.run(incidentId, channelId, address, ref, now);
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
