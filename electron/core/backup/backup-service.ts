/** Backups: being written; until then each operation answers that it is not available. */
import type { BackupFile, BackupList } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { Service, ServiceState } from '../service-host';

export class BackupService implements Service {
  readonly name = 'backup';
  state: ServiceState = 'stopped';

  start(): Promise<void> {
    this.state = 'running';
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.state = 'stopped';
    return Promise.resolve();
  }

  run(): Promise<{ snapshot: BackupFile }> {
    return Promise.reject(new ContractError('unavailable', 'backups are not available in this version yet'));
  }

  list(): BackupList {
    return { snapshots: [], eventDays: [] };
  }

  restore(_name: string): Promise<{ restored: string; safetySnapshot: string }> {
    return Promise.reject(new ContractError('unavailable', 'restore is not available in this version yet'));
  }
}
