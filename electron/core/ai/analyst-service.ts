/**
 * The AI analyst: triage of incidents by an LLM, after ingestion and never
 * in its way. New incidents at or above ai.minSeverity (and any incident an
 * analyst asks about) wait in a small queue worked by at most two requests at
 * a time. Before anything is sent:
 *
 * - a finished answer for the same fingerprint is reused (cached, no call);
 * - the UTC day's token budget is checked (spent: skipped, no call);
 * - the prompt is masked by the sanitizer; the pseudonym map stays here.
 *
 * The answer is validated, stored as given (pseudonyms) with its map, and
 * shown with real values restored. Every outcome is pushed as
 * `incidents.analysis`; failures are kept on the incident and in ai.status.
 */
import { performance } from 'node:perf_hooks';

import type { Analysis, Incident, IncidentListItem } from '../../../shared/domain';
import { severityRank } from '../../../shared/domain';
import type { AiStatus, EventName, EventPayload } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { Clock } from '../clock';
import type { ConfigStore } from '../config/config-store';
import type { Db } from '../db/database';
import type { AnalysesRepo, AnalysisOutcome, StoredAnalysis } from '../db/repos/analyses-repo';
import { createAnalysesRepo } from '../db/repos/analyses-repo';
import type { IncidentsRepo } from '../db/repos/incidents-repo';
import type { RawEventsRepo } from '../db/repos/raw-events-repo';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import { Sanitizer } from '../sanitizer/sanitizer';
import type { Service, ServiceState } from '../service-host';
import type { AnalysisAnswer } from './answer';
import { answerSchema, extractJson, mapStrings, parseAnswer } from './answer';
import type { ChatResult, LlmClient, LlmSettings, RetryPolicy } from './llm-client';
import { abortableSleep, chatWithRetries, createOpenAiClient, toLlmError } from './llm-client';
import type { ChatMessage, Masker } from './prompt';
import { PROMPT_EVENTS, buildPrompt } from './prompt';

/** Requests in flight at once: local models serve one at a time, hosted ones throttle. */
const DEFAULT_CONCURRENCY = 2;
/** Waiting analyses kept; beyond this a burst is skipped (each can still be analysed on demand). */
const MAX_QUEUE = 200;
const RETRIES = 2;
const DEFAULT_RETRY_BASE_MS = 1000;
const MAX_RETRY_AFTER_MS = 60_000;
const TEST_PROMPT: ChatMessage[] = [
  { role: 'system', content: 'Reply with the JSON object {"ok":true} and nothing else.' },
  { role: 'user', content: 'ping' },
];

export interface AnalystDeps {
  db: Db;
  incidents: IncidentsRepo;
  rawEvents: RawEventsRepo;
  config: Pick<ConfigStore, 'get' | 'resolveSecret'>;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** Defaults to the sanitizer over config.sanitizer (classes and allow-list; always enabled here). */
  sanitizer?: Masker;
  /** Defaults to the openai package against ai.baseUrl. */
  createClient?: (settings: LlmSettings) => LlmClient;
  /** First retry backoff (tests shorten it). */
  retryBaseMs?: number;
  concurrency?: number;
  /**
   * Whether the incident's first notification has yet to be tried. First
   * alert fast, AI later (DESIGN.md §2): automatic analyses wait for it, a
   * bounded while, so a message never waits for the model and the model's
   * answer arrives as an edit or follow-up.
   */
  firstNotificationPending?: (incidentId: string) => boolean;
}

/** Longest an automatic analysis waits for the first notification (a slow channel must not starve it). */
const FIRST_NOTIFICATION_WAIT_MS = 30_000;

interface Job {
  incidentId: string;
  fingerprint: string;
  analysisId: number;
  force: boolean;
  /** Asked for by an analyst: served before automatic ones. */
  manual: boolean;
  rank: number;
  seq: number;
}

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
}

export type AnalyzeOutcome = { state: 'queued' | 'cached' | 'skipped'; message: string };

/** The UTC day (YYYY-MM-DD) the budget counts in. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function budgetMessage(budget: number): string {
  return `daily token budget of ${String(budget)} spent; raise ai.dailyTokenBudget or wait until 00:00 UTC`;
}

export class AnalystService implements Service {
  readonly name = 'ai';
  state: ServiceState = 'stopped';

  private readonly analyses: AnalysesRepo;
  private readonly sanitizer: Masker;
  private readonly retryBaseMs: number;
  private readonly concurrency: number;
  private queue: Job[] = [];
  private readonly running = new Map<string, Running>();
  private inbox: IncidentListItem[] = [];
  private inboxTimer: NodeJS.Immediate | null = null;
  private unsubscribe: (() => void) | null = null;
  private seq = 0;
  private client: { key: string; client: LlmClient } | null = null;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;

  constructor(private readonly deps: AnalystDeps) {
    this.analyses = createAnalysesRepo(deps.db);
    // The LLM always gets masked data (DESIGN.md §2): sanitizer.enabled governs chat channels, not this.
    this.sanitizer = deps.sanitizer ?? Sanitizer.alwaysOn(() => deps.config.get().sanitizer);
    this.retryBaseMs = deps.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  }

  start(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    this.unsubscribe = this.deps.bus.on((name, payload) => this.onEvent(name, payload));
    this.state = 'running';
    this.resumePending();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.inboxTimer) clearImmediate(this.inboxTimer);
    this.inboxTimer = null;
    this.inbox = [];
    // Queued and interrupted analyses stay pending in the database and resume at the next start.
    this.queue = [];
    const running = [...this.running.values()];
    for (const { controller } of running) controller.abort();
    await Promise.all(running.map((r) => r.done));
    this.state = 'stopped';
  }

  /** The latest analysis of an incident with real values restored, or null. */
  analysisFor(incident: Incident): Analysis | null {
    const stored = this.analyses.latestForIncident(incident.id);
    return stored ? this.present(stored) : null;
  }

  /**
   * Queues an analysis on an analyst's request, whatever the severity. Without
   * `force`, an existing answer (this incident's, or one for its fingerprint)
   * is reused; with it, the incident is analysed afresh.
   */
  analyze(id: string, force: boolean): Promise<AnalyzeOutcome> {
    const incident = this.deps.incidents.get(id);
    if (!incident) return Promise.reject(new ContractError('not_found', `no incident ${id}`));
    const ai = this.deps.config.get().ai;
    if (!ai.enabled) {
      return Promise.resolve({
        state: 'skipped',
        message: 'AI analysis is turned off: enable it in Settings → AI',
      });
    }
    if (this.state !== 'running') {
      return Promise.reject(new ContractError('unavailable', 'the AI analyst is not running'));
    }
    const active = this.findJob(id);
    if (active) {
      if (force) active.force = true;
      if (!active.manual && this.queue.includes(active)) {
        active.manual = true;
        this.sortQueue();
      }
      return Promise.resolve({ state: 'queued', message: 'already queued for analysis' });
    }
    if (!force) {
      const own = this.analyses.latestForIncident(id);
      if (own?.state === 'done') {
        return Promise.resolve({
          state: 'cached',
          message: 'already analysed; analyse again to replace the answer',
        });
      }
    }
    return Promise.resolve(this.accept(incident, { force, manual: true }));
  }

  /** Sends one tiny request with the current settings and says what came back. */
  async test(): Promise<{ ok: boolean; message: string; model: string; latencyMs: number }> {
    const ai = this.deps.config.get().ai;
    const client = this.clientFor();
    const started = performance.now();
    try {
      const result = await client.chat({ messages: TEST_PROMPT, json: true, maxTokens: ai.maxTokens });
      const latencyMs = Math.round(performance.now() - started);
      this.countUsage(result);
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(extractJson(result.content) ?? '');
      } catch {
        // Reported below: the endpoint works but this model does not answer in JSON.
      }
      if (parsed === null || typeof parsed !== 'object') {
        const message = `${result.model} answered in ${String(latencyMs)} ms, but not with JSON ("${result.content.slice(0, 60)}"): analyses need a model that follows JSON instructions`;
        this.recordError(message);
        return { ok: false, message, model: result.model, latencyMs };
      }
      this.clearError();
      return {
        ok: true,
        message: `${result.model} answered in ${String(latencyMs)} ms`,
        model: result.model,
        latencyMs,
      };
    } catch (thrown) {
      const latencyMs = Math.round(performance.now() - started);
      const error = toLlmError(thrown, client.settings, this.deps.clock.now());
      this.recordError(error.message);
      return { ok: false, message: error.message, model: ai.model, latencyMs };
    }
  }

  status(): AiStatus {
    const ai = this.deps.config.get().ai;
    return {
      enabled: ai.enabled,
      model: ai.model,
      baseUrl: ai.baseUrl,
      apiKeySet: Boolean(this.deps.config.resolveSecret(ai.apiKey)),
      tokensToday: this.tokensToday(),
      dailyTokenBudget: ai.dailyTokenBudget,
      queued: this.queue.length + this.running.size,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  // --- intake -------------------------------------------------------------

  private onEvent(name: EventName, payload: unknown): void {
    if (name === 'backup.restored') {
      // Queued jobs point at rows the restore replaced; the restored database says what is pending.
      this.queue = [];
      this.resumePending();
      return;
    }
    if (name !== 'incidents.changed') return;
    const { item, change } = payload as EventPayload<'incidents.changed'>;
    if (change === 'duplicate') return;
    // Called inside the ingest path: only note the incident; the work happens after ingestion returns.
    this.inbox.push(item);
    this.inboxTimer ??= setImmediate(() => this.drainInbox());
  }

  private drainInbox(): void {
    this.inboxTimer = null;
    const items = this.inbox;
    this.inbox = [];
    for (const item of items) {
      try {
        this.autoEnqueue(item);
      } catch (error) {
        this.deps.logger.error('could not queue an analysis', { incident: item.id, error: String(error) });
      }
    }
  }

  private autoEnqueue(item: IncidentListItem): void {
    if (this.state !== 'running') return;
    const ai = this.deps.config.get().ai;
    if (!ai.enabled || severityRank(item.severity) < severityRank(ai.minSeverity)) return;
    if (this.findJob(item.id)) return;
    const latest = this.analyses.latestForIncident(item.id);
    if (latest && (latest.state === 'done' || latest.state === 'pending')) return;
    const incident = this.deps.incidents.get(item.id);
    if (incident) this.accept(incident, { force: false, manual: false });
  }

  /** Decides at once what can be decided without the model (cache, budget, room), else queues. */
  private accept(incident: Incident, options: { force: boolean; manual: boolean }): AnalyzeOutcome {
    const now = this.isoNow();
    if (!options.force) {
      const reused = this.reuse(incident, now);
      if (reused)
        return { state: 'cached', message: 'reused the analysis of an earlier incident like this one' };
    }
    const budget = this.budgetError();
    if (budget) {
      this.storeFinal(incident, { state: 'skipped', error: budget }, now);
      return { state: 'skipped', message: budget };
    }
    if (this.queue.length >= MAX_QUEUE) {
      const error = `the AI queue is full (${String(MAX_QUEUE)} waiting); analyse this incident later`;
      this.storeFinal(incident, { state: 'skipped', error }, now);
      return { state: 'skipped', message: error };
    }
    const analysisId = this.analyses.insert({
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      state: 'pending',
      answer: null,
      map: {},
      model: null,
      promptTokens: null,
      completionTokens: null,
      latencyMs: null,
      cached: false,
      error: null,
      createdAt: now,
      finishedAt: null,
    });
    this.push({
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      analysisId,
      force: options.force,
      manual: options.manual,
      rank: severityRank(incident.severity),
      seq: 0,
    });
    this.emit(incident.id, 'pending');
    return { state: 'queued', message: 'queued for analysis' };
  }

  private async afterFirstNotification(incidentId: string, signal: AbortSignal): Promise<void> {
    const pending = this.deps.firstNotificationPending;
    if (!pending) return;
    const deadline = Date.now() + FIRST_NOTIFICATION_WAIT_MS;
    while (!signal.aborted && Date.now() < deadline && pending(incidentId)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Analyses left pending by a stop or crash are queued again. */
  private resumePending(): void {
    for (const stored of this.analyses.listPending()) {
      if (this.findJob(stored.incidentId)) continue;
      const incident = this.deps.incidents.get(stored.incidentId);
      if (!incident) continue;
      this.push({
        incidentId: incident.id,
        fingerprint: incident.fingerprint,
        analysisId: stored.id,
        force: false,
        manual: false,
        rank: severityRank(incident.severity),
        seq: 0,
      });
    }
  }

  private push(job: Job): void {
    job.seq = ++this.seq;
    this.queue.push(job);
    this.sortQueue();
    this.pump();
  }

  /** Analyst requests first, then the most severe, then first come. */
  private sortQueue(): void {
    this.queue.sort((a, b) => Number(b.manual) - Number(a.manual) || b.rank - a.rank || a.seq - b.seq);
  }

  private findJob(incidentId: string): Job | undefined {
    return this.running.get(incidentId)?.job ?? this.queue.find((j) => j.incidentId === incidentId);
  }

  private pump(): void {
    while (this.state === 'running' && this.running.size < this.concurrency) {
      const busy = new Set([...this.running.values()].map((r) => r.job.fingerprint));
      // A second incident with a fingerprint being analysed waits, then reuses that answer.
      const index = this.queue.findIndex((j) => j.force || !busy.has(j.fingerprint));
      if (index < 0) return;
      const job = this.queue.splice(index, 1)[0]!;
      const controller = new AbortController();
      const done = this.run(job, controller.signal)
        .catch((error: unknown) => {
          this.deps.logger.error('analysis crashed', { incident: job.incidentId, error: String(error) });
        })
        .finally(() => {
          this.running.delete(job.incidentId);
          this.pump();
        });
      this.running.set(job.incidentId, { job, controller, done });
    }
  }

  // --- one analysis -------------------------------------------------------

  private async run(job: Job, signal: AbortSignal): Promise<void> {
    if (!job.manual) await this.afterFirstNotification(job.incidentId, signal);
    const incident = this.deps.incidents.get(job.incidentId);
    if (!incident) return;
    if (!this.deps.config.get().ai.enabled) {
      this.finish(job, { state: 'skipped', error: 'AI analysis was turned off before this incident’s turn' });
      return;
    }
    if (!job.force && this.reuse(incident, this.isoNow(), job)) return;
    const budget = this.budgetError();
    if (budget) {
      this.finish(job, { state: 'skipped', error: budget });
      return;
    }

    let messages: ChatMessage[];
    let map: Record<string, string>;
    try {
      const prompt = buildPrompt(
        incident,
        this.deps.rawEvents.listForIncident(incident.id, PROMPT_EVENTS),
        this.sanitizer,
      );
      messages = prompt.messages;
      map = prompt.map;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.finish(job, { state: 'failed', error: `masking failed, nothing was sent: ${reason}` });
      return;
    }

    const ai = this.deps.config.get().ai;
    const client = this.clientFor();
    const policy: RetryPolicy = {
      retries: RETRIES,
      baseMs: this.retryBaseMs,
      maxWaitMs: MAX_RETRY_AFTER_MS,
      sleep: abortableSleep,
      onRetry: (error, attempt, waitMs) =>
        this.deps.logger.warn('AI request failed, retrying', {
          incident: incident.id,
          attempt,
          waitMs,
          error: error.message,
        }),
    };
    const started = performance.now();
    let promptTokens = 0;
    let completionTokens = 0;
    let model = ai.model;
    try {
      for (let attempt = 1; ; attempt += 1) {
        const result = await chatWithRetries(
          client,
          { messages, json: true, maxTokens: ai.maxTokens, signal },
          policy,
        );
        this.countUsage(result);
        promptTokens += result.promptTokens;
        completionTokens += result.completionTokens;
        model = result.model;
        const parsed = parseAnswer(result.content, result.truncated);
        const spent = { model, promptTokens, completionTokens, latencyMs: this.since(started), map };
        if (parsed.ok) {
          this.finish(job, { state: 'done', answer: parsed.answer, ...spent });
          this.clearError();
          this.deps.logger.info('incident analysed', {
            incident: incident.id,
            model,
            promptTokens,
            completionTokens,
            latencyMs: spent.latencyMs,
          });
          return;
        }
        const retryBudget = this.budgetError();
        if (attempt >= 2 || retryBudget) {
          const error = attempt >= 2 ? `${parsed.error} (after 2 tries)` : parsed.error;
          this.finish(job, { state: 'failed', error, ...spent });
          return;
        }
        this.deps.logger.warn('AI answer invalid, asking again', {
          incident: incident.id,
          error: parsed.error,
        });
        // The second try shows the model its own reply and what was wrong with it.
        messages = [
          ...messages,
          { role: 'assistant', content: result.content },
          {
            role: 'user',
            content: `That answer was not usable: ${parsed.error}. Reply again with only the JSON object described.`,
          },
        ];
      }
    } catch (thrown) {
      const error = toLlmError(thrown, client.settings, this.deps.clock.now());
      // Stopping: the analysis stays pending and resumes at the next start.
      if (error.kind === 'aborted' && this.state !== 'running') return;
      this.finish(job, {
        state: 'failed',
        error: error.message,
        model,
        promptTokens,
        completionTokens,
        latencyMs: this.since(started),
        map,
      });
    }
  }

  /**
   * Reuses a finished answer for the incident's fingerprint (from another
   * incident, or an earlier analysis of this one). With `job`, its pending row
   * is finished; without, a row is added.
   */
  private reuse(incident: Incident, now: string, job?: Job): boolean {
    const source = this.analyses.latestDoneForFingerprint(incident.fingerprint);
    if (!source) return false;
    const outcome: AnalysisOutcome = {
      state: 'done',
      answer: source.answer,
      map: source.map,
      model: source.model,
      promptTokens: 0,
      completionTokens: 0,
      latencyMs: 0,
      cached: true,
      error: null,
      finishedAt: now,
    };
    if (job) this.analyses.finish(job.analysisId, outcome);
    else {
      this.analyses.insert({
        ...outcome,
        incidentId: incident.id,
        fingerprint: incident.fingerprint,
        createdAt: now,
      });
    }
    this.deps.logger.info('reused an earlier analysis', { incident: incident.id, from: source.incidentId });
    this.emit(incident.id, 'done');
    return true;
  }

  private finish(
    job: Job,
    outcome: Partial<Omit<AnalysisOutcome, 'answer'>> & {
      state: AnalysisOutcome['state'];
      answer?: AnalysisAnswer;
    },
  ): void {
    this.analyses.finish(job.analysisId, {
      answer: outcome.answer ?? null,
      map: outcome.map ?? {},
      model: outcome.model ?? null,
      promptTokens: outcome.promptTokens ?? null,
      completionTokens: outcome.completionTokens ?? null,
      latencyMs: outcome.latencyMs ?? null,
      cached: false,
      error: outcome.error ?? null,
      finishedAt: this.isoNow(),
      state: outcome.state,
    });
    if (outcome.error) {
      this.recordError(outcome.error);
      this.deps.logger.warn('incident not analysed', { incident: job.incidentId, error: outcome.error });
    }
    this.emit(job.incidentId, outcome.state);
  }

  private storeFinal(incident: Incident, outcome: { state: 'skipped'; error: string }, now: string): void {
    this.analyses.insert({
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      state: outcome.state,
      answer: null,
      map: {},
      model: null,
      promptTokens: null,
      completionTokens: null,
      latencyMs: null,
      cached: false,
      error: outcome.error,
      createdAt: now,
      finishedAt: now,
    });
    this.recordError(outcome.error);
    this.emit(incident.id, outcome.state);
  }

  // --- helpers ------------------------------------------------------------

  /** Restores real values in a stored answer for the UI. */
  private present(stored: StoredAnalysis): Analysis {
    const parsed = stored.answer === null ? null : answerSchema.safeParse(stored.answer);
    const answer = parsed?.success
      ? mapStrings(parsed.data, (text) => this.sanitizer.unmask(text, stored.map))
      : null;
    return {
      state: stored.state,
      summary: answer?.summary ?? null,
      severityAssessment: answer?.severityAssessment ?? null,
      mitigationSteps: answer?.mitigationSteps ?? [],
      investigationSteps: answer?.investigationSteps ?? [],
      confidence: answer?.confidence ?? null,
      model: stored.model,
      promptTokens: stored.promptTokens,
      completionTokens: stored.completionTokens,
      latencyMs: stored.latencyMs,
      cached: stored.cached,
      error: stored.error,
      createdAt: stored.finishedAt ?? stored.createdAt,
    };
  }

  private clientFor(): LlmClient {
    const ai = this.deps.config.get().ai;
    const settings: LlmSettings = {
      baseUrl: ai.baseUrl,
      apiKey: this.deps.config.resolveSecret(ai.apiKey),
      model: ai.model,
      timeoutMs: ai.timeoutSec * 1000,
    };
    // Kept while the settings hold, so what the client learnt about the server (no response_format) sticks.
    const key = JSON.stringify(settings);
    if (this.client?.key !== key) {
      const create = this.deps.createClient ?? ((s: LlmSettings) => createOpenAiClient(s));
      this.client = { key, client: create(settings) };
    }
    return this.client.client;
  }

  private tokensToday(): number {
    const usage = this.analyses.usage(utcDay(this.deps.clock.now()));
    return usage.promptTokens + usage.completionTokens;
  }

  private budgetError(): string | null {
    const budget = this.deps.config.get().ai.dailyTokenBudget;
    return this.tokensToday() >= budget ? budgetMessage(budget) : null;
  }

  private countUsage(result: ChatResult): void {
    this.analyses.addUsage(utcDay(this.deps.clock.now()), result.promptTokens, result.completionTokens);
  }

  private recordError(message: string): void {
    this.lastError = message;
    this.lastErrorAt = this.isoNow();
  }

  private clearError(): void {
    this.lastError = null;
    this.lastErrorAt = null;
  }

  private emit(incidentId: string, state: Analysis['state']): void {
    this.deps.bus.emit('incidents.analysis', { incidentId, state });
  }

  private isoNow(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  private since(started: number): number {
    return Math.round(performance.now() - started);
  }
}
