/**
 * The first stages of the pipeline (DESIGN.md §2): persist the raw event,
 * then dedup/group it into an incident, in one transaction, before the caller
 * acknowledges anything. A second event with the same vendor key stores
 * nothing; an event whose fingerprint matches an open incident inside the
 * dedup window raises that incident's count instead of opening another.
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

export class Ingestor {
  private readonly ingestTx: (
    inputs: IngestInput[],
    alsoInTransaction: ((results: IngestResult[]) => void) | undefined,
  ) => TxResult;

  constructor(private readonly deps: Deps) {
    this.ingestTx = deps.db.transaction(
      (inputs: IngestInput[], alsoInTransaction: ((results: IngestResult[]) => void) | undefined) => {
        const tx: TxResult = { results: [], changes: [], stored: [] };
        for (const input of inputs) tx.results.push(this.ingestOne(input, tx));
        alsoInTransaction?.(tx.results);
        if (tx.changes.length > 0) this.deps.inTransaction?.(tx.changes);
        return tx;
      },
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
    const { results, changes, stored } = this.ingestTx(inputs, alsoInTransaction);
    if (stored.length > 0) this.deps.onCommitted?.(stored);
    for (const { incident, change } of changes) {
      this.deps.bus.emit('incidents.changed', { item: toListItem(incident), change });
    }
    if (changes.length > 0) this.deps.onCountsChanged();
    return results;
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
    rawEvents.insert(raw);
    stored.push(raw);
    const normalized = input.incident;
    if (!normalized) return { eventId, incidentId: null, duplicate: false };

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
      rawEvents.linkIncident(eventId, existing.id);
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
    rawEvents.linkIncident(eventId, incident.id);
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
