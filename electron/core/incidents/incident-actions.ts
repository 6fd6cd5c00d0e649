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

export class IncidentActions {
  constructor(private readonly deps: IncidentActionsDeps) {}

  /** Changes an incident's status; returns the incident as it now is. */
  setStatus(id: string, status: Status, ctx: CallContext, note?: string): Incident {
    const { incidents, timeline, clock } = this.deps;
    let changed = false;
    const updated = this.deps.db.transaction(() => {
      const incident = incidents.get(id);
      if (!incident) throw new ContractError('not_found', `no incident ${id}`);
      if (incident.status === status) return incident;
      const now = new Date(clock.now()).toISOString();
      const next = { ...incident, status, updatedAt: now };
      incidents.update(next);
      timeline.add({
        incidentId: id,
        at: now,
        actor: ctx.actor,
        via: ctx.via,
        action: 'status_changed',
        detail: `${incident.status} -> ${status}${note ? `: ${note}` : ''}`,
      });
      changed = true;
      return next;
    })();
    if (!changed) return updated;
    this.deps.bus.emit('incidents.changed', { item: toListItem(updated), change: 'updated' });
    this.deps.onCountsChanged();
    this.writeBack(updated, { status, actor: ctx.actor, note });
    return updated;
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
