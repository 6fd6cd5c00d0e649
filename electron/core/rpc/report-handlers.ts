/** The shift report (PDF / HTML) and the webhook token the analyst copies into senders. */
import { ContractError } from '../../../shared/ipc/result';
import type { HandlerDeps } from './handlers';
import type { Handlers } from './dispatcher';

type ReportMethods = 'reports.shift' | 'webhook.revealToken' | 'webhook.rotateToken';

export function createReportHandlers(deps: HandlerDeps): Pick<Handlers, ReportMethods> {
  void deps;
  return {
    'reports.shift': () => {
      throw new ContractError('unavailable', 'reports.shift is not built yet');
    },
    'webhook.revealToken': () => {
      throw new ContractError('unavailable', 'webhook.revealToken is not built yet');
    },
    'webhook.rotateToken': () => {
      throw new ContractError('unavailable', 'webhook.rotateToken is not built yet');
    },
  };
}
