/** One incident in full (masked or real, with indicators to look up) and the log tail. */
import { ContractError } from '../../../shared/ipc/result';
import type { HandlerDeps } from './handlers';
import type { Handlers } from './dispatcher';

/** Raw events shown with an incident; older ones stay in the database and the backups. */
const DETAIL_EVENTS = 20;

export function createDetailHandlers(deps: HandlerDeps): Pick<Handlers, 'incidents.get' | 'logs.tail'> {
  return {
    'incidents.get': ({ id }) => {
      const incident = deps.incidents.get(id);
      if (!incident) throw new ContractError('not_found', `no incident ${id}`);
      return {
        incident,
        timeline: deps.timeline.listForIncident(id),
        events: deps.rawEvents.listForIncident(id, DETAIL_EVENTS),
        analysis: deps.analyst.analysisFor(incident),
        masked: false,
        intel: [],
      };
    },
    'logs.tail': () => {
      throw new ContractError('unavailable', 'logs.tail is not built yet');
    },
  };
}
