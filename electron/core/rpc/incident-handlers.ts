/** Incident list, triage (assign, bulk), dashboard figures and CSV / JSON export. */
import { ContractError } from '../../../shared/ipc/result';
import type { HandlerDeps } from './handlers';
import type { Handlers } from './dispatcher';
import { decodeCursor, encodeCursor } from './cursor';

type IncidentMethods =
  'incidents.list' | 'incidents.assign' | 'incidents.bulkUpdate' | 'incidents.export' | 'dashboard.stats';

export function createIncidentHandlers(deps: HandlerDeps): Pick<Handlers, IncidentMethods> {
  return {
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
        totalCapped: false,
        nextCursor: page.hasMore && last ? encodeCursor(last.lastSeen, last.id) : null,
      };
    },
    'incidents.assign': () => {
      throw new ContractError('unavailable', 'incidents.assign is not built yet');
    },
    'incidents.bulkUpdate': () => {
      throw new ContractError('unavailable', 'incidents.bulkUpdate is not built yet');
    },
    'incidents.export': () => {
      throw new ContractError('unavailable', 'incidents.export is not built yet');
    },
    'dashboard.stats': () => {
      throw new ContractError('unavailable', 'dashboard.stats is not built yet');
    },
  };
}
