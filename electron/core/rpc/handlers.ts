/** The contract's handlers: plain async functions over the core's parts, free of any transport. */
import type { Config } from '../../../shared/config';
import { toListItem } from '../../../shared/domain';
import type { SetupState, SystemStatus } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { Clock } from '../clock';
import type { ConfigStore } from '../config/config-store';
import type { IncidentsRepo } from '../db/repos/incidents-repo';
import type { RawEventsRepo } from '../db/repos/raw-events-repo';
import type { TimelineRepo } from '../db/repos/timeline-repo';
import type { EventBus } from '../event-bus';
import type { ServiceHost } from '../service-host';
import type { SourceManager } from '../sources/source-manager';
import type { WebhookService } from '../webhook/webhook-service';
import { decodeCursor, encodeCursor } from './cursor';
import type { Handlers } from './dispatcher';

/** Raw events shown with an incident; older ones stay in the database and the backups. */
const DETAIL_EVENTS = 20;
const DEFAULT_DEMO_RATE = 6;

export interface HandlerDeps {
  version: string;
  shell: 'desktop' | 'headless';
  startedAt: string;
  clock: Clock;
  config: ConfigStore;
  incidents: IncidentsRepo;
  rawEvents: RawEventsRepo;
  timeline: TimelineRepo;
  sources: SourceManager;
  webhook: WebhookService;
  host: ServiceHost;
  bus: EventBus;
  onCountsChanged: () => void;
  withTransaction: <T>(fn: () => T) => T;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const setupState = (config: Config): SetupState => ({
    setupDone: config.ui.setupDone,
    demoRunning: config.sources.some((s) => s.kind === 'demo' && s.enabled),
    sourceCount: config.sources.length,
  });

  return {
    'system.status': (): SystemStatus => {
      const { highestOpenSeverity, ...counts } = deps.incidents.counts();
      return {
        version: deps.version,
        shell: deps.shell,
        startedAt: deps.startedAt,
        webhook: {
          url: deps.webhook.url,
          listening: deps.webhook.state === 'running',
          tokenSet: Boolean(deps.config.resolveSecret(deps.config.get().webhook.token)),
        },
        counts,
        highestOpenSeverity,
        services: deps.host.list(),
      };
    },

    'setup.get': () => setupState(deps.config.get()),

    'setup.startDemo': ({ ratePerMinute }) => {
      const config = deps.config.update((draft) => {
        const existing = draft.sources.find((s) => s.kind === 'demo');
        if (existing && existing.kind === 'demo') {
          existing.enabled = true;
          if (ratePerMinute !== undefined) existing.ratePerMinute = ratePerMinute;
        } else {
          const id = draft.sources.some((s) => s.id === 'demo') ? `demo-${draft.sources.length}` : 'demo';
          draft.sources.push({
            id,
            kind: 'demo',
            name: 'Demo feed',
            enabled: true,
            pollIntervalSec: 60,
            ratePerMinute: ratePerMinute ?? DEFAULT_DEMO_RATE,
          });
        }
        draft.ui.setupDone = true;
      });
      const demo = config.sources.find((s) => s.kind === 'demo')!;
      return deps.sources.view(demo);
    },

    'setup.finish': () =>
      setupState(
        deps.config.update((draft) => {
          draft.ui.setupDone = true;
        }),
      ),

    'incidents.list': ({ limit, cursor, severity, status, sourceKind }) => {
      const page = deps.incidents.list({
        limit,
        cursor: cursor ? decodeCursor(cursor) : undefined,
        severity,
        status,
        sourceKind,
      });
      const last = page.items.at(-1);
      return {
        items: page.items,
        total: page.total,
        nextCursor: page.hasMore && last ? encodeCursor(last.lastSeen, last.id) : null,
      };
    },

    'incidents.get': ({ id }) => {
      const incident = deps.incidents.get(id);
      if (!incident) throw new ContractError('not_found', `no incident ${id}`);
      return {
        incident,
        timeline: deps.timeline.listForIncident(id),
        events: deps.rawEvents.listForIncident(id, DETAIL_EVENTS),
      };
    },

    'incidents.setStatus': ({ id, status, note }, ctx) => {
      const updated = deps.withTransaction(() => {
        const incident = deps.incidents.get(id);
        if (!incident) throw new ContractError('not_found', `no incident ${id}`);
        if (incident.status === status) return incident;
        const now = new Date(deps.clock.now()).toISOString();
        const next = { ...incident, status, updatedAt: now };
        deps.incidents.update(next);
        deps.timeline.add({
          incidentId: id,
          at: now,
          actor: ctx.actor,
          via: ctx.via,
          action: 'status_changed',
          detail: `${incident.status} -> ${status}${note ? `: ${note}` : ''}`,
        });
        return next;
      });
      deps.bus.emit('incidents.changed', { item: toListItem(updated), change: 'updated' });
      deps.onCountsChanged();
      return updated;
    },

    'sources.list': () => deps.sources.list(),

    'sources.setEnabled': ({ id, enabled }) => {
      if (!deps.config.get().sources.some((s) => s.id === id)) {
        throw new ContractError('not_found', `no source ${id}`);
      }
      const config = deps.config.update((draft) => {
        const source = draft.sources.find((s) => s.id === id);
        if (source) source.enabled = enabled;
      });
      return deps.sources.view(config.sources.find((s) => s.id === id)!);
    },
  };
}
