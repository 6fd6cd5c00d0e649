/**
 * What an analyst does to an incident, from any place (the console, a
 * Telegram button, a rule): the change and its timeline entry commit
 * together, the UI and channels hear of it, and the decision is written back
 * to the source product when its client supports that — after the commit,
 * so a slow or failing vendor never blocks the analyst; the outcome is a
 * timeline entry of its own.
 */
import type { Incident, Status } from '../../../shared/domain';
import { toListItem } from '../../../shared/domain';
import { ContractError } from '../../../shared/ipc/result';
import type { CallContext } from '../call-context';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { IncidentsRepo } from '../db/repos/incidents-repo';
import type { TimelineRepo } from '../db/repos/timeline-repo';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';

export interface Decision {
  status: Status;
  actor: string;
  note: string | undefined;
}

/** Writes a decision back to the incident's source; resolves to a line for the timeline, or null if unsupported. */
export type WriteBack = (incident: Incident, decision: Decision) => Promise<string> | null;

export interface IncidentActionsDeps {
  db: Db;
  incidents: IncidentsRepo;
  timeline: TimelineRepo;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  onCountsChanged: () => void;
  writeBack: WriteBack;
}

/** What a bulk update asks of each incident: a status, an assignee (null clears it), or both. */
export interface BulkChange {
  status?: Status | undefined;
  assignee?: string | null | undefined;
  note?: string | undefined;
}

export interface BulkOutcome {
  /** Incidents changed, in the order asked. */
  updated: string[];
  /** Incidents that already were as asked. */
  unchanged: string[];
  /** Incidents that could not be changed, and why. */
  failed: { id: string; message: string }[];
}

interface Applied {
  incident: Incident;
  statusChanged: boolean;
  changed: boolean;
}

export class IncidentActions {
  constructor(private readonly deps: IncidentActionsDeps) {}

  /** Changes an incident's status; returns the incident as it now is. */
  setStatus(id: string, status: Status, ctx: CallContext, note?: string): Incident {
    const applied = this.apply(id, { status, note }, ctx);
    if (!applied.changed) return applied.incident;
    this.deps.bus.emit('incidents.changed', { item: toListItem(applied.incident), change: 'updated' });
    this.deps.onCountsChanged();
    this.writeBack(applied.incident, { status, actor: ctx.actor, note });
    return applied.incident;
  }

  /** Assigns an incident to an analyst, or clears the assignee with null; returns the incident as it now is. */
  assign(id: string, assignee: string | null, ctx: CallContext): Incident {
    const applied = this.apply(id, { assignee }, ctx);
    if (applied.changed) {
      this.deps.bus.emit('incidents.changed', { item: toListItem(applied.incident), change: 'updated' });
    }
    return applied.incident;
  }

  /**
   * Applies one change to many incidents. Each incident is its own
   * transaction with its own timeline entries, push and write-back, so one
   * that fails (gone, or a database error) leaves the others done; the counts
   * push goes once, at the end.
   *
   * @throws ContractError bad_request when neither a status nor an assignee is given.
   */
  bulkUpdate(ids: readonly string[], change: BulkChange, ctx: CallContext): BulkOutcome {
    if (change.status === undefined && change.assignee === undefined) {
      throw new ContractError('bad_request', 'status: give a status, an assignee, or both');
    }
    const outcome: BulkOutcome = { updated: [], unchanged: [], failed: [] };
    let countsChanged = false;
    for (const id of new Set(ids)) {
      let applied: Applied;
      try {
        applied = this.apply(id, change, ctx);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof ContractError)) {
          this.deps.logger.error('bulk update failed for an incident', { incident: id, error: message });
        }
        outcome.failed.push({ id, message });
        continue;
      }
      if (!applied.changed) {
        outcome.unchanged.push(id);
        continue;
      }
      outcome.updated.push(id);
      this.deps.bus.emit('incidents.changed', { item: toListItem(applied.incident), change: 'updated' });
      if (applied.statusChanged && change.status !== undefined) {
        countsChanged = true;
        this.writeBack(applied.incident, { status: change.status, actor: ctx.actor, note: change.note });
      }
    }
    if (countsChanged) this.deps.onCountsChanged();
    return outcome;
  }

  /** One incident's change and its timeline entries, in one transaction. */
  private apply(id: string, change: BulkChange, ctx: CallContext): Applied {
    const { incidents, timeline, clock } = this.deps;
    return this.deps.db.transaction((): Applied => {
      const incident = incidents.get(id);
      if (!incident) throw new ContractError('not_found', `no incident ${id}`);
      const statusChanged = change.status !== undefined && change.status !== incident.status;
      const assigneeChanged = change.assignee !== undefined && change.assignee !== incident.assignee;
      if (!statusChanged && !assigneeChanged) return { incident, statusChanged: false, changed: false };
      const now = new Date(clock.now()).toISOString();
      const next: Incident = {
        ...incident,
        status: statusChanged ? change.status! : incident.status,
        assignee: assigneeChanged ? change.assignee! : incident.assignee,
        updatedAt: now,
      };
      incidents.update(next);
      const entry = { incidentId: id, at: now, actor: ctx.actor, via: ctx.via };
      if (statusChanged) {
        timeline.add({
          ...entry,
          action: 'status_changed',
          detail: `${incident.status} -> ${next.status}${change.note ? `: ${change.note}` : ''}`,
        });
      }
      if (assigneeChanged) {
        timeline.add(
          next.assignee === null
            ? { ...entry, action: 'unassigned', detail: incident.assignee }
            : {
                ...entry,
                action: 'assigned',
                detail: incident.assignee ? `${incident.assignee} -> ${next.assignee}` : next.assignee,
              },
        );
      }
      return { incident: next, statusChanged, changed: true };
    })();
  }

  private writeBack(incident: Incident, decision: Decision): void {
    const pending = this.deps.writeBack(incident, decision);
    if (!pending) return;
    const record = (action: string, detail: string) => {
      try {
        this.deps.timeline.add({
          incidentId: incident.id,
          at: new Date(this.deps.clock.now()).toISOString(),
          actor: incident.source.name,
          via: 'system',
          action,
          detail,
        });
        this.deps.bus.emit('incidents.changed', { item: toListItem(incident), change: 'updated' });
      } catch (error) {
        this.deps.logger.error('could not record a write-back', { incident: incident.id, error });
      }
    };
    pending.then(
      (detail) => record('written_back', detail),
      (error: unknown) => {
        const message = (error as Error).message ?? String(error);
        this.deps.logger.warn('write-back failed', { incident: incident.id, error: message });
        record('write_back_failed', message);
      },
    );
  }
}
