/**
 * The AnalystService over a real :memory: database, the real Ingestor and
 * EventBus, a manual clock and an in-memory LLM client: what is queued and
 * when, the fingerprint cache, the daily budget, answer validation, failures
 * on the incident and in ai.status, bounded concurrency, resuming after a
 * stop, and logs free of the key and of real values. No network.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ConfigInput } from '../../shared/config';
import { parseConfig } from '../../shared/config';
import type { Severity } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { AnalystService, budgetMessage } from '../../electron/core/ai/analyst-service';
import type { ChatRequest, ChatResult, LlmClient, LlmSettings } from '../../electron/core/ai/llm-client';
import { LlmError } from '../../electron/core/ai/llm-client';
import { ManualClock } from '../../electron/core/clock';
import { createAnalysesRepo } from '../../electron/core/db/repos/analyses-repo';
import { LogSink, createLogger } from '../../electron/core/logger';
import { stubMasker, triageAnswer } from '../helpers/fake-llm';
import { memoryIngestor } from '../helpers/test-db';
import { normalizedFixture } from '../helpers/incidents';

const API_KEY = 'sk-unit-secret-key-0123456789';
const HOST = 'WS-FIN-014.corp.example.com';

type Step =
  { content: string; usage?: [number, number] } | LlmError | { gate: Promise<void>; content: string };

class ScriptedLlm implements LlmClient {
  readonly requests: ChatRequest[] = [];
  readonly steps: Step[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(readonly settings: LlmSettings) {}

  async chat(request: ChatRequest): Promise<ChatResult> {
    this.requests.push(request);
    const step = this.steps.shift() ?? { content: JSON.stringify(triageAnswer('HOST_1')) };
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (step instanceof LlmError) throw step;
      if ('gate' in step) {
        // Like the real client: a stop aborts the request in flight.
        await Promise.race([
          step.gate,
          new Promise<never>((_, reject) => {
            request.signal?.addEventListener('abort', () =>
              reject(new LlmError('aborted', 'the request was cancelled')),
            );
          }),
        ]);
      }
      const usage: [number, number] = 'usage' in step && step.usage ? step.usage : [100, 50];
      return {
        content: step.content,
        model: 'scripted-model',
        promptTokens: usage[0],
        completionTokens: usage[1],
        usageReported: true,
        truncated: false,
      };
    } finally {
      this.inFlight -= 1;
    }
  }
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const services: AnalystService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
});

function setup(ai: NonNullable<ConfigInput['ai']> = {}) {
  const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
  const { db, bus, pushed, repos, ingestor } = memoryIngestor({ clock, dedupWindowSec: 3600 });
  const state = {
    config: parseConfig({ ai: { enabled: true, apiKey: API_KEY, minSeverity: 'medium', ...ai } }),
  };
  const config = { get: () => state.config, resolveSecret: (value: string | undefined) => value };
  const lines: string[] = [];
  const logger = createLogger(new LogSink({ dir: null, level: 'debug', echo: (l) => lines.push(l) }), 'ai');
  let llm: ScriptedLlm | null = null;
  const steps: Step[] = [];
  const make = () =>
    new AnalystService({
      db,
      ...repos,
      config,
      bus,
      clock,
      logger,
      sanitizer: stubMasker,
      retryBaseMs: 1,
      createClient: (settings) => {
        llm = new ScriptedLlm(settings);
        llm.steps.push(...steps.splice(0));
        return llm;
      },
    });
  const analyst = make();
  services.push(analyst);

  let n = 0;
  const ingest = (severity: Severity = 'high', fingerprint = `fp-${String(++n)}`) => {
    const result = ingestor.ingest({
      source: { kind: 'webhook', id: 'api-alert', name: 'Webhook' },
      route: '/api/alert',
      body: JSON.stringify({ target: HOST, user: 'CORP\\j.doe', cmd: `psexec \\\\${HOST} cmd` }),
      via: 'webhook',
      incident: normalizedFixture({
        fingerprint,
        title: `Mimikatz on ${HOST}`,
        description: 'CORP\\j.doe ran mimikatz',
        severity,
        category: 'credential_access',
        mitre: { tactics: [], techniques: ['T1003'] },
        entities: { ...emptyEntities(), hosts: [HOST], users: ['CORP\\j.doe'] },
      }),
    });
    return result.incidentId!;
  };
  const analysis = (id: string) => analyst.analysisFor(repos.incidents.get(id)!);
  const states = (id: string) =>
    pushed
      .filter((p) => p.name === 'incidents.analysis')
      .map((p) => p.payload as { incidentId: string; state: string })
      .filter((p) => p.incidentId === id)
      .map((p) => p.state);
  return {
    db,
    clock,
    repos,
    state,
    analyst,
    steps,
    llm: () => llm,
    calls: () => llm?.requests.length ?? 0,
    ingest,
    analysis,
    states,
    lines,
    make: () => {
      const again = make();
      services.push(again);
      return again;
    },
  };
}

const done = (t: ReturnType<typeof setup>, id: string, state = 'done') =>
  vi.waitFor(() => expect(t.analysis(id)?.state).toBe(state), { timeout: 2000, interval: 5 });

describe('AnalystService', () => {
  it('analyses a new incident after ingestion returns, and shows it with real values restored', async () => {
    const t = setup();
    await t.analyst.start();
    const id = t.ingest('high');
    // Ingestion returned; nothing has been asked of the model yet (and nothing written).
    expect(t.calls()).toBe(0);
    expect(t.analysis(id)).toBeNull();

    await done(t, id);
    expect(t.calls()).toBe(1);
    const prompt = t
      .llm()!
      .requests[0]!.messages.map((m) => m.content)
      .join('\n');
    expect(prompt).not.toContain('WS-FIN-014');
    expect(prompt.toLowerCase()).not.toContain('j.doe');
    expect(prompt).toContain('HOST_1');
    expect(t.llm()!.requests[0]!.json).toBe(true);

    const analysis = t.analysis(id)!;
    expect(analysis).toMatchObject({
      state: 'done',
      summary: `Suspicious activity on ${HOST}.`,
      mitigationSteps: [`Isolate ${HOST} from the network`, 'Reset the affected credentials'],
      severityAssessment: { severity: 'high' },
      confidence: 0.8,
      model: 'scripted-model',
      promptTokens: 100,
      completionTokens: 50,
      cached: false,
      error: null,
    });
    expect(t.states(id)).toEqual(['pending', 'done']);
    // Stored as the model gave it, with the map beside it.
    const stored = createAnalysesRepo(t.db).latestForIncident(id)!;
    expect(JSON.stringify(stored.answer)).toContain('Isolate HOST_1');
    expect(stored.map.HOST_1).toBe(HOST);
    expect(t.analyst.status()).toMatchObject({
      tokensToday: 150,
      queued: 0,
      lastError: null,
      apiKeySet: true,
    });
  });

  it('leaves incidents below ai.minSeverity alone unless asked, and does nothing while disabled', async () => {
    const t = setup({ minSeverity: 'high' });
    await t.analyst.start();
    const low = t.ingest('medium');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.analysis(low)).toBeNull();
    expect(t.calls()).toBe(0);

    await expect(t.analyst.analyze(low, false)).resolves.toEqual({
      state: 'queued',
      message: 'queued for analysis',
    });
    await done(t, low);
    expect(t.calls()).toBe(1);

    t.state.config = parseConfig({ ai: { enabled: false } });
    const off = t.ingest('critical');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.analysis(off)).toBeNull();
    await expect(t.analyst.analyze(off, false)).resolves.toMatchObject({
      state: 'skipped',
      message: expect.stringMatching(/turned off/) as unknown,
    });
    await expect(t.analyst.analyze('inc_missing', false)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('reuses the answer for a repeat of the same fingerprint without calling the model', async () => {
    const t = setup();
    await t.analyst.start();
    const first = t.ingest('high', 'same-fp');
    await done(t, first);
    // Resolved, so the next alert opens a new incident with the same fingerprint.
    t.repos.incidents.update({ ...t.repos.incidents.get(first)!, status: 'resolved' });
    const second = t.ingest('high', 'same-fp');
    expect(second).not.toBe(first);
    await done(t, second);
    expect(t.calls()).toBe(1);
    expect(t.analysis(second)).toMatchObject({
      cached: true,
      promptTokens: 0,
      completionTokens: 0,
      summary: `Suspicious activity on ${HOST}.`,
    });

    await expect(t.analyst.analyze(second, false)).resolves.toMatchObject({ state: 'cached' });
    expect(t.calls()).toBe(1);
    await expect(t.analyst.analyze(second, true)).resolves.toMatchObject({ state: 'queued' });
    await vi.waitFor(() => expect(t.analysis(second)?.cached).toBe(false), { timeout: 2000, interval: 5 });
    expect(t.calls()).toBe(2);
  });

  it('holds a second incident with a fingerprint under analysis until the first answer can be reused', async () => {
    const t = setup();
    const slow = gate();
    t.steps.push({ gate: slow.promise, content: JSON.stringify(triageAnswer('HOST_1')) });
    await t.analyst.start();
    const first = t.ingest('high', 'busy-fp');
    await vi.waitFor(() => expect(t.calls()).toBe(1), { timeout: 2000, interval: 5 });
    t.repos.incidents.update({ ...t.repos.incidents.get(first)!, status: 'resolved' });
    const second = t.ingest('high', 'busy-fp');
    await vi.waitFor(() => expect(t.analysis(second)?.state).toBe('pending'), { timeout: 2000, interval: 5 });
    slow.open();
    await done(t, second);
    expect(t.calls()).toBe(1);
    expect(t.analysis(second)?.cached).toBe(true);
  });

  it('skips analyses once the UTC day’s token budget is spent, and resumes the next day', async () => {
    const t = setup({ dailyTokenBudget: 100 });
    t.steps.push({ content: JSON.stringify(triageAnswer()), usage: [120, 30] });
    await t.analyst.start();
    const first = t.ingest('high');
    await done(t, first);
    const second = t.ingest('high');
    await done(t, second, 'skipped');
    expect(t.calls()).toBe(1);
    expect(t.analysis(second)?.error).toBe(budgetMessage(100));
    expect(budgetMessage(100)).toBe(
      'daily token budget of 100 spent; raise ai.dailyTokenBudget or wait until 00:00 UTC',
    );
    expect(t.analyst.status()).toMatchObject({
      tokensToday: 150,
      dailyTokenBudget: 100,
      lastError: budgetMessage(100),
      lastErrorAt: '2026-03-01T10:00:00.000Z',
    });
    await expect(t.analyst.analyze(second, true)).resolves.toEqual({
      state: 'skipped',
      message: budgetMessage(100),
    });
    expect(t.calls()).toBe(1);

    t.clock.set(Date.parse('2026-03-02T00:00:01Z'));
    expect(t.analyst.status().tokensToday).toBe(0);
    await expect(t.analyst.analyze(second, true)).resolves.toMatchObject({ state: 'queued' });
    await done(t, second);
    expect(t.calls()).toBe(2);
  });

  it('asks once more after an invalid answer, then fails with the reason', async () => {
    const t = setup();
    t.steps.push({ content: 'The host is compromised.' }, { content: JSON.stringify(triageAnswer()) });
    await t.analyst.start();
    const recovered = t.ingest('high');
    await done(t, recovered);
    expect(t.calls()).toBe(2);
    const retry = t.llm()!.requests[1]!.messages;
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: 'The host is compromised.' });
    expect(retry.at(-1)!.content).toMatch(/not valid JSON/);
    expect(t.analysis(recovered)).toMatchObject({ promptTokens: 200, completionTokens: 100 });

    t.llm()!.steps.push({ content: '{"summary": 5}' }, { content: 'still prose' });
    const failed = t.ingest('high');
    await done(t, failed, 'failed');
    expect(t.calls()).toBe(4);
    expect(t.analysis(failed)?.error).toBe(
      'the model\'s answer is not valid JSON: "still prose" (after 2 tries)',
    );
    expect(t.analyst.status().lastError).toBe(t.analysis(failed)?.error);
  });

  it('records an endpoint failure on the incident and in the status; a later success clears the status', async () => {
    const t = setup();
    t.steps.push(new LlmError('auth', '401: invalid API key', 401));
    await t.analyst.start();
    const id = t.ingest('high');
    await done(t, id, 'failed');
    expect(t.analysis(id)).toMatchObject({
      error: '401: invalid API key',
      summary: null,
      mitigationSteps: [],
    });
    expect(t.analyst.status()).toMatchObject({
      lastError: '401: invalid API key',
      lastErrorAt: '2026-03-01T10:00:00.000Z',
    });
    expect(t.states(id)).toEqual(['pending', 'failed']);

    await t.analyst.analyze(id, false);
    await done(t, id);
    expect(t.analyst.status().lastError).toBeNull();
  });

  it('runs at most two requests at once and serves analyst requests first', async () => {
    const t = setup();
    const hold = gate();
    for (let i = 0; i < 4; i += 1)
      t.steps.push({ gate: hold.promise, content: JSON.stringify(triageAnswer()) });
    await t.analyst.start();
    const auto = [t.ingest('high'), t.ingest('high'), t.ingest('high')];
    await vi.waitFor(() => expect(t.calls()).toBe(2), { timeout: 2000, interval: 5 });
    const low = t.ingest('low');
    await t.analyst.analyze(low, false);
    expect(t.analyst.status().queued).toBe(4);
    hold.open();
    for (const id of [...auto, low]) await done(t, id);
    expect(t.llm()!.maxInFlight).toBe(2);
    // The analyst's request overtook the third automatic one.
    const order = t.llm()!.requests.map((r) => r.messages[1]!.content.includes('"severity": "low"'));
    expect(order).toEqual([false, false, true, false]);
  });

  it('keeps interrupted analyses pending across a stop and finishes them after the next start', async () => {
    const t = setup();
    const never = gate();
    t.steps.push({ gate: never.promise, content: '{}' });
    await t.analyst.start();
    const id = t.ingest('high');
    await vi.waitFor(() => expect(t.calls()).toBe(1), { timeout: 2000, interval: 5 });
    await t.analyst.stop();
    expect(t.analysis(id)?.state).toBe('pending');
    expect(t.states(id)).toEqual(['pending']);

    const next = t.make();
    await next.start();
    await vi.waitFor(() => expect(next.analysisFor(t.repos.incidents.get(id)!)?.state).toBe('done'), {
      timeout: 2000,
      interval: 5,
    });
  });

  it('never writes the API key, the prompt or real values to the log', async () => {
    const t = setup();
    t.steps.push(new LlmError('auth', '401: invalid API key', 401));
    await t.analyst.start();
    await done(t, t.ingest('high'), 'failed');
    await done(t, t.ingest('high'));
    expect(t.lines.length).toBeGreaterThan(0);
    const log = t.lines.join('\n');
    expect(log).not.toContain(API_KEY);
    expect(log).not.toContain('WS-FIN-014');
    expect(log).not.toContain('Triage this incident');
  });

  it('tests the endpoint with one tiny request and reports what came back', async () => {
    const t = setup({ enabled: false });
    t.steps.push(
      { content: '{"ok":true}' },
      { content: 'pong' },
      new LlmError('refused', 'connection refused at http://127.0.0.1:9/v1'),
    );
    await t.analyst.start();
    await expect(t.analyst.test()).resolves.toMatchObject({
      ok: true,
      model: 'scripted-model',
      message: expect.stringMatching(/^scripted-model answered in \d+ ms$/) as unknown,
    });
    expect(t.llm()!.requests[0]!.messages.at(-1)!.content).toBe('ping');
    const notJson = await t.analyst.test();
    expect(notJson.ok).toBe(false);
    expect(notJson.message).toMatch(/but not with JSON/);
    await expect(t.analyst.test()).resolves.toMatchObject({
      ok: false,
      message: 'connection refused at http://127.0.0.1:9/v1',
      model: 'gpt-4o-mini',
    });
    expect(t.analyst.status()).toMatchObject({
      enabled: false,
      lastError: 'connection refused at http://127.0.0.1:9/v1',
      tokensToday: 300,
    });
  });
});
