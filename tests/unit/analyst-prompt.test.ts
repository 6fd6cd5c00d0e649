/**
 * The analyst's pure parts: reading a model's answer, building the masked
 * prompt, naming LLM failures in words, and the retry policy. No network.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

import type { Entities, Incident, RawEvent } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { parseAnswer } from '../../electron/core/ai/answer';
import type { ChatRequest, ChatResult, LlmClient, LlmSettings } from '../../electron/core/ai/llm-client';
import { LlmError, chatWithRetries, retryAfterMs, toLlmError } from '../../electron/core/ai/llm-client';
import type { Masker } from '../../electron/core/ai/prompt';
import { EVENT_CHARS, PROMPT_EVENTS, SYSTEM_PROMPT, buildPrompt } from '../../electron/core/ai/prompt';
import { stubMasker, triageAnswer } from '../helpers/fake-llm';
import { incidentFixture } from '../helpers/incidents';

const SETTINGS: LlmSettings = {
  baseUrl: 'http://127.0.0.1:9/v1',
  apiKey: 'sk-test-key-123456',
  model: 'gpt-4o-mini',
  timeoutMs: 20_000,
};

function incident(overrides: Partial<Incident> = {}): Incident {
  const entities: Entities = {
    ...emptyEntities(),
    hosts: ['WS-FIN-014.corp.example.com'],
    users: ['CORP\\j.doe'],
    ips: ['10.20.30.40'],
    files: [{ path: 'C:\\Users\\j.doe\\AppData\\Local\\Temp\\mimikatz.exe', sha256: 'ab'.repeat(32) }],
  };
  return incidentFixture({
    fingerprint: 'alert|x',
    source: { kind: 'webhook', id: 'w', name: 'Webhook' },
    title: 'Mimikatz on WS-FIN-014.corp.example.com',
    description: 'CORP\\j.doe ran C:\\Users\\j.doe\\AppData\\Local\\Temp\\mimikatz.exe from 10.20.30.40',
    severity: 'high',
    category: 'credential_access',
    mitre: { tactics: ['Credential Access'], techniques: ['T1003'] },
    entities,
    ...overrides,
  });
}

function rawEvent(index: number, body: string): RawEvent {
  return {
    id: `evt_${String(index)}`,
    receivedAt: `2026-01-01T00:00:0${String(index)}.000Z`,
    sourceKind: 'webhook',
    sourceId: 'w',
    route: '/api/alert',
    incidentId: 'inc_1',
    body,
  };
}

describe('parseAnswer', () => {
  it('reads a plain JSON answer', () => {
    const result = parseAnswer(JSON.stringify(triageAnswer('HOST_1')));
    expect(result).toEqual({ ok: true, answer: triageAnswer('HOST_1') });
  });

  it('cuts the object out of code fences and prose, and reads a percentage confidence', () => {
    const answer = { ...triageAnswer(), confidence: 85 };
    answer.severityAssessment.severity = ' High ';
    const fenced = parseAnswer(`Here you go:\n\`\`\`json\n${JSON.stringify(answer)}\n\`\`\``);
    expect(fenced.ok && fenced.answer.confidence).toBe(0.85);
    expect(fenced.ok && fenced.answer.severityAssessment.severity).toBe('high');
    const prose = parseAnswer(`My answer: ${JSON.stringify(triageAnswer())} Hope it helps.`);
    expect(prose.ok).toBe(true);
  });

  it('says why an answer is not usable', () => {
    expect(parseAnswer('The host is compromised.')).toEqual({
      ok: false,
      error: 'the model\'s answer is not valid JSON: "The host is compromised."',
    });
    expect(parseAnswer('   ')).toEqual({ ok: false, error: "the model's answer is empty" });
    const missing = parseAnswer(JSON.stringify({ summary: 'x', confidence: 150 }));
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error).toMatch(/does not have the expected fields: .*severityAssessment/);
    expect(!missing.ok && missing.error).toMatch(/mitigationSteps/);
    expect(!missing.ok && missing.error).toMatch(/confidence/);
    const cut = parseAnswer('{"summary": "The host', true);
    expect(!cut.ok && cut.error).toMatch(/cut off at ai.maxTokens/);
  });
});

describe('buildPrompt', () => {
  it('masks everything in one call seeded with the entities and keeps the map', () => {
    const calls: { value: unknown; known: Entities | undefined }[] = [];
    const masker: Masker = {
      mask: (value, known, map) => {
        calls.push({ value, known });
        return stubMasker.mask(value, known, map);
      },
      unmask: (text, map) => stubMasker.unmask(text, map),
    };
    const body = JSON.stringify({ user: 'CORP\\j.doe', host: 'WS-FIN-014.corp.example.com', cmd: 'whoami' });
    const prompt = buildPrompt(incident(), [rawEvent(1, body)], masker);

    expect(calls).toHaveLength(1);
    expect(calls[0]!.known).toEqual(incident().entities);
    // The raw body reaches the sanitizer parsed, so it sees CORP\j.doe, not the JSON-escaped CORP\\j.doe.
    const events = (calls[0]!.value as { events: { body: unknown }[] }).events;
    expect(events[0]!.body).toEqual({
      user: 'CORP\\j.doe',
      host: 'WS-FIN-014.corp.example.com',
      cmd: 'whoami',
    });

    expect(prompt.messages[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    const user = prompt.messages[1]!.content;
    expect(prompt.messages[1]!.role).toBe('user');
    for (const real of ['WS-FIN-014', 'j.doe', '10.20.30.40', 'mimikatz.exe']) {
      expect(user.toLowerCase()).not.toContain(real.toLowerCase());
    }
    expect(user).toContain('HOST_1');
    expect(user).toContain('"severity": "high"');
    expect(user).toContain('T1003');
    expect(user).toContain('whoami');
    expect(prompt.map).toMatchObject({ HOST_1: 'WS-FIN-014.corp.example.com', USER_1: 'CORP\\j.doe' });
  });

  it('keeps only the latest events, each cut to a bounded size', () => {
    const big = JSON.stringify({ blob: 'x'.repeat(50_000) });
    const events = [1, 2, 3, 4, 5].map((i) => rawEvent(i, i === 1 ? big : `plain text line ${String(i)}`));
    const user = buildPrompt(incident(), events, stubMasker).messages[1]!.content;
    expect(user.match(/--- event \d/g)).toHaveLength(PROMPT_EVENTS);
    expect(user).not.toContain('plain text line 4');
    expect(user).toMatch(/more characters cut/);
    expect(user.length).toBeLessThan(PROMPT_EVENTS * EVENT_CHARS + 6000);
  });

  it('sends nothing when masking fails', () => {
    const failing: Masker = {
      mask: () => {
        throw new Error('sanitizer unavailable');
      },
      unmask: (text) => text,
    };
    expect(() => buildPrompt(incident(), [], failing)).toThrow('sanitizer unavailable');
  });
});

describe('toLlmError', () => {
  const headers = (entries: Record<string, string> = {}) => new Headers(entries);

  it('names HTTP failures in words', () => {
    const e401 = toLlmError(
      new OpenAI.AuthenticationError(401, { message: 'Incorrect API key' }, undefined, headers()),
      SETTINGS,
    );
    expect(e401).toMatchObject({ kind: 'auth', message: '401: invalid API key', retryable: false });
    const noKey = toLlmError(new OpenAI.AuthenticationError(401, undefined, undefined, headers()), {
      ...SETTINGS,
      apiKey: undefined,
    });
    expect(noKey.message).toBe('401: invalid API key (none is set: add ai.apiKey)');
    const quota = toLlmError(
      new OpenAI.RateLimitError(
        429,
        { message: 'You exceeded your current quota', code: 'insufficient_quota' },
        undefined,
        headers(),
      ),
      SETTINGS,
    );
    expect(quota).toMatchObject({ kind: 'quota', retryable: false });
    expect(quota.message).toMatch(/^429: quota exceeded/);
    const limited = toLlmError(
      new OpenAI.RateLimitError(
        429,
        { message: 'Rate limit reached', code: 'rate_limit_exceeded' },
        undefined,
        headers({ 'retry-after': '7' }),
      ),
      SETTINGS,
    );
    expect(limited).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 7000 });
    const server = toLlmError(
      new OpenAI.InternalServerError(503, { message: 'overloaded' }, undefined, headers()),
      SETTINGS,
    );
    expect(server).toMatchObject({ kind: 'server', retryable: true });
    expect(server.message).toBe('503: server error at http://127.0.0.1:9/v1: overloaded');
    const notFound = toLlmError(
      new OpenAI.NotFoundError(404, { message: 'model not found' }, undefined, headers()),
      SETTINGS,
    );
    expect(notFound.message).toMatch(/^404: no chat completions for model "gpt-4o-mini"/);
  });

  it('names connection failures and timeouts in words', () => {
    const refused = new OpenAI.APIConnectionError({
      cause: Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
    });
    expect(toLlmError(refused, SETTINGS)).toMatchObject({
      kind: 'refused',
      message: 'connection refused at http://127.0.0.1:9/v1',
      retryable: false,
    });
    const dns = new OpenAI.APIConnectionError({
      cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }),
    });
    expect(toLlmError(dns, SETTINGS).message).toBe('host not found: 127.0.0.1 (http://127.0.0.1:9/v1)');
    expect(toLlmError(new OpenAI.APIConnectionTimeoutError(), SETTINGS)).toMatchObject({
      kind: 'timeout',
      message: 'timeout after 20 s at http://127.0.0.1:9/v1',
      retryable: true,
    });
  });

  it('reads Retry-After in seconds, as a date, and retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '150', 'retry-after': '9' }), now)).toBe(150);
    expect(retryAfterMs(headers(), now)).toBeNull();
  });
});

describe('chatWithRetries', () => {
  const ok: ChatResult = {
    content: '{}',
    model: 'm',
    promptTokens: 1,
    completionTokens: 1,
    usageReported: true,
    truncated: false,
  };

  function scripted(outcomes: (LlmError | ChatResult)[]): LlmClient & { calls: number } {
    const client = {
      settings: SETTINGS,
      calls: 0,
      chat(_request: ChatRequest): Promise<ChatResult> {
        const next = outcomes[client.calls] ?? ok;
        client.calls += 1;
        return next instanceof LlmError ? Promise.reject(next) : Promise.resolve(next);
      },
    };
    return client;
  }

  function policy(waits: number[]) {
    return {
      retries: 2,
      baseMs: 100,
      maxWaitMs: 60_000,
      sleep: (ms: number) => {
        waits.push(ms);
        return Promise.resolve();
      },
    };
  }
  const request: ChatRequest = { messages: [], json: true, maxTokens: 100 };

  it('retries throttling and transient faults, honouring Retry-After', async () => {
    const waits: number[] = [];
    const client = scripted([
      new LlmError('rate_limited', '429: rate limited', 429, 3000),
      new LlmError('server', '500: server error', 500),
    ]);
    await expect(chatWithRetries(client, request, policy(waits))).resolves.toEqual(ok);
    expect(client.calls).toBe(3);
    expect(waits[0]).toBe(3000);
    // Second backoff: 100 * 2 ± 20 %.
    expect(waits[1]).toBeGreaterThanOrEqual(160);
    expect(waits[1]).toBeLessThanOrEqual(240);
  });

  it('gives up after two retries and says how many tries were made', async () => {
    const client = scripted([1, 2, 3].map(() => new LlmError('timeout', 'timeout after 1 s at x')));
    await expect(chatWithRetries(client, request, policy([]))).rejects.toThrow(
      'timeout after 1 s at x (after 3 tries)',
    );
    expect(client.calls).toBe(3);
  });

  it('never retries a bad key, a spent quota or a refused connection', async () => {
    for (const error of [
      new LlmError('auth', '401: invalid API key', 401),
      new LlmError('quota', '429: quota exceeded', 429),
      new LlmError('refused', 'connection refused at x'),
    ]) {
      const client = scripted([error]);
      await expect(chatWithRetries(client, request, policy([]))).rejects.toThrow(error.message);
      expect(client.calls).toBe(1);
    }
  });

  it('does not wait for a Retry-After beyond the limit', async () => {
    const client = scripted([new LlmError('rate_limited', '429: rate limited', 429, 600_000)]);
    await expect(chatWithRetries(client, request, policy([]))).rejects.toThrow(
      '429: rate limited (the server asks to wait 600 s)',
    );
    expect(client.calls).toBe(1);
  });
});
