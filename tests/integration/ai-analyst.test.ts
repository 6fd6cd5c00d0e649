/**
 * The AI analyst over real HTTP on 127.0.0.1 against a fake OpenAI-compatible
 * server (tests/helpers/fake-llm.ts).
 *
 * 1. The openai client as the analyst drives it: the request it sends,
 *    falling back when a server refuses response_format, retries with
 *    backoff for 429 (honouring Retry-After), 5xx and timeouts, none for a
 *    bad key or a spent quota, an Ollama answer without usage, an HTML page.
 * 2. The whole product (startHeadless): incidents full of sensitive values
 *    posted through the real webhook are analysed with NOTHING sensitive in
 *    any request, the answer comes back with real values restored; the
 *    fingerprint cache, the token budget, failures on the incident and in
 *    ai.status, and ai.test.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import type { ConfigInput } from '../../shared/config';
import { parseConfig } from '../../shared/config';
import type { Analysis } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import type { AiStatus, IncidentDetail } from '../../shared/ipc/contract';
import { AnalystService } from '../../electron/core/ai/analyst-service';
import { ManualClock } from '../../electron/core/clock';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createRawEventsRepo } from '../../electron/core/db/repos/raw-events-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { EventBus } from '../../electron/core/event-bus';
import { createIdGenerator } from '../../electron/core/ids';
import { Ingestor } from '../../electron/core/ingest/ingestor';
import { LogSink, createLogger } from '../../electron/core/logger';
import type { FakeLlm, RecordedLlmRequest } from '../helpers/fake-llm';
import { promptText, startFakeLlm, stubMasker, triageAnswer } from '../helpers/fake-llm';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, openEventStream, startHeadless } from '../helpers/headless';
import { memoryDb } from '../helpers/test-db';
import { normalizedFixture } from '../helpers/incidents';

const API_KEY = 'sk-test-analyst-key-0123456789abcdef';

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the analyst’s LLM client against an OpenAI-compatible server', () => {
  let fake: FakeLlm;
  const services: AnalystService[] = [];

  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
  });
  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    fake.requests.length = 0;
    fake.queue.length = 0;
    fake.rejectResponseFormat = false;
    fake.flavor = 'openai';
    fake.usage = { prompt: 120, completion: 60 };
  });

  /** An analyst on a :memory: database with the real openai client and a masker that masks the entities. */
  async function direct(ai: NonNullable<ConfigInput['ai']> = {}) {
    const db = memoryDb();
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
    const bus = new EventBus();
    const repos = { incidents: createIncidentsRepo(db), rawEvents: createRawEventsRepo(db) };
    const ingestor = new Ingestor({
      db,
      ...repos,
      timeline: createTimelineRepo(db),
      ids: createIdGenerator(clock),
      clock,
      bus,
      dedupWindowSec: () => 3600,
      onCountsChanged: () => undefined,
    });
    const config = parseConfig({
      ai: { enabled: true, baseUrl: fake.url, apiKey: API_KEY, model: 'gpt-test', timeoutSec: 5, ...ai },
    });
    const analyst = new AnalystService({
      db,
      ...repos,
      config: { get: () => config, resolveSecret: (v) => v },
      bus,
      clock,
      logger: createLogger(new LogSink({ dir: null }), 'ai'),
      sanitizer: stubMasker,
      retryBaseMs: 20,
    });
    services.push(analyst);
    await analyst.start();
    let n = 0;
    const analyse = async (state: Analysis['state'] = 'done', timeoutMs = 5000): Promise<Analysis> => {
      const { incidentId } = ingestor.ingest({
        source: { kind: 'webhook', id: 'w', name: 'W' },
        route: '/api/alert',
        body: '{"target":"web-01.corp.example.com"}',
        via: 'webhook',
        incident: normalizedFixture({
          fingerprint: `fp-${String(++n)}`,
          title: 'Brute force on web-01.corp.example.com',
          description: 'sshd: failed password',
          severity: 'high',
          category: 'auth',
          entities: { ...emptyEntities(), hosts: ['web-01.corp.example.com'] },
        }),
      });
      let analysis: Analysis | null = null;
      await vi.waitFor(
        () => {
          analysis = analyst.analysisFor(repos.incidents.get(incidentId!)!);
          expect(analysis?.state).toBe(state);
        },
        { timeout: timeoutMs, interval: 10 },
      );
      return analysis!;
    };
    return { analyst, analyse };
  }

  it('sends one chat completion in the OpenAI shape and stores the validated answer', async () => {
    fake.queue.push({
      kind: 'answer',
      content: triageAnswer('HOST_1'),
      usage: { prompt: 321, completion: 54 },
    });
    const { analyst, analyse } = await direct();
    const analysis = await analyse();
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body).toMatchObject({
      model: 'gpt-test',
      response_format: { type: 'json_object' },
      max_tokens: 1200,
    });
    expect(request.body.messages?.map((m) => m.role)).toEqual(['system', 'user']);
    expect(promptText(request)).toContain('HOST_1');
    expect(promptText(request)).not.toContain('web-01');
    expect(analysis).toMatchObject({
      state: 'done',
      model: 'gpt-4.1-2025-04-14',
      promptTokens: 321,
      completionTokens: 54,
      mitigationSteps: ['Isolate web-01.corp.example.com from the network', 'Reset the affected credentials'],
    });
    expect(analysis.latencyMs).toBeGreaterThanOrEqual(0);
    expect(analyst.status().tokensToday).toBe(375);
  });

  it('asks again without response_format when the server refuses it, and remembers', async () => {
    fake.rejectResponseFormat = true;
    const { analyse } = await direct();
    await analyse();
    expect(fake.requests.map((r) => r.body.response_format?.type ?? null)).toEqual(['json_object', null]);
    await analyse();
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[2]!.body.response_format).toBeUndefined();
  });

  it('waits as long as Retry-After asks on a 429, then succeeds', async () => {
    fake.queue.push({ kind: 'rate_limit', retryAfterSec: 1 });
    const { analyse } = await direct();
    const times: number[] = [];
    const started = Date.now();
    await analyse();
    times.push(Date.now() - started);
    expect(fake.requests).toHaveLength(2);
    expect(times[0]).toBeGreaterThanOrEqual(950);
  });

  it('retries a 500 twice, then fails saying so', async () => {
    fake.queue.push(
      { kind: 'status', status: 500, message: 'The server had an error' },
      { kind: 'status', status: 502, message: 'Bad gateway' },
      { kind: 'status', status: 503, message: 'overloaded' },
    );
    const { analyst, analyse } = await direct();
    const analysis = await analyse('failed');
    expect(fake.requests).toHaveLength(3);
    expect(analysis.error).toBe(`503: server error at ${fake.url}: overloaded (after 3 tries)`);
    expect(analyst.status().lastError).toBe(analysis.error);
  });

  it('never retries a bad key or a spent quota', async () => {
    fake.queue.push({ kind: 'status', status: 401 }, { kind: 'insufficient_quota' });
    const { analyse } = await direct();
    expect((await analyse('failed')).error).toBe('401: invalid API key');
    expect(fake.requests).toHaveLength(1);
    expect((await analyse('failed')).error).toBe(
      '429: quota exceeded (insufficient_quota): check the plan and billing of this API key',
    );
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up on a server slower than ai.timeoutSec after three tries', async () => {
    fake.queue.push(...[1, 2, 3].map(() => ({ kind: 'delay' as const, ms: 3000, then: fake.defaultReply })));
    const { analyst, analyse } = await direct({ timeoutSec: 1 });
    const analysis = await analyse('failed', 10_000);
    expect(analysis.error).toBe(`timeout after 1 s at ${fake.url} (after 3 tries)`);
    expect(fake.requests).toHaveLength(3);
    expect(analyst.status().lastError).toBe(analysis.error);
  }, 15_000);

  it('reads an Ollama answer without usage, counting estimated tokens against the budget', async () => {
    fake.flavor = 'ollama';
    fake.usage = null;
    const { analyst, analyse } = await direct({ model: 'llama3.1' });
    const analysis = await analyse();
    expect(analysis.model).toBe('llama2');
    expect(analysis.promptTokens).toBeGreaterThan(100);
    expect(analyst.status().tokensToday).toBe(analysis.promptTokens! + analysis.completionTokens!);
  });

  it('names an HTML page where an answer should be', async () => {
    fake.queue.push({ kind: 'html' });
    const { analyse } = await direct();
    const analysis = await analyse('failed');
    expect(analysis.error).toMatch(
      new RegExp(
        `^the server at ${fake.url} did not answer in the OpenAI chat format \\(got text starting "<html>`,
      ),
    );
  });

  it('tests a refused connection and says where', async () => {
    const port = await deadPort();
    const { analyst } = await direct({ baseUrl: `http://127.0.0.1:${String(port)}/v1` });
    const result = await analyst.test();
    expect(result).toMatchObject({
      ok: false,
      message: `connection refused at http://127.0.0.1:${String(port)}/v1`,
      model: 'gpt-test',
    });
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * Values that must never leave the machine, as they appear in the incidents below. The public
 * peer 198.51.100.77 is left out on purpose: whether to mask external indicators is the
 * sanitizer's policy (sanitizer.allow), not the analyst's.
 */
const SENSITIVE = [
  'WS-FIN-014',
  'ws-fin-014.corp.example.com',
  'WS-HR-007',
  'FS-CORP-02',
  'dc01.corp.example.com',
  'corp.example.com',
  'jdoe.admin',
  'alice.smith',
  'svc_backup',
  'CORP\\svc_backup',
  'S-1-5-21-3623811015-3361044348-30300820-1013',
  '3623811015',
  'maria.ivanova',
  'maria.ivanova@corp.example.com',
  '2001:db8:85a3::8a2e:370:7334',
  '2001:db8:85a3',
  '10.12.14.16',
];

/** Where a value could hide in a request: as is, JSON-escaped once or twice. */
function forms(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [...new Set([value, once, twice].map((v) => v.toLowerCase()))];
}

function leaks(request: RecordedLlmRequest): string[] {
  const haystacks = [request.raw.toLowerCase(), promptText(request).toLowerCase()];
  return SENSITIVE.filter((value) => forms(value).some((form) => haystacks.some((h) => h.includes(form))));
}

/** The sanitizer's pseudonyms, in any of the letter cases it uses for other spellings (HOST_1, host_1, ...). */
const PLACEHOLDER = /\b(?:HOST|USER|DOMAIN|IP|PATH|EMAIL|MAC|SID)_\d+\b/gi;

/** Placeholders the model was shown. */
function placeholders(request: RecordedLlmRequest): string[] {
  const user = request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
  return [...new Set(user.match(PLACEHOLDER) ?? [])];
}

/** The first host the model was shown, as written (the sanitizer writes an FQDN as HOST_n.DOMAIN_m). */
function firstHost(user: string): string {
  return /\bHOST_\d+(?:\.DOMAIN_\d+)?\b/.exec(user)?.[0] ?? 'the host';
}

/** The incident title as the model was shown it. */
function maskedTitle(user: string): string {
  const quoted = /"title": ("(?:[^"\\]|\\.)*")/.exec(user)?.[1];
  return quoted ? (JSON.parse(quoted) as string) : 'no title';
}

describe('the analyst in the product: masked prompts, restored answers', () => {
  let fake: FakeLlm;
  let app: Headless;

  beforeAll(async () => {
    fake = await startFakeLlm({
      defaultReply: {
        kind: 'compute',
        // Like a real model: the answer names the placeholders it was shown.
        reply: (request) => {
          const user = request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
          const title = maskedTitle(user);
          const answer = triageAnswer(firstHost(user));
          answer.summary = `${title}. Involved: ${placeholders(request).join(', ')}.`;
          return { kind: 'answer', content: answer };
        },
      },
    });
    app = await startHeadless({
      config: {
        ai: {
          enabled: true,
          baseUrl: fake.url,
          apiKey: API_KEY,
          model: 'gpt-test',
          minSeverity: 'medium',
          timeoutSec: 5,
        },
        sources: [
          {
            id: 'edr',
            kind: 'webhook',
            name: 'EDR',
            token: 'edr-token-0123456789',
            mapping: {
              host: 'device.hosts',
              user: 'actor.users',
              ip: 'net.ips',
              file: 'files',
              id: 'alertId',
            },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });
  afterEach(() => {
    fake.queue.length = 0;
  });

  async function post(path: string, body: unknown, token = TEST_WEBHOOK_TOKEN): Promise<string> {
    const res = await fetch(`${app.webhookUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { incidentId: string }).incidentId;
  }

  async function detail(id: string): Promise<IncidentDetail> {
    const res = await app.rpc('incidents.get', { id });
    return (res.body as { value: IncidentDetail }).value;
  }

  /** Waits until the incident's analysis has finished (any state but pending), then checks its state. */
  async function settled(id: string, state: Analysis['state'] = 'done'): Promise<Analysis> {
    let analysis: Analysis | null = null;
    await vi.waitFor(
      async () => {
        analysis = (await detail(id)).analysis;
        expect(analysis === null || analysis.state === 'pending').toBe(false);
      },
      { timeout: 8000, interval: 25 },
    );
    expect(analysis!.state, analysis!.error ?? undefined).toBe(state);
    return analysis!;
  }

  async function status(): Promise<AiStatus> {
    return ((await app.rpc('ai.status')).body as { value: AiStatus }).value;
  }

  it('sends no sensitive value in any request and shows the answer with real values restored', async () => {
    const stream = await openEventStream(app.url);
    try {
      const before = fake.requests.length;
      const edr = await post(
        '/hooks/edr',
        {
          alertId: 'edr-77812',
          title: 'Credential dumping on WS-FIN-014.corp.example.com by CORP\\svc_backup',
          severity: 'critical',
          category: 'credential_access',
          description:
            'CORP\\svc_backup (S-1-5-21-3623811015-3361044348-30300820-1013) ran ' +
            'C:\\Users\\jdoe.admin\\AppData\\Roaming\\evil.ps1 and copied \\\\FS-CORP-02.corp.example.com\\finance$\\payroll.xlsx; ' +
            'cmdline: psexec.exe \\\\WS-HR-007 -u CORP\\svc_backup cmd /c "nltest /dclist:dc01.corp.example.com"; ' +
            'report sent to maria.ivanova@corp.example.com',
          device: { hosts: ['WS-FIN-014.corp.example.com', 'WS-HR-007'] },
          actor: { users: ['CORP\\svc_backup', 'jdoe.admin'] },
          net: { ips: ['10.12.14.16', '2001:db8:85a3::8a2e:370:7334'] },
          files: ['C:\\Users\\jdoe.admin\\AppData\\Roaming\\evil.ps1'],
        },
        'edr-token-0123456789',
      );
      const generic = await post('/api/alert', {
        type: 'lateral_movement',
        severity: 'high',
        rule: 'Remote service creation from 198.51.100.77 to dc01.corp.example.com',
        ip: '2001:db8:85a3::8a2e:370:7334',
        target: 'dc01.corp.example.com',
        source_log:
          'alice.smith@corp.example.com logged on from /home/alice.smith/.ssh/id_rsa; ' +
          'sc.exe \\\\dc01.corp.example.com create evil binPath= C:\\Users\\alice.smith\\svc.exe; ' +
          'SID S-1-5-21-3623811015-3361044348-30300820-1013; peer 198.51.100.77',
        account: 'CORP\\svc_backup',
        owner_email: 'maria.ivanova@corp.example.com',
      });

      const edrAnalysis = await settled(edr);
      const genericAnalysis = await settled(generic);
      const sent = fake.requests.slice(before);
      expect(sent).toHaveLength(2);
      for (const request of sent) {
        expect(leaks(request)).toEqual([]);
        expect(placeholders(request).length).toBeGreaterThan(0);
      }
      // The key went only where it belongs: the Authorization header.
      expect(sent[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(sent.some((r) => r.raw.includes(API_KEY))).toBe(false);

      for (const analysis of [edrAnalysis, genericAnalysis]) {
        expect(analysis.summary?.match(PLACEHOLDER) ?? []).toEqual([]);
        expect(analysis.mitigationSteps[0]?.match(PLACEHOLDER) ?? []).toEqual([]);
        expect(analysis.cached).toBe(false);
        expect(analysis.model).toBe('gpt-4.1-2025-04-14');
      }
      // The model echoed the masked title; restored, it reads exactly as the alert said.
      expect(edrAnalysis.summary).toMatch(
        /^Credential dumping on WS-FIN-014\.corp\.example\.com by CORP\\svc_backup\. Involved: /,
      );
      expect(edrAnalysis.mitigationSteps[0]).toBe('Isolate WS-FIN-014.corp.example.com from the network');
      expect(genericAnalysis.summary).toMatch(
        /^Remote service creation from 198\.51\.100\.77 to dc01\.corp\.example\.com\. Involved: /,
      );
      expect(genericAnalysis.mitigationSteps[0]).toBe('Isolate dc01.corp.example.com from the network');

      await stream.waitFor((events) =>
        ['pending', 'done'].every((state) =>
          events.some(
            (e) =>
              e.name === 'incidents.analysis' &&
              (e.data as { incidentId: string; state: string }).incidentId === edr &&
              (e.data as { state: string }).state === state,
          ),
        ),
      );
    } finally {
      stream.close();
    }
  });

  it('reuses the answer for a repeat of the same incident without calling the model', async () => {
    const alert = {
      type: 'malware',
      severity: 'high',
      rule: 'Emotet loader',
      target: 'ws-cache-01.corp.example.com',
      source_log: 'loader.dll dropped',
    };
    const first = await post('/api/alert', alert);
    await settled(first);
    const calls = fake.requests.length;
    // Resolved, so the same alert opens a new incident with the same fingerprint.
    await app.rpc('incidents.setStatus', { id: first, status: 'resolved' });
    const second = await post('/api/alert', alert);
    expect(second).not.toBe(first);
    const cached = await settled(second);
    expect(cached).toMatchObject({ cached: true, promptTokens: 0, completionTokens: 0 });
    expect(cached.mitigationSteps[0]).toBe('Isolate ws-cache-01.corp.example.com from the network');
    // A duplicate of the open incident changes nothing either.
    await post('/api/alert', alert);
    const analyze = await app.rpc('ai.analyze', { id: second });
    expect(analyze.body).toMatchObject({ ok: true, value: { state: 'cached' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests.length).toBe(calls);

    const again = await app.rpc('ai.analyze', { id: second, force: true });
    expect(again.body).toMatchObject({ ok: true, value: { state: 'queued' } });
    await fake.waitForRequests(calls + 1);
    await vi.waitFor(async () => expect((await detail(second)).analysis?.cached).toBe(false), {
      timeout: 5000,
      interval: 25,
    });
  });

  it('shows a bad key and an invalid answer on the incident and in ai.status', async () => {
    fake.queue.push({ kind: 'status', status: 401 });
    const badKey = await post('/api/alert', {
      type: 'c2',
      severity: 'high',
      target: 'ws-401.corp.example.com',
    });
    const failed = await settled(badKey, 'failed');
    expect(failed).toMatchObject({ error: '401: invalid API key', summary: null, mitigationSteps: [] });
    expect(await status()).toMatchObject({ lastError: '401: invalid API key' });
    expect((await status()).lastErrorAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    fake.queue.push({ kind: 'invalid_json' }, { kind: 'answer', content: { summary: 'only a summary' } });
    const invalid = await post('/api/alert', {
      type: 'c2',
      severity: 'high',
      target: 'ws-bad.corp.example.com',
    });
    const rejected = await settled(invalid, 'failed');
    expect(rejected.error).toMatch(
      /^the model's answer does not have the expected fields: severityAssessment/,
    );
    expect(rejected.error).toMatch(/\(after 2 tries\)$/);
    expect((await status()).lastError).toBe(rejected.error);
  });

  it('tests the endpoint: the model and latency, or the error in words', async () => {
    const calls = fake.requests.length;
    fake.queue.push({ kind: 'answer', content: { ok: true } });
    const ok = (await app.rpc('ai.test')).body as { value: { ok: boolean; message: string; model: string } };
    expect(ok.value).toMatchObject({ ok: true, model: 'gpt-4.1-2025-04-14' });
    expect(ok.value.message).toMatch(/^gpt-4\.1-2025-04-14 answered in \d+ ms$/);
    expect(fake.requests).toHaveLength(calls + 1);
    expect(promptText(fake.requests.at(-1)!)).toContain('{"ok":true}');

    fake.queue.push({ kind: 'status', status: 401 });
    const bad = (await app.rpc('ai.test')).body as { value: { ok: boolean; message: string } };
    expect(bad.value).toMatchObject({ ok: false, message: '401: invalid API key' });

    const port = await deadPort();
    const moved = await app.rpc('settings.update', {
      patch: { ai: { baseUrl: `http://127.0.0.1:${String(port)}/v1`, apiKey: '' } },
    });
    expect(moved.body).toMatchObject({ ok: true, value: { ai: { apiKeySet: true } } });
    try {
      const refused = (await app.rpc('ai.test')).body as { value: { ok: boolean; message: string } };
      expect(refused.value).toMatchObject({
        ok: false,
        message: `connection refused at http://127.0.0.1:${String(port)}/v1`,
      });
      expect(await status()).toMatchObject({
        lastError: `connection refused at http://127.0.0.1:${String(port)}/v1`,
        baseUrl: `http://127.0.0.1:${String(port)}/v1`,
        apiKeySet: true,
      });
    } finally {
      await app.rpc('settings.update', { patch: { ai: { baseUrl: fake.url } } });
    }
  });

  it('makes no call once the day’s token budget is spent, and says why', async () => {
    const spent = (await status()).tokensToday;
    expect(spent).toBeGreaterThan(0);
    await app.rpc('settings.update', { patch: { ai: { dailyTokenBudget: spent } } });
    try {
      const calls = fake.requests.length;
      const id = await post('/api/alert', {
        type: 'c2',
        severity: 'critical',
        target: 'ws-budget.corp.example.com',
      });
      const skipped = await settled(id, 'skipped');
      const message = `daily token budget of ${String(spent)} spent; raise ai.dailyTokenBudget or wait until 00:00 UTC`;
      expect(skipped.error).toBe(message);
      const analyze = await app.rpc('ai.analyze', { id, force: true });
      expect(analyze.body).toMatchObject({ ok: true, value: { state: 'skipped', message } });
      expect(fake.requests.length).toBe(calls);
      const now = await status();
      expect(now.tokensToday).toBeGreaterThanOrEqual(now.dailyTokenBudget);
      expect(now).toMatchObject({ dailyTokenBudget: spent, lastError: message, queued: 0 });
    } finally {
      await app.rpc('settings.update', { patch: { ai: { dailyTokenBudget: 200_000 } } });
    }
  });

  it('leaves incidents below ai.minSeverity alone until asked', async () => {
    const calls = fake.requests.length;
    const id = await post('/api/alert', { type: 'scan', severity: 'low', target: 'ws-low.corp.example.com' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await detail(id)).analysis).toBeNull();
    expect(fake.requests.length).toBe(calls);
    const queued = await app.rpc('ai.analyze', { id });
    expect(queued.body).toMatchObject({ ok: true, value: { state: 'queued' } });
    const done = await settled(id);
    expect(done.mitigationSteps[0]).toBe('Isolate ws-low.corp.example.com from the network');
  });
});
