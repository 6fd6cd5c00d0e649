/**
 * The first stages of the pipeline (DESIGN.md §2): persist the raw event,
 * then dedup/group it into an incident, in one transaction, before the caller
 * acknowledges anything. A second event with the same vendor key stores
 * nothing; an event whose fingerprint matches an open incident inside the
 * dedup window raises that incident's count instead of opening another.
 *
 * Webhook requests go through `submit`, a group commit: every request that
 * reaches the ingestor while the event loop handles one round of I/O is
 * committed in one transaction, and each promise settles only after that
 * commit. The COMMIT (with its WAL writes) was most of an ingest's cost; a
 * group shares one, and the pages its rows touch are written once per group
 * instead of once per request. The group takes no savepoint per request:
 * measured on the dev VM, a savepoint per request added about 40 µs an event,
 * mostly system time (the pages a savepoint touches are journalled to a temp
 * file). Instead, should anything in the group fail, nothing of it was
 * stored, and each request is committed again on its own, so only the
 * failing one is refused.
 */
import type { Entities, Incident, Mitre, Severity, SourceRef, Via } from '../../../shared/domain';
import { severityRank, toListItem } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { IncidentsRepo } from '../db/repos/incidents-repo';
import type { NewRawEvent, RawEventsRepo } from '../db/repos/raw-events-repo';
import type { TimelineRepo } from '../db/repos/timeline-repo';
import type { EventBus } from '../event-bus';
import type { IdGenerator } from '../ids';

/** What a per-vendor mapper makes of a raw event. */
export interface NormalizedIncident {
  fingerprint: string;
  vendorId: string | null;
  consoleUrl: string | null;
  title: string;
  description: string;
  severity: Severity;
  category: string | null;
  mitre: Mitre;
  entities: Entities;
  /** When the vendor says it happened; null when it does not say. */
  occurredAt: string | null;
  /**
   * 'vendor': the fingerprint is the vendor's own incident id, so every later
   * event with it updates that incident whatever its age or status (a vendor
   * status change, a re-fetched threat). 'window' (default): generated
   * fingerprints group only with an open incident inside routing.dedupWindowSec.
   */
  fingerprintScope?: 'vendor' | 'window';
  vendorStatus: string | null;
  tags: string[];
}

export interface IngestInput {
  source: SourceRef;
  route: string;
  body: string;
  dedupKey?: string | null;
  /** null: keep the raw event without an incident (e.g. a record no rule matched). */
  incident: NormalizedIncident | null;
  via: Via;
}

export interface IngestResult {
  eventId: string;
  incidentId: string | null;
  /** True when the event repeated a stored event or an open incident. */
  duplicate: boolean;
}

interface Deps {
  db: Db;
  incidents: IncidentsRepo;
  rawEvents: RawEventsRepo;
  timeline: TimelineRepo;
  ids: IdGenerator;
  clock: Clock;
  bus: EventBus;
  dedupWindowSec: () => number;
  onCountsChanged: () => void;
  /**
   * Called inside the transaction with the incidents it created or changed, so
   * the outbox entries for them commit together with them (nothing lost on a kill).
   */
  inTransaction?: (changes: IncidentChange[]) => void;
  /** Called after each commit with the raw events it stored (the daily backup file appends them). */
  onCommitted?: (events: NewRawEvent[]) => void;
}

export type IncidentChange = { incident: Incident; change: 'created' | 'updated' | 'duplicate' };
type Change = IncidentChange;
type TxResult = { results: IngestResult[]; changes: Change[]; stored: NewRawEvent[] };

/** One `submit` call waiting for the next group commit. */
interface Pending {
  inputs: IngestInput[];
  resolve: (results: IngestResult[]) => void;
  reject: (error: unknown) => void;
}

/** What became of one submission. */
type Outcome = { tx: TxResult } | { error: unknown };

/**
 * Most submissions, and most events, one group commit takes; the rest go into
 * the next one. Bounds how long one transaction holds the event loop (a
 * thousand events is a few milliseconds).
 */
const MAX_GROUP_SUBMISSIONS = 256;
const MAX_GROUP_EVENTS = 1000;

export class Ingestor {
  /** The inputs of one call in one transaction of their own. */
  private readonly ingestTx: (
    inputs: IngestInput[],
    alsoInTransaction: ((results: IngestResult[]) => void) | undefined,
  ) => TxResult;
  /** Every submission of a group in one transaction: all are stored, or none. */
  private readonly groupTx: (group: Pending[]) => TxResult[];
  private pending: Pending[] = [];
  private flushScheduled: NodeJS.Immediate | null = null;

  constructor(private readonly deps: Deps) {
    this.ingestTx = deps.db.transaction(
      (inputs: IngestInput[], alsoInTransaction: ((results: IngestResult[]) => void) | undefined) =>
        this.ingestInTransaction(inputs, alsoInTransaction),
    );
    this.groupTx = deps.db.transaction((group: Pending[]) =>
      group.map((submission) => this.ingestInTransaction(submission.inputs, undefined)),
    );
  }

  /** Commits one raw event (and its incident) and returns once it is durable. */
  ingest(input: IngestInput): IngestResult {
    return this.ingestMany([input])[0]!;
  }

  /**
   * Commits several events in one transaction: all are stored, or none.
   * `alsoInTransaction` runs inside it, so a poller's cursor moves exactly
   * when its events are committed.
   */
  ingestMany(inputs: IngestInput[], alsoInTransaction?: (results: IngestResult[]) => void): IngestResult[] {
    const tx = this.ingestTx(inputs, alsoInTransaction);
    this.afterCommit([tx]);
    return tx.results;
  }

  /**
   * Like `ingestMany` (the inputs are stored all or none, in order), but
   * committed together with every other submission of the same event-loop
   * turn; resolves once that commit is durable. A submission whose writes
   * fail is rejected without taking the others with it.
   */
  submit(inputs: IngestInput[]): Promise<IngestResult[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ inputs, resolve, reject });
      // setImmediate runs after the poll phase, so every request read in this turn joins the group.
      this.flushScheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Commits the waiting submissions (up to the group limits), then settles their promises. */
  private flush(): void {
    this.flushScheduled = null;
    let take = 0;
    let events = 0;
    while (take < this.pending.length && take < MAX_GROUP_SUBMISSIONS) {
      const size = this.pending[take]!.inputs.length;
      // A submission is never split; one larger than the limit makes a group of its own.
      if (take > 0 && events + size > MAX_GROUP_EVENTS) break;
      events += size;
      take++;
    }
    const group = this.pending.splice(0, take);
    if (this.pending.length > 0) this.flushScheduled = setImmediate(() => this.flush());
    if (group.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.groupTx(group).map((tx) => ({ tx }));
    } catch (error) {
      // Rolled back whole: nothing of the group is stored. Each submission on its own transaction
      // now, so a bad one is refused alone (and a full disk refuses them all).
      outcomes =
        group.length === 1
          ? [{ error }]
          : group.map((submission): Outcome => {
              try {
                return { tx: this.ingestTx(submission.inputs, undefined) };
              } catch (own) {
                return { error: own };
              }
            });
    }
    const committed = outcomes.flatMap((outcome) => ('tx' in outcome ? [outcome.tx] : []));
    try {
      this.afterCommit(committed);
    } catch (error) {
      // As with ingestMany: a failing hook fails the callers, although their events are committed.
      for (const submission of group) submission.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const submission = group[i]!;
      if ('tx' in outcome) submission.resolve(outcome.tx.results);
      else submission.reject(outcome.error);
    });
  }

  /** The writes of one call; runs inside a transaction. */
  private ingestInTransaction(
    inputs: IngestInput[],
    alsoInTransaction: ((results: IngestResult[]) => void) | undefined,
  ): TxResult {
    const tx: TxResult = { results: [], changes: [], stored: [] };
    for (const input of inputs) tx.results.push(this.ingestOne(input, tx));
    alsoInTransaction?.(tx.results);
    if (tx.changes.length > 0) this.deps.inTransaction?.(tx.changes);
    return tx;
  }

  /** What follows a commit: the day file, then the pushes, in commit order. */
  private afterCommit(txs: readonly TxResult[]): void {
    const stored = txs.length === 1 ? txs[0]!.stored : txs.flatMap((tx) => tx.stored);
    if (stored.length > 0) this.deps.onCommitted?.(stored);
    let changed = false;
    for (const { changes } of txs) {
      for (const { incident, change } of changes) {
        this.deps.bus.emit('incidents.changed', { item: toListItem(incident), change });
        changed = true;
      }
    }
    if (changed) this.deps.onCountsChanged();
  }

  private ingestOne(input: IngestInput, { changes, stored }: TxResult): IngestResult {
    const { incidents, rawEvents, timeline, ids, clock } = this.deps;
    const dedupKey = input.dedupKey ?? null;
    if (dedupKey) {
      const seen = rawEvents.findByDedupKey(input.source.id, dedupKey);
      if (seen) return { eventId: seen.id, incidentId: seen.incidentId, duplicate: true };
    }
    const now = new Date(clock.now()).toISOString();
    const eventId = ids('evt');
    const raw: NewRawEvent = {
      id: eventId,
      receivedAt: now,
      sourceKind: input.source.kind,
      sourceId: input.source.id,
      route: input.route,
      dedupKey,
      body: input.body,
    };
    // The raw row is written once, already linked: its incident is inserted or found first.
    const store = (incidentId: string | null) => {
      rawEvents.insert(raw, incidentId);
      stored.push(raw);
    };
    const normalized = input.incident;
    if (!normalized) {
      store(null);
      return { eventId, incidentId: null, duplicate: false };
    }

    const existing =
      normalized.fingerprintScope === 'vendor'
        ? incidents.findByFingerprint(normalized.fingerprint)
        : incidents.findOpenByFingerprint(
            normalized.fingerprint,
            new Date(clock.now() - this.deps.dedupWindowSec() * 1000).toISOString(),
          );
    if (existing) {
      const raised = severityRank(normalized.severity) > severityRank(existing.severity);
      const updated: Incident = {
        ...existing,
        count: existing.count + 1,
        lastSeen: now > existing.lastSeen ? now : existing.lastSeen,
        severity: raised ? normalized.severity : existing.severity,
        vendorStatus: normalized.vendorStatus ?? existing.vendorStatus,
        updatedAt: now,
      };
      incidents.update(updated);
      store(existing.id);
      if (raised) {
        timeline.add({
          incidentId: existing.id,
          at: now,
          actor: input.source.name,
          via: input.via,
          action: 'severity_raised',
          detail: `${existing.severity} -> ${normalized.severity}`,
        });
      }
      changes.push({ incident: updated, change: raised ? 'updated' : 'duplicate' });
      return { eventId, incidentId: existing.id, duplicate: true };
    }

    const occurred = normalized.occurredAt && normalized.occurredAt < now ? normalized.occurredAt : now;
    const incident: Incident = {
      id: ids('inc'),
      fingerprint: normalized.fingerprint,
      source: input.source,
      vendorId: normalized.vendorId,
      consoleUrl: normalized.consoleUrl,
      title: normalized.title,
      description: normalized.description,
      severity: normalized.severity,
      status: 'new',
      category: normalized.category,
      mitre: normalized.mitre,
      entities: normalized.entities,
      firstSeen: occurred,
      lastSeen: now,
      count: 1,
      vendorStatus: normalized.vendorStatus,
      assignee: null,
      tags: normalized.tags,
      createdAt: now,
      updatedAt: now,
    };
    incidents.insert(incident);
    store(incident.id);
    timeline.add({
      incidentId: incident.id,
      at: now,
      actor: input.source.name,
      via: input.via,
      action: 'created',
      detail: `received through ${input.route}`,
    });
    changes.push({ incident, change: 'created' });
    return { eventId, incidentId: incident.id, duplicate: false };
  }
}
