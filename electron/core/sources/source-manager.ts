/**
 * Runs one runner per enabled source and keeps them in step with the config:
 * enabling, disabling, adding or removing a source starts or stops its runner
 * at once. Health lives in source_states so it survives restarts.
 */
import type { Config, SourceConfig } from '../../../shared/config';
import { SECRET_PATHS } from '../../../shared/config';
import type { Incident, SourceHealth } from '../../../shared/domain';
import type { Decision } from '../incidents/incident-actions';
import type { SourceView } from '../../../shared/ipc/contract';
import type { Clock } from '../clock';
import type { SourceStatesRepo } from '../db/repos/source-states-repo';
import type { EventBus } from '../event-bus';
import type { Ingestor } from '../ingest/ingestor';
import type { Logger } from '../logger';
import type { Service, ServiceState } from '../service-host';
import { DemoGenerator } from './demo-feed';
import type { PollOutcome } from './poller';
import { Poller } from './poller';
import { SourceError } from './source-error';
import { createVendorClient, isPolledSource } from './vendors/index';
import type { PolledSource } from './vendors/index';
import type { VendorClient } from './vendor-client';

interface Runner {
  stop(): void;
  pollNow?(): Promise<PollOutcome>;
  /** The runner's vendor client: write-backs share its session (a MaxPatrol token). */
  client?: VendorClient;
}

const TEST_TIMEOUT_MS = 20_000;

/** Fields of a source that hold secrets (from SECRET_PATHS `sources.*.<field>`). */
export const SOURCE_SECRET_FIELDS: readonly string[] = SECRET_PATHS.filter((p) =>
  p.startsWith('sources.*.'),
).map((p) => p.slice('sources.*.'.length));
const BASE_FIELDS = new Set(['id', 'kind', 'name', 'enabled', 'pollIntervalSec']);

/** Distinct incidents the demo feed sends at once so a newcomer never looks at an empty list. */
const DEMO_INITIAL_BURST = 6;

export class SourceManager implements Service {
  readonly name = 'sources';
  state: ServiceState = 'stopped';
  private readonly runners = new Map<string, { runner: Runner; signature: string }>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly deps: {
      config: {
        get(): Config;
        onChange(listener: (config: Config) => void): () => void;
        resolveSecret(value: string | undefined): string | undefined;
      };
      states: SourceStatesRepo;
      ingestor: Ingestor;
      bus: EventBus;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async start(): Promise<void> {
    if (this.state === 'running') return;
    this.state = 'running';
    this.unsubscribe = this.deps.config.onChange((config) => this.reconcile(config.sources));
    this.reconcile(this.deps.config.get().sources);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const { runner } of this.runners.values()) runner.stop();
    this.runners.clear();
    this.state = 'stopped';
    return Promise.resolve();
  }

  /** Every configured source with its health, in config order. */
  list(): SourceView[] {
    return this.deps.config.get().sources.map((source) => this.view(source));
  }

  view(source: SourceConfig): SourceView {
    const stored = this.deps.states.get(source.id);
    const running = this.runners.has(source.id);
    let state: SourceHealth['state'] = 'idle';
    if (!source.enabled) state = 'disabled';
    else if (stored.consecutiveFailures > 0) state = 'error';
    else if (stored.lastSuccess) state = 'ok';
    else if (running) state = 'running';
    const settings: Record<string, unknown> = {};
    const secrets: Record<string, boolean> = {};
    for (const [key, value] of Object.entries(source)) {
      if (SOURCE_SECRET_FIELDS.includes(key)) {
        secrets[key] = Boolean(this.deps.config.resolveSecret(value as string | undefined));
      } else if (!BASE_FIELDS.has(key)) {
        settings[key] = value;
      }
    }
    return {
      id: source.id,
      kind: source.kind,
      name: source.name,
      enabled: source.enabled,
      pollIntervalSec: source.pollIntervalSec,
      settings,
      secrets,
      health: {
        state,
        lastSuccess: stored.lastSuccess,
        lastError: stored.lastError,
        lastErrorAt: stored.lastErrorAt,
        consecutiveFailures: stored.consecutiveFailures,
        nextRun: source.enabled ? stored.nextRun : null,
        eventsTotal: stored.eventsTotal,
      },
    };
  }

  /** Polls a source now, out of schedule, and says what happened. */
  async pollNow(id: string): Promise<PollOutcome> {
    const source = this.deps.config.get().sources.find((s) => s.id === id);
    if (!source) throw new SourceError('config', `no source ${id}`);
    const runner = this.runners.get(id)?.runner;
    if (!runner) {
      return {
        ok: false,
        events: 0,
        message: source.enabled ? `${source.kind} sources are not polled` : 'the source is disabled',
      };
    }
    if (!runner.pollNow) return { ok: true, events: 0, message: 'this source is not polled' };
    return runner.pollNow();
  }

  /** A webhook source received `events` new alerts: its health shows it like a successful poll. */
  recordReceived(sourceId: string, events: number): void {
    const source = this.deps.config.get().sources.find((s) => s.id === sourceId);
    if (source) this.recordSuccess(source, events, null);
  }

  /** Writes a decision back to the incident's source when its client can; null when it cannot. */
  writeBack(incident: Incident, decision: Decision): Promise<string> | null {
    const source = this.deps.config.get().sources.find((s) => s.id === incident.source.id);
    if (!source || !source.enabled || !isPolledSource(source)) return null;
    const client = this.runners.get(source.id)?.runner.client ?? this.client(source);
    if (!client.applyDecision) return null;
    return client.applyDecision(incident, decision, {
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
      clock: this.deps.clock,
      logger: this.deps.logger,
    });
  }

  /** Checks a source's address and credentials without ingesting anything. */
  async test(source: SourceConfig): Promise<{ ok: boolean; message: string; latencyMs: number }> {
    const started = this.deps.clock.now();
    if (!isPolledSource(source)) {
      return { ok: true, message: `${source.kind} sources need no connection`, latencyMs: 0 };
    }
    try {
      const message = await this.client(source).test({
        signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
        clock: this.deps.clock,
        logger: this.deps.logger,
      });
      return { ok: true, message, latencyMs: this.deps.clock.now() - started };
    } catch (error) {
      const message =
        error instanceof SourceError ? error.message : `unexpected error: ${(error as Error).message}`;
      return { ok: false, message, latencyMs: this.deps.clock.now() - started };
    }
  }

  private client(source: PolledSource): VendorClient {
    const config = this.deps.config.get();
    return createVendorClient(source, {
      secret: (value) => this.deps.config.resolveSecret(value),
      ref: { kind: source.kind, id: source.id, name: source.name },
      timeZone: config.ui.timeZone,
    });
  }

  private reconcile(sources: SourceConfig[]): void {
    if (this.state !== 'running') return;
    const wanted = new Map(sources.filter((s) => s.enabled).map((s) => [s.id, s]));
    for (const [id, entry] of this.runners) {
      const source = wanted.get(id);
      if (!source || JSON.stringify(source) !== entry.signature) {
        entry.runner.stop();
        this.runners.delete(id);
        this.deps.logger.info('source stopped', { source: id });
      }
    }
    for (const source of wanted.values()) {
      if (this.runners.has(source.id)) continue;
      const runner = this.createRunner(source);
      if (runner) {
        this.runners.set(source.id, { runner, signature: JSON.stringify(source) });
        this.deps.logger.info('source started', { source: source.id, kind: source.kind });
      }
    }
    for (const source of sources) this.deps.bus.emit('sources.changed', this.view(source));
  }

  private createRunner(source: SourceConfig): Runner | null {
    switch (source.kind) {
      case 'demo':
        return this.demoRunner(source);
      case 'webhook':
        // Webhook sources receive on the listener; nothing to run.
        return null;
      case 'sentinelone':
      case 'maxpatrol':
      case 'deepinstinct': {
        const client = this.client(source);
        const poller = new Poller({
          source,
          client,
          ingestor: this.deps.ingestor,
          states: this.deps.states,
          clock: this.deps.clock,
          logger: this.deps.logger.child(source.id),
          onHealth: () => this.deps.bus.emit('sources.changed', this.view(source)),
        });
        poller.start();
        return { stop: () => poller.stop(), pollNow: () => poller.pollNow(), client };
      }
      default:
        return null;
    }
  }

  private demoRunner(source: Extract<SourceConfig, { kind: 'demo' }>): Runner {
    const { clock, ingestor, logger } = this.deps;
    const generator = new DemoGenerator(source.seed ?? clock.now(), clock);
    const ref = { kind: source.kind, id: source.id, name: source.name };
    const intervalMs = Math.max(10, Math.round(60_000 / source.ratePerMinute));
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const emit = (count: number, fresh: boolean) => {
      try {
        ingestor.ingestMany(Array.from({ length: count }, () => generator.next(ref, fresh)));
        this.recordSuccess(source, count, new Date(clock.now() + intervalMs).toISOString());
      } catch (error) {
        logger.error('demo feed failed', { source: source.id, error });
        this.recordFailure(source, (error as Error).message);
      }
    };
    const schedule = () => {
      timer = setTimeout(() => {
        if (stopped) return;
        emit(1, false);
        schedule();
      }, intervalMs);
    };
    const burst = this.deps.states.get(source.id).eventsTotal === 0 ? DEMO_INITIAL_BURST : 0;
    if (burst > 0) emit(burst, true);
    schedule();
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  private recordSuccess(source: SourceConfig, events: number, nextRun: string | null): void {
    const stored = this.deps.states.get(source.id);
    this.deps.states.save(source.id, {
      ...stored,
      lastSuccess: new Date(this.deps.clock.now()).toISOString(),
      consecutiveFailures: 0,
      nextRun,
      eventsTotal: stored.eventsTotal + events,
    });
    // Health pushes at most once per success keeps the UI live without flooding it at high demo rates.
    this.deps.bus.emit('sources.changed', this.view(source));
  }

  private recordFailure(source: SourceConfig, message: string): void {
    const stored = this.deps.states.get(source.id);
    const at = new Date(this.deps.clock.now()).toISOString();
    this.deps.states.save(source.id, {
      ...stored,
      lastError: message,
      lastErrorAt: at,
      consecutiveFailures: stored.consecutiveFailures + 1,
    });
    this.deps.bus.emit('sources.changed', this.view(source));
  }
}
