/** One incident in full (masked or real, with indicators to look up) and the log tail. */
import { ContractError } from '../../../shared/ipc/result';
import { incidentIntel } from '../incidents/intel';
import { maskDetail } from '../incidents/masked-detail';
import { tailLog } from '../log-tail';
import type { HandlerDeps } from './handlers';
import type { Handlers } from './dispatcher';

/** Raw events shown with an incident; older ones stay in the database and the backups. */
const DETAIL_EVENTS = 20;

export function createDetailHandlers(deps: HandlerDeps): Pick<Handlers, 'incidents.get' | 'logs.tail'> {
  // The masked view shows what the LLM is sent: masked whatever sanitizer.enabled says.
  const { masker } = deps;

  return {
    'incidents.get': ({ id, masked }) => {
      const incident = deps.incidents.get(id);
      if (!incident) throw new ContractError('not_found', `no incident ${id}`);
      const timeline = deps.timeline.listForIncident(id);
      const events = deps.rawEvents.listForIncident(id, DETAIL_EVENTS);
      const analysis = deps.analyst.analysisFor(incident);
      const intel = incidentIntel(incident, events);
      if (masked) return maskDetail({ incident, timeline, events, analysis, intel }, masker);
      return { incident, timeline, events, analysis, masked: false, intel };
    },
    'logs.tail': async ({ file, levels, q, limit }) => {
      if (!deps.logDir) {
        throw new ContractError(
          'unavailable',
          'logging to files is off: this process was started without a log directory',
        );
      }
      return tailLog(deps.logDir, { file, levels, q, limit });
    },
  };
}
