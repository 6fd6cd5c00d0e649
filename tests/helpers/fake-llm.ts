/**
 * A fake OpenAI-compatible chat server: a real node:http server on 127.0.0.1
 * answering POST /v1/chat/completions with the recorded response shapes in
 * tests/fixtures/openai (OpenAI's, or Ollama's with `flavor: 'ollama'`).
 * Every request is recorded exactly as it arrived (raw body text, parsed
 * body, headers), so tests can search what left the machine. Switches make
 * it misbehave: 401, 429 with Retry-After (or insufficient_quota), 500, a
 * slow answer, invalid JSON, an HTML page, refusing `response_format`, and
 * custom usage counts.
 */
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Entities } from '../../shared/domain';
import { listenLocal } from './local-server';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'openai');

type Json = Record<string, unknown>;

/** A fixture from tests/fixtures/openai, parsed afresh. */
export function openAiFixture<T = Json>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

export interface ChatMessageIn {
  role: string;
  content: string;
}

export interface LlmRequestBody {
  model?: string;
  messages?: ChatMessageIn[];
  response_format?: { type: string };
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface RecordedLlmRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: string;
  body: LlmRequestBody;
}

export type Reply =
  /** A completion whose content is `content` (a string as is; anything else JSON-encoded). */
  | {
      kind: 'answer';
      content: unknown;
      usage?: { prompt: number; completion: number } | null;
      model?: string;
      finishReason?: string;
    }
  /** Computes the reply from the request (e.g. echo the pseudonyms it saw). */
  | { kind: 'compute'; reply: (request: RecordedLlmRequest) => Reply }
  /** Content that is not JSON at all. */
  | { kind: 'invalid_json' }
  /** Any status with the documented error envelope (401 uses the recorded body). */
  | { kind: 'status'; status: number; code?: string; message?: string }
  | { kind: 'rate_limit'; retryAfterSec?: number; retryAfterMs?: number }
  | { kind: 'insufficient_quota' }
  /** An HTML page with status 200 (a proxy or captive portal in the way). */
  | { kind: 'html' }
  /** Answers with `then` after a pause (the client may give up first). */
  | { kind: 'delay'; ms: number; then: Reply };

export interface FakeLlm {
  /** The base URL a client is configured with: http://127.0.0.1:<port>/v1 */
  url: string;
  requests: RecordedLlmRequest[];
  /** Replies used once each, in order, before the default. */
  queue: Reply[];
  /** The reply when the queue is empty. */
  defaultReply: Reply;
  /** Answer 400 to any request that sets response_format (like a server that does not support it). */
  rejectResponseFormat: boolean;
  /** Usage reported with every answer that does not set its own; null = none (like some local servers). */
  usage: { prompt: number; completion: number } | null;
  flavor: 'openai' | 'ollama';
  /** Resolves once `count` requests have arrived (rejects after `timeoutMs`). */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface TriageAnswer {
  summary: string;
  severityAssessment: { severity: string; rationale: string };
  mitigationSteps: string[];
  investigationSteps: string[];
  confidence: number;
}

/** A valid triage answer naming the given text in its summary and first mitigation step. */
export function triageAnswer(mention = 'the host'): TriageAnswer {
  return {
    summary: `Suspicious activity on ${mention}.`,
    severityAssessment: { severity: 'high', rationale: 'Credential theft tooling was executed.' },
    mitigationSteps: [`Isolate ${mention} from the network`, 'Reset the affected credentials'],
    investigationSteps: ['Review process tree', 'Check lateral movement'],
    confidence: 0.8,
  };
}

function completion(
  flavor: 'openai' | 'ollama',
  content: string,
  usage: { prompt: number; completion: number } | null,
  model: string | undefined,
  finishReason: string,
): Json {
  const base = openAiFixture<Json>(
    flavor === 'openai' ? 'chat_completion_response.json' : 'ollama_v1_chat_completion_response.json',
  );
  const choices = base.choices as { message: Json; finish_reason: string }[];
  choices[0]!.message.content = content;
  choices[0]!.finish_reason = finishReason;
  if (model) base.model = model;
  if (usage) {
    const totals = base.usage as Json;
    totals.prompt_tokens = usage.prompt;
    totals.completion_tokens = usage.completion;
    totals.total_tokens = usage.prompt + usage.completion;
  } else {
    delete base.usage;
  }
  return base;
}

function errorBody(
  status: number,
  message: string,
  code: string | null,
  param: string | null = null,
): string {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return JSON.stringify({ error: { message, type, param, code } });
}

/** Starts the fake on an ephemeral port. */
export async function startFakeLlm(
  options: { defaultReply?: Reply; usage?: { prompt: number; completion: number } | null } = {},
): Promise<FakeLlm> {
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body);
  };

  const respond = (res: ServerResponse, reply: Reply, request: RecordedLlmRequest): void => {
    switch (reply.kind) {
      case 'answer': {
        const content = typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content);
        const usage = reply.usage === undefined ? fake.usage : reply.usage;
        send(
          res,
          200,
          JSON.stringify(completion(fake.flavor, content, usage, reply.model, reply.finishReason ?? 'stop')),
        );
        return;
      }
      case 'compute':
        respond(res, reply.reply(request), request);
        return;
      case 'invalid_json':
        respond(
          res,
          { kind: 'answer', content: 'Sure! Here is my analysis: the host looks {compromised' },
          request,
        );
        return;
      case 'status': {
        const body =
          reply.status === 401 && !reply.message
            ? JSON.stringify({
                error: openAiFixture<{ error: Json }>('openai_error_401.CONSTRUCTED.json').error,
              })
            : errorBody(reply.status, reply.message ?? `status ${String(reply.status)}`, reply.code ?? null);
        send(res, reply.status, body);
        return;
      }
      case 'rate_limit': {
        const headers: Record<string, string> = {};
        if (reply.retryAfterSec !== undefined) headers['Retry-After'] = String(reply.retryAfterSec);
        if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
        send(
          res,
          429,
          errorBody(
            429,
            'Rate limit reached for requests per min (RPM): Limit 3, Used 3.',
            'rate_limit_exceeded',
          ),
          headers,
        );
        return;
      }
      case 'insufficient_quota':
        send(
          res,
          429,
          errorBody(
            429,
            'You exceeded your current quota, please check your plan and billing details.',
            'insufficient_quota',
          ),
        );
        return;
      case 'html':
        if (res.destroyed) return;
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html><body><h1>Proxy login required</h1></body></html>');
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          respond(res, reply.then, request);
        }, reply.ms);
        timers.add(timer);
        return;
      }
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    let body: LlmRequestBody = {};
    try {
      body = JSON.parse(raw) as LlmRequestBody;
    } catch {
      // Recorded as it came; answered below.
    }
    const request: RecordedLlmRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      raw,
      body,
    };
    fake.requests.push(request);
    for (const wake of waiters) wake();

    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      send(res, 404, errorBody(404, `Invalid URL (${req.method ?? ''} ${req.url ?? ''})`, null));
      return;
    }
    if (fake.rejectResponseFormat && body.response_format) {
      send(
        res,
        400,
        errorBody(
          400,
          "Invalid parameter: 'response_format' of type 'json_object' is not supported with this model.",
          null,
          'response_format',
        ),
      );
      return;
    }
    respond(res, fake.queue.shift() ?? fake.defaultReply, request);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const local = await listenLocal(server);

  const fake: FakeLlm = {
    url: `${local.url}/v1`,
    requests: [],
    queue: [],
    defaultReply: options.defaultReply ?? { kind: 'answer', content: triageAnswer() },
    rejectResponseFormat: false,
    usage: options.usage === undefined ? { prompt: 120, completion: 60 } : options.usage,
    flavor: 'openai',
    waitForRequests(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (fake.requests.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${String(count)} LLM requests, got ${String(fake.requests.length)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return local.close();
    },
  };
  return fake;
}

/** Every message text of a recorded request, joined: what the model was shown. */
export function promptText(request: RecordedLlmRequest): string {
  return (request.body.messages ?? []).map((m) => m.content).join('\n');
}

/**
 * A stand-in for the sanitizer in tests that are about the analyst, not
 * masking: it replaces only the incident's known entities (HOST_1, USER_1,
 * IP_1, PATH_1, ...) wherever they appear, case-insensitively.
 */
export const stubMasker = {
  mask<T>(
    value: T,
    known?: Entities,
    map: Record<string, string> = {},
  ): { value: T; map: Record<string, string> } {
    const out = { ...map };
    const pairs: [string, string][] = Object.entries(out).map(([p, real]) => [real, p]);
    const add = (prefix: string, real: string) => {
      if (!real || pairs.some(([r]) => r.toLowerCase() === real.toLowerCase())) return;
      const pseudonym = `${prefix}_${String(Object.keys(out).filter((k) => k.startsWith(`${prefix}_`)).length + 1)}`;
      out[pseudonym] = real;
      pairs.push([real, pseudonym]);
    };
    for (const host of known?.hosts ?? []) add('HOST', host);
    for (const user of known?.users ?? []) add('USER', user);
    for (const ip of known?.ips ?? []) add('IP', ip);
    for (const file of known?.files ?? []) add('PATH', file.path);
    for (const domain of known?.domains ?? []) add('DOMAIN', domain);
    pairs.sort((a, b) => b[0].length - a[0].length);
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const walk = (node: unknown): unknown => {
      if (typeof node === 'string') {
        let text = node;
        for (const [real, pseudonym] of pairs) text = text.replace(new RegExp(escape(real), 'gi'), pseudonym);
        return text;
      }
      if (Array.isArray(node)) return node.map(walk);
      if (node !== null && typeof node === 'object') {
        return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
      }
      return node;
    };
    return { value: walk(value) as T, map: out };
  },
  unmask(text: string, map: Record<string, string>): string {
    let out = text;
    // Longest pseudonym first, so HOST_1 never eats part of HOST_10.
    for (const pseudonym of Object.keys(map).sort((a, b) => b.length - a.length)) {
      out = out.split(pseudonym).join(map[pseudonym] ?? pseudonym);
    }
    return out;
  },
};
