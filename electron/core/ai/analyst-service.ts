/** The AI analyst: being written; until then analysis is reported as not available. */
import type { Analysis, Incident } from '../../../shared/domain';
import type { AiStatus } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { Service, ServiceState } from '../service-host';

export class AnalystService implements Service {
  readonly name = 'ai';
  state: ServiceState = 'stopped';

  start(): Promise<void> {
    this.state = 'running';
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.state = 'stopped';
    return Promise.resolve();
  }

  /** The latest analysis of an incident with real values restored, or null. */
  analysisFor(_incident: Incident): Analysis | null {
    return null;
  }

  analyze(
    _id: string,
    _force: boolean,
  ): Promise<{ state: 'queued' | 'cached' | 'skipped'; message: string }> {
    return Promise.reject(
      new ContractError('unavailable', 'AI analysis is not available in this version yet'),
    );
  }

  test(): Promise<{ ok: boolean; message: string; model: string; latencyMs: number }> {
    return Promise.resolve({
      ok: false,
      message: 'AI analysis is not available in this version yet',
      model: '',
      latencyMs: 0,
    });
  }

  status(): AiStatus {
    return {
      enabled: false,
      model: '',
      baseUrl: '',
      apiKeySet: false,
      tokensToday: 0,
      dailyTokenBudget: 0,
      queued: 0,
      lastError: null,
      lastErrorAt: null,
    };
  }
}
