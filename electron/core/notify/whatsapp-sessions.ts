/** WhatsApp gateway sessions: being written; until then each call says so. */
import type { WhatsAppSession } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { Service, ServiceState } from '../service-host';

const unavailable = () =>
  new ContractError('unavailable', 'WhatsApp sessions are not available in this version yet');

export class WhatsAppService implements Service {
  readonly name = 'whatsapp';
  state: ServiceState = 'stopped';

  start(): Promise<void> {
    this.state = 'running';
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.state = 'stopped';
    return Promise.resolve();
  }

  sessions(_channelId: string): Promise<WhatsAppSession[]> {
    return Promise.reject(unavailable());
  }

  connect(_channelId: string, _session: string): Promise<WhatsAppSession> {
    return Promise.reject(unavailable());
  }

  qr(_channelId: string, _session: string): Promise<WhatsAppSession> {
    return Promise.reject(unavailable());
  }

  groups(
    _channelId: string,
    _session: string,
    _refresh: boolean,
  ): Promise<{ id: string; name: string; participants: number | null }[]> {
    return Promise.reject(unavailable());
  }
}
