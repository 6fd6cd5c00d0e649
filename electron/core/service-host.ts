/**
 * Services (STYLE.md §8-9): each has a name, an idempotent start and stop and
 * a state. The host starts them in order and stops them in reverse, each stop
 * bounded by a timeout so one stuck service cannot hold up shutdown, and logs
 * every transition with its reason.
 */
import type { Logger } from './logger';

export type ServiceState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

export interface Service {
  readonly name: string;
  readonly state: ServiceState;
  start(): Promise<void>;
  stop(reason: string): Promise<void>;
}

export class ServiceHost {
  private readonly services: Service[] = [];
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly stopTimeoutMs = 5000,
  ) {}

  add(service: Service): void {
    this.services.push(service);
  }

  list(): { name: string; state: ServiceState }[] {
    return this.services.map((s) => ({ name: s.name, state: s.state }));
  }

  /** Starts every service in order; if one fails, the ones already started are stopped again. */
  async start(): Promise<void> {
    for (const [index, service] of this.services.entries()) {
      this.logger.info('starting service', { service: service.name });
      try {
        await service.start();
      } catch (error) {
        this.logger.error('service failed to start', { service: service.name, error });
        await this.stopAll(this.services.slice(0, index), `start of ${service.name} failed`);
        throw error;
      }
    }
  }

  /** Stops every service in reverse order; calling it again joins the stop already under way. */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.stopAll(this.services, reason);
    return this.stopping;
  }

  private async stopAll(services: Service[], reason: string): Promise<void> {
    for (const service of [...services].reverse()) {
      this.logger.info('stopping service', { service: service.name, reason });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.stopTimeoutMs);
      });
      try {
        const outcome = await Promise.race([service.stop(reason).then(() => 'stopped' as const), timeout]);
        if (outcome === 'timeout')
          this.logger.warn('service did not stop in time', { service: service.name });
      } catch (error) {
        this.logger.error('service failed to stop', { service: service.name, error });
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
