/**
 * Notifications (DESIGN.md §2: route -> outbox -> channel workers). Routing
 * runs inside the ingest transaction, so an incident and its outbox entries
 * commit together. One worker per enabled channel sends due entries in
 * order; a failure is retried with exponential backoff (Retry-After wins),
 * a rate-limited channel pauses as a whole, and an entry that fails too
 * often is parked as dead for a manual retry. A channel that is down never
 * holds up another channel or ingestion.
 */
import type { ChannelConfig, Config } from '../../../shared/config';
import type { Analysis, Incident } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { ConfigStore } from '../config/config-store';
import type { IncidentsRepo } from '../db/repos/incidents-repo';
import type { OutboxEntry, OutboxPurpose, OutboxRepo } from '../db/repos/outbox-repo';
import type { RawEventsRepo } from '../db/repos/raw-events-repo';
import type { TimelineRepo } from '../db/repos/timeline-repo';
import type { EventBus } from '../event-bus';
import type { IncidentChange } from '../ingest/ingestor';
import type { Logger } from '../logger';
import type { Sanitizer } from '../sanitizer/sanitizer';
import type { Service, ServiceState } from '../service-host';
import { SourceError } from '../sources/source-error';
import type { ChannelAdapter, OutgoingMessage } from './channel-adapter';
import { route } from './router';

const BATCH = 5;
const SEND_TIMEOUT_MS = 30_000;
const IDLE_RECHECK_MS = 30_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 30 * 60_000;
/** Attempts before an entry is parked as dead (about a day of backoff). */
export const MAX_ATTEMPTS = 10;
/** Raw events put in a message at most (a channel may show fewer). */
const MESSAGE_EVENTS = 20;

export interface NotificationDeps {
  config: ConfigStore;
  outbox: OutboxRepo;
  incidents: IncidentsRepo;
  rawEvents: RawEventsRepo;
  timeline: TimelineRepo;
  sanitizer: Sanitizer;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** The adapter for a channel (the registry in channels/index.ts). */
  adapterFor(channel: ChannelConfig): ChannelAdapter;
  /** The latest AI analysis, real values restored. */
  analysisFor(incident: Incident): Analysis | null;
  /** Where the console shows an incident, when known (the headless shell's URL). */
  appUrl(incidentId: string): string | null;
  random?: () => number;
  /** First retry delay; doubles per attempt. Tests shorten it. */
  backoffBaseMs?: number;
}

export interface TestResult {
  ok: boolean;
  message: string;
  latencyMs: number;
}

class ChannelWorker {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private pausedUntil = 0;
  readonly controller = new AbortController();

  constructor(
    readonly channelId: string,
    private readonly drain: (worker: ChannelWorker) => Promise<number | null>,
    private readonly now: () => number,
  ) {}

  /** Runs now (or right after the run under way). */
  wake(): void {
    if (this.controller.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = true;
    void this.drain(this)
      .then((nextAt) => this.afterRun(nextAt))
      .catch(() => this.afterRun(null));
  }

  pauseUntil(at: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, at);
  }

  get paused(): number {
    return this.pausedUntil;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.controller.abort();
  }

  private afterRun(nextAt: number | null): void {
    this.running = false;
    if (this.controller.signal.aborted) return;
    if (this.again) {
      this.again = false;
      this.wake();
      return;
    }
    const delay =
      nextAt === null ? IDLE_RECHECK_MS : Math.max(0, Math.min(IDLE_RECHECK_MS, nextAt - this.now()));
    this.timer = setTimeout(() => this.wake(), delay);
  }
}

export class NotificationService implements Service {
  readonly name = 'notify';
  state: ServiceState = 'stopped';
  private readonly workers = new Map<string, { worker: ChannelWorker; signature: string }>();
  private unsubscribers: (() => void)[] = [];
  private releaseTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: NotificationDeps) {}

  async start(): Promise<void> {
    if (this.state === 'running') return;
    this.state = 'running';
    const reset = this.deps.outbox.resetSending();
    if (reset > 0) this.deps.logger.info('resuming deliveries interrupted by a stop', { entries: reset });
    this.unsubscribers.push(this.deps.config.onChange((config) => this.reconcile(config)));
    this.unsubscribers.push(
      this.deps.bus.on((name, payload) => {
        if (name === 'incidents.changed') {
          const { item, change } = payload as { item: { id: string }; change: string };
          // Severity raises from ingestion were queued inside its transaction; this is the rest (status changes).
          if (change === 'updated') this.queueUpdate(item.id);
        } else if (name === 'incidents.analysis') {
          const { incidentId, state } = payload as { incidentId: string; state: string };
          if (state === 'done') this.queueUpdate(incidentId);
        }
      }),
    );
    this.reconcile(this.deps.config.get());
    this.scheduleRelease();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
    clearTimeout(this.releaseTimer);
    for (const { worker } of this.workers.values()) worker.stop();
    this.workers.clear();
    this.state = 'stopped';
    return Promise.resolve();
  }

  /**
   * Queues the notifications for newly created incidents and for incidents
   * whose severity rose. Runs inside the ingest transaction.
   */
  enqueueForChanges(changes: IncidentChange[]): void {
    const config = this.deps.config.get();
    const now = this.deps.clock.now();
    for (const { incident, change } of changes) {
      if (change === 'duplicate') continue;
      const purpose: OutboxPurpose = change === 'created' ? 'incident' : 'update';
      const decision = route(incident, config, now);
      if (decision.silencedBy && change === 'created') {
        const silence = decision.silencedBy;
        this.deps.timeline.add({
          incidentId: incident.id,
          at: new Date(now).toISOString(),
          actor: silence.owner,
          via: 'rule',
          action: 'silenced',
          detail: `no notification: silence ${silence.id} until ${silence.expiresAt}${silence.reason ? ` (${silence.reason})` : ''}`,
        });
      }
      for (const r of decision.routes) {
        if (purpose === 'update' && this.deps.outbox.hasWaiting(incident.id, r.channelId, 'update')) continue;
        this.deps.outbox.enqueue({
          incidentId: incident.id,
          channelId: r.channelId,
          purpose,
          state: r.state,
          nextAttemptAt: new Date(r.notBefore).toISOString(),
          reason: r.reason,
          now: new Date(now).toISOString(),
        });
      }
    }
    // Workers look once the transaction has committed.
    queueMicrotask(() => {
      for (const { worker } of this.workers.values()) worker.wake();
    });
  }

  /** Sends a test message to a channel now, outside the outbox, and says what happened. */
  async test(channelId: string): Promise<TestResult> {
    const channel = this.deps.config.get().channels.find((c) => c.id === channelId);
    if (!channel) return { ok: false, message: `no channel ${channelId}`, latencyMs: 0 };
    const started = this.deps.clock.now();
    const now = new Date(started).toISOString();
    const incident: Incident = {
      id: 'inc_test',
      fingerprint: 'test',
      source: { kind: 'demo', id: 'vigil', name: 'Vigil' },
      vendorId: null,
      consoleUrl: null,
      title: 'Test notification from Vigil',
      description: `If you can read this, ${channel.name} is set up. Sent at ${now}.`,
      severity: 'info',
      status: 'new',
      category: 'test',
      mitre: { tactics: [], techniques: [] },
      entities: { hosts: [], users: [], ips: [], files: [], processes: [], urls: [], domains: [] },
      firstSeen: now,
      lastSeen: now,
      count: 1,
      vendorStatus: null,
      assignee: null,
      tags: ['test'],
      createdAt: now,
      updatedAt: now,
    };
    try {
      const receipt = await this.deps.adapterFor(channel).send(
        {
          purpose: 'test',
          incident,
          events: [],
          analysis: null,
          appUrl: null,
          timeZone: this.deps.config.get().ui.timeZone,
        },
        this.context(channel, [], AbortSignal.timeout(SEND_TIMEOUT_MS)),
      );
      this.recordHealth(channel.id, true, receipt.detail);
      return { ok: true, message: receipt.detail, latencyMs: this.deps.clock.now() - started };
    } catch (error) {
      const message = describe(error);
      this.recordHealth(channel.id, false, message);
      return { ok: false, message, latencyMs: this.deps.clock.now() - started };
    }
  }

  /** Puts a dead entry back in the queue. */
  retry(outboxId: number): boolean {
    const entry = this.deps.outbox.get(outboxId);
    if (!entry || !this.deps.outbox.retryDead(outboxId, new Date(this.deps.clock.now()).toISOString()))
      return false;
    this.workers.get(entry.channelId)?.worker.wake();
    return true;
  }

  /** Queues an update for the channels that already sent this incident and deliver updates. */
  private queueUpdate(incidentId: string): void {
    const now = new Date(this.deps.clock.now()).toISOString();
    let queued = false;
    for (const channel of this.deps.config.get().channels) {
      if (!channel.enabled) continue;
      if (this.deps.outbox.sentRefs(incidentId, channel.id).length === 0) continue;
      if (!this.safeAdapter(channel)?.sendsUpdates) continue;
      if (this.deps.outbox.hasWaiting(incidentId, channel.id, 'update')) continue;
      this.deps.outbox.enqueue({
        incidentId,
        channelId: channel.id,
        purpose: 'update',
        nextAttemptAt: now,
        reason: 'incident changed',
        now,
      });
      queued = true;
      this.workers.get(channel.id)?.worker.wake();
    }
    if (queued) this.deps.logger.debug('queued message updates', { incidentId });
  }

  private reconcile(config: Config): void {
    if (this.state !== 'running') return;
    const wanted = new Map(config.channels.filter((c) => c.enabled).map((c) => [c.id, c]));
    for (const [id, entry] of this.workers) {
      const channel = wanted.get(id);
      if (!channel || JSON.stringify(channel) !== entry.signature) {
        entry.worker.stop();
        this.workers.delete(id);
      }
    }
    for (const channel of wanted.values()) {
      if (this.workers.has(channel.id)) continue;
      const worker = new ChannelWorker(
        channel.id,
        (w) => this.drain(w),
        () => this.deps.clock.now(),
      );
      this.workers.set(channel.id, { worker, signature: JSON.stringify(channel) });
      worker.wake();
    }
  }

  /** Releases entries held for quiet hours when their time comes. */
  private scheduleRelease(): void {
    this.releaseTimer = setTimeout(() => {
      if (this.state !== 'running') return;
      const released = this.deps.outbox.releaseHeld(new Date(this.deps.clock.now()).toISOString());
      if (released > 0) for (const { worker } of this.workers.values()) worker.wake();
      this.scheduleRelease();
    }, IDLE_RECHECK_MS);
  }

  /** Sends what is due for one channel; returns when to look again (epoch ms), or null to idle. */
  private async drain(worker: ChannelWorker): Promise<number | null> {
    const { outbox, clock } = this.deps;
    for (;;) {
      if (worker.controller.signal.aborted) return null;
      if (worker.paused > clock.now()) return worker.paused;
      const channel = this.deps.config.get().channels.find((c) => c.id === worker.channelId);
      if (!channel || !channel.enabled) return null;
      const due = outbox.due(channel.id, new Date(clock.now()).toISOString(), BATCH);
      if (due.length === 0) {
        const next = outbox.nextDue(channel.id);
        return next ? Date.parse(next) : null;
      }
      for (const entry of due) {
        if (worker.controller.signal.aborted) return null;
        const outcome = await this.deliver(channel, entry, worker.controller.signal);
        if (outcome.pauseUntil) {
          worker.pauseUntil(outcome.pauseUntil);
          return outcome.pauseUntil;
        }
      }
    }
  }

  private async deliver(
    channel: ChannelConfig,
    entry: OutboxEntry,
    stopSignal: AbortSignal,
  ): Promise<{ pauseUntil?: number }> {
    const { outbox, clock, logger } = this.deps;
    const iso = () => new Date(clock.now()).toISOString();
    const sending: OutboxEntry = { ...entry, state: 'sending', attempts: entry.attempts + 1 };
    outbox.update(sending, iso());
    try {
      const message = this.buildMessage(channel, entry);
      if (!message) {
        outbox.update({ ...sending, state: 'dead', lastError: 'the incident no longer exists' }, iso());
        return {};
      }
      const previous = entry.incidentId ? outbox.sentRefs(entry.incidentId, channel.id) : [];
      const signal = AbortSignal.any([stopSignal, AbortSignal.timeout(SEND_TIMEOUT_MS)]);
      const receipt = await this.deps
        .adapterFor(channel)
        .send(message, this.context(channel, previous, signal));
      const now = iso();
      for (const ref of receipt.refs) {
        if (entry.incidentId) outbox.putSentRef(entry.incidentId, channel.id, ref.address, ref.ref, now);
      }
      outbox.update({ ...sending, state: 'sent', sentAt: now, lastError: null }, now);
      outbox.logDelivery(entry.id, channel.id, now, true, receipt.detail);
      this.recordHealth(channel.id, true, receipt.detail);
      logger.success('delivered', {
        channel: channel.id,
        incident: entry.incidentId,
        purpose: entry.purpose,
      });
      return {};
    } catch (error) {
      if (stopSignal.aborted) {
        // Stopping: the entry goes back to the queue as it was, for the next start.
        outbox.update({ ...entry }, iso());
        return {};
      }
      const message = describe(error);
      const retryAfter = error instanceof SourceError ? error.retryAfterMs : undefined;
      const permanent = error instanceof SourceError && error.kind === 'config';
      const dead = permanent || sending.attempts >= MAX_ATTEMPTS;
      const nextAt = clock.now() + Math.max(this.backoff(sending.attempts), retryAfter ?? 0);
      const now = iso();
      outbox.update(
        {
          ...sending,
          state: dead ? 'dead' : 'pending',
          nextAttemptAt: new Date(dead ? clock.now() : nextAt).toISOString(),
          lastError: message,
        },
        now,
      );
      outbox.logDelivery(entry.id, channel.id, now, false, message);
      this.recordHealth(channel.id, false, message);
      logger.warn(dead ? 'delivery failed for good' : 'delivery failed, will retry', {
        channel: channel.id,
        incident: entry.incidentId,
        attempts: sending.attempts,
        error: message,
      });
      if (error instanceof SourceError && error.kind === 'rate_limited') return { pauseUntil: nextAt };
      return {};
    }
  }

  private buildMessage(channel: ChannelConfig, entry: OutboxEntry): OutgoingMessage | null {
    if (!entry.incidentId) return null;
    const incident = this.deps.incidents.get(entry.incidentId);
    if (!incident) return null;
    const events = this.deps.rawEvents.listForIncident(incident.id, MESSAGE_EVENTS);
    const analysis = this.deps.analysisFor(incident);
    const message: OutgoingMessage = {
      purpose: entry.purpose,
      incident,
      events,
      analysis,
      appUrl: this.deps.appUrl(incident.id),
      timeZone: this.deps.config.get().ui.timeZone,
    };
    // One mask call over everything keeps pseudonyms consistent across the message. The source
    // is Vigil's own configuration (a name the analyst chose), not data about the victim.
    const { source, ...rest } = incident;
    if (!channel.mask) {
      // Real values on this channel, but never a victim's credentials (sanitizer/README.md).
      const shown = this.deps.sanitizer.redactSecrets({ incident: rest, events, analysis });
      return {
        ...message,
        incident: { ...shown.incident, source },
        events: shown.events,
        analysis: shown.analysis,
      };
    }
    const masked = this.deps.sanitizer.mask(
      { incident: rest, events: message.events, analysis: message.analysis },
      incident.entities,
    ).value;
    return {
      ...message,
      incident: { ...masked.incident, source },
      events: masked.events,
      analysis: masked.analysis,
    };
  }

  private context(channel: ChannelConfig, previous: { address: string; ref: string }[], signal: AbortSignal) {
    return {
      signal,
      clock: this.deps.clock,
      logger: this.deps.logger.child(channel.id),
      secret: (value: string | undefined) => this.deps.config.resolveSecret(value),
      previous,
    };
  }

  private safeAdapter(channel: ChannelConfig): ChannelAdapter | null {
    try {
      return this.deps.adapterFor(channel);
    } catch {
      return null;
    }
  }

  private recordHealth(channelId: string, ok: boolean, detail: string): void {
    const state = this.deps.outbox.channelState(channelId);
    const now = new Date(this.deps.clock.now()).toISOString();
    this.deps.outbox.saveChannelState(
      channelId,
      ok
        ? { ...state, lastDelivery: now, deliveredTotal: state.deliveredTotal + 1 }
        : { ...state, lastError: detail, lastErrorAt: now },
    );
    this.deps.bus.emit('channels.changed', { id: channelId });
  }

  private backoff(attempts: number): number {
    const random = this.deps.random ?? Math.random;
    const base = Math.min(BACKOFF_MAX_MS, (this.deps.backoffBaseMs ?? BACKOFF_BASE_MS) * 2 ** (attempts - 1));
    return Math.round(base * (0.8 + 0.4 * random()));
  }
}

function describe(error: unknown): string {
  if (error instanceof SourceError) return error.message;
  return `unexpected error: ${(error as Error).message ?? String(error)}`;
}
