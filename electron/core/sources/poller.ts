/**
 * Runs one polled source: polls at its interval, follows pagination to the
 * end, and commits each page's events together with the new cursor in one
 * transaction, so a crash at any point re-fetches at most the page in flight
 * (whose events the raw-event dedup key then stores only once). Failures back
 * off exponentially with jitter and honour Retry-After; every outcome lands
 * in the source's health.
 */
import type { Clock } from '../clock';
import type { SourceStatesRepo } from '../db/repos/source-states-repo';
import type { Ingestor } from '../ingest/ingestor';
import type { Logger } from '../logger';
import { SourceError } from './source-error';
import type { VendorClient } from './vendor-client';
import type { PolledSource } from './vendors/index';

/** Pages fetched in one run before yielding; the next run follows on at once. */
const MAX_PAGES_PER_RUN = 50;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 15 * 60_000;

export interface PollOutcome {
  ok: boolean;
  events: number;
  message: string;
}

export interface PollerDeps {
  source: PolledSource;
  client: VendorClient;
  ingestor: Ingestor;
  states: SourceStatesRepo;
  clock: Clock;
  logger: Logger;
  /** Health changed: the source manager pushes it to the UI. */
  onHealth: () => void;
  random?: () => number;
}

export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private readonly controller = new AbortController();
  private running: Promise<PollOutcome> | null = null;
  private stopped = false;

  constructor(private readonly deps: PollerDeps) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller.abort();
  }

  /** Polls now (or joins the poll under way) and returns what happened. */
  pollNow(): Promise<PollOutcome> {
    clearTimeout(this.timer);
    return this.run();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const { states, source, clock } = this.deps;
    states.save(source.id, {
      ...states.get(source.id),
      nextRun: new Date(clock.now() + delayMs).toISOString(),
    });
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private run(): Promise<PollOutcome> {
    this.running ??= this.pollPages().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pollPages(): Promise<PollOutcome> {
    const { source, client, ingestor, states, clock, logger } = this.deps;
    let total = 0;
    let more = false;
    try {
      for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
        const cursor = states.get(source.id).cursor;
        const result = await client.poll(cursor, { signal: this.controller.signal, clock, logger });
        if (this.stopped) break;
        ingestor.ingestMany(result.events, () => {
          const state = states.get(source.id);
          states.save(source.id, {
            ...state,
            cursor: result.cursor,
            eventsTotal: state.eventsTotal + result.events.length,
          });
        });
        total += result.events.length;
        more = result.more;
        if (!more) break;
      }
    } catch (error) {
      return this.failed(error);
    }
    if (this.stopped) return { ok: true, events: total, message: 'stopped' };
    const state = states.get(source.id);
    states.save(source.id, {
      ...state,
      lastSuccess: new Date(clock.now()).toISOString(),
      consecutiveFailures: 0,
    });
    if (total > 0) logger.success('polled', { source: source.id, events: total });
    this.schedule(more ? 0 : source.pollIntervalSec * 1000);
    this.deps.onHealth();
    return { ok: true, events: total, message: `${total} new event${total === 1 ? '' : 's'}` };
  }

  private failed(error: unknown): PollOutcome {
    const { source, states, clock, logger } = this.deps;
    if (this.stopped) return { ok: false, events: 0, message: 'stopped' };
    const message =
      error instanceof SourceError
        ? error.message
        : `unexpected error: ${(error as Error).message ?? String(error)}`;
    const state = states.get(source.id);
    const failures = state.consecutiveFailures + 1;
    states.save(source.id, {
      ...state,
      lastError: message,
      lastErrorAt: new Date(clock.now()).toISOString(),
      consecutiveFailures: failures,
    });
    logger.warn('poll failed', { source: source.id, failures, error: message });
    this.schedule(this.backoff(failures, error instanceof SourceError ? error.retryAfterMs : undefined));
    this.deps.onHealth();
    return { ok: false, events: 0, message };
  }

  /** Exponential from 5 s up to 15 min (or the poll interval, if longer), jittered ±20 %, never before Retry-After. */
  private backoff(failures: number, retryAfterMs: number | undefined): number {
    const random = this.deps.random ?? Math.random;
    const cap = Math.max(BACKOFF_MAX_MS, this.deps.source.pollIntervalSec * 1000);
    const exponential = Math.min(cap, BACKOFF_BASE_MS * 2 ** (failures - 1));
    const jittered = exponential * (0.8 + 0.4 * random());
    return Math.round(Math.max(jittered, retryAfterMs ?? 0));
  }
}
