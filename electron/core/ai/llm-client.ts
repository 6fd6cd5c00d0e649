/**
 * Chat completions against any OpenAI-compatible endpoint (OpenAI, Azure-style
 * gateways, Ollama's /v1, LM Studio, vLLM, llama.cpp) through the `openai`
 * package, with its own retries off: the analyst decides what to retry. Every
 * failure becomes an LlmError whose message an analyst can act on ("401:
 * invalid API key", "connection refused at http://…", "timeout after 20 s").
 *
 * Servers differ: some reject `response_format`, some `max_tokens` (OpenAI's
 * reasoning models) or `max_completion_tokens` (older local servers). A
 * rejection naming the parameter is answered by retrying once without it (or
 * with the other name), and the client remembers it for later calls.
 */
import OpenAI from 'openai';

import type { ChatMessage } from './prompt';

export type LlmErrorKind =
  | 'auth'
  | 'forbidden'
  | 'quota'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'refused'
  | 'not_found'
  | 'bad_request'
  | 'malformed'
  | 'aborted';

/** Kinds worth another try after a pause: throttling and transient faults, never a bad key or quota. */
const RETRYABLE: readonly LlmErrorKind[] = ['rate_limited', 'server', 'timeout', 'network'];

export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly status: number | null = null,
    /** How long the server asked us to wait (Retry-After / retry-after-ms). */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return RETRYABLE.includes(this.kind);
  }
}

export interface LlmSettings {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Ask for a JSON object (response_format json_object) where the server supports it. */
  json: boolean;
  maxTokens: number;
  signal?: AbortSignal;
}

export interface ChatResult {
  content: string;
  /** The model that answered, as the server names it (falls back to the configured one). */
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** False when the server reported no usage and the tokens are estimated from the text. */
  usageReported: boolean;
  /** finish_reason "length": the answer was cut at maxTokens. */
  truncated: boolean;
}

export interface LlmClient {
  readonly settings: LlmSettings;
  chat(request: ChatRequest): Promise<ChatResult>;
}

/** A stand-in key for servers that need none (Ollama); the SDK refuses to run without one. */
const NO_KEY = 'no-key-set';
const MESSAGE_CHARS = 240;

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_CHARS ? `${flat.slice(0, MESSAGE_CHARS)}…` : flat;
}

/** Parses Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms into milliseconds. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  const parsed = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(parsed) ? Math.max(0, parsed) : null;
}

/** The system error code somewhere in an error's cause chain (ECONNREFUSED, ENOTFOUND, ...). */
function causeCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth += 1) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') {
      if (/^[A-Z_]+$/.test(current.code)) return current.code;
    }
    current = typeof current === 'object' && 'cause' in current ? current.cause : null;
  }
  return null;
}

/** An HTTP error answer as the SDK reports it, read into plain typed fields. */
interface HttpFailure {
  status: number;
  headers: Headers | undefined;
  code: string | null;
  type: string | null;
  param: string | null;
  /** The server's own message (from the error envelope, else the body text), shortened. */
  message: string;
}

function httpFailure(error: unknown): HttpFailure | null {
  if (!(error instanceof OpenAI.APIError)) return null;
  const status: unknown = error.status;
  if (typeof status !== 'number') return null;
  const headers: unknown = error.headers;
  const body: unknown = error.error;
  const field = (value: unknown) => (typeof value === 'string' ? value : null);
  const bodyMessage =
    body !== null && typeof body === 'object' && 'message' in body ? field(body.message) : null;
  return {
    status,
    headers: headers instanceof Headers ? headers : undefined,
    code: field(error.code),
    type: field(error.type),
    param: field(error.param),
    message: short(bodyMessage ?? error.message.replace(/^\d{3}\s*/, '')),
  };
}

/** Mentions a request parameter by name: how servers say they do not support it. */
function mentions(failure: HttpFailure, param: string): boolean {
  return failure.param === param || failure.message.includes(param);
}

/** Turns whatever the SDK threw into an LlmError that says what happened in words. */
export function toLlmError(error: unknown, settings: LlmSettings, now = Date.now()): LlmError {
  if (error instanceof LlmError) return error;
  const at = settings.baseUrl;
  if (error instanceof OpenAI.APIUserAbortError) return new LlmError('aborted', 'the request was cancelled');
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError(
      'timeout',
      `timeout after ${String(Math.round(settings.timeoutMs / 1000))} s at ${at}`,
    );
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const code = causeCode(error);
    if (code === 'ECONNREFUSED') return new LlmError('refused', `connection refused at ${at}`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new LlmError('refused', `host not found: ${new URL(at).hostname} (${at})`);
    }
    if (code && /CERT|SSL|TLS|SELF_SIGNED/.test(code)) {
      return new LlmError('refused', `TLS certificate problem at ${at} (${code})`);
    }
    return new LlmError('network', `cannot reach ${at}: ${code ?? short(error.message)}`);
  }
  const failure = httpFailure(error);
  if (failure) {
    const { status, message } = failure;
    if (status === 401) {
      return new LlmError(
        'auth',
        settings.apiKey ? '401: invalid API key' : '401: invalid API key (none is set: add ai.apiKey)',
        status,
      );
    }
    if (status === 403) return new LlmError('forbidden', `403: access denied: ${message}`, status);
    if (status === 404) {
      return new LlmError(
        'not_found',
        `404: no chat completions for model "${settings.model}" at ${at} (check ai.baseUrl and ai.model): ${message}`,
        status,
      );
    }
    if (status === 429) {
      if (failure.code === 'insufficient_quota' || failure.type === 'insufficient_quota') {
        return new LlmError(
          'quota',
          '429: quota exceeded (insufficient_quota): check the plan and billing of this API key',
          status,
        );
      }
      return new LlmError(
        'rate_limited',
        `429: rate limited: ${message}`,
        status,
        retryAfterMs(failure.headers, now),
      );
    }
    if (status >= 500) {
      return new LlmError('server', `${String(status)}: server error at ${at}: ${message}`, status);
    }
    return new LlmError(
      'bad_request',
      `${String(status)}: the server refused the request: ${message}`,
      status,
    );
  }
  const text = error instanceof Error ? error.message : String(error);
  return new LlmError('network', `request to ${at} failed: ${short(text)}`);
}

type TokenParam = 'max_tokens' | 'max_completion_tokens';

/** OpenAI's own endpoints want max_completion_tokens (reasoning models refuse max_tokens); others the classic name. */
function defaultTokenParam(baseUrl: string): TokenParam {
  const host = new URL(baseUrl).hostname;
  return host === 'api.openai.com' || host.endsWith('.openai.azure.com')
    ? 'max_completion_tokens'
    : 'max_tokens';
}

interface CompletionShape {
  model?: unknown;
  choices?: { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
}

function isCompletion(value: unknown): value is CompletionShape {
  return (
    value !== null &&
    typeof value === 'object' &&
    Array.isArray((value as CompletionShape).choices) &&
    ((value as CompletionShape).choices?.length ?? 0) > 0
  );
}

function estimateTokens(chars: number): number {
  // ~4 characters a token: used only so a server that reports no usage still counts against the budget.
  return Math.ceil(chars / 4);
}

/**
 * An LlmClient over the openai package. `fetch` is the SDK's fetch
 * (injectable for tests); the SDK's own retries and logging are off.
 */
export function createOpenAiClient(settings: LlmSettings, fetchImpl?: typeof fetch): LlmClient {
  const sdk = new OpenAI({
    apiKey: settings.apiKey || NO_KEY,
    baseURL: settings.baseUrl,
    timeout: settings.timeoutMs,
    maxRetries: 0,
    organization: null,
    project: null,
    logLevel: 'off',
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  let useResponseFormat = true;
  let tokenParam = defaultTokenParam(settings.baseUrl);

  async function send(request: ChatRequest): Promise<unknown> {
    for (let adjustments = 0; ; adjustments += 1) {
      const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
        model: settings.model,
        messages: request.messages,
        [tokenParam]: request.maxTokens,
        ...(request.json && useResponseFormat ? { response_format: { type: 'json_object' as const } } : {}),
      };
      try {
        return await sdk.chat.completions.create(body, request.signal ? { signal: request.signal } : {});
      } catch (error) {
        const failure = httpFailure(error);
        const refused = failure && (failure.status === 400 || failure.status === 422) && adjustments < 2;
        if (refused && request.json && useResponseFormat && mentions(failure, 'response_format')) {
          useResponseFormat = false;
          continue;
        }
        if (refused && mentions(failure, tokenParam)) {
          tokenParam = tokenParam === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
          continue;
        }
        throw toLlmError(error, settings);
      }
    }
  }

  return {
    settings,
    async chat(request) {
      const completion = await send(request);
      if (!isCompletion(completion)) {
        const got =
          typeof completion === 'string'
            ? `text starting "${short(completion).slice(0, 60)}"`
            : `a JSON ${completion === null ? 'null' : typeof completion}`;
        throw new LlmError(
          'malformed',
          `the server at ${settings.baseUrl} did not answer in the OpenAI chat format (got ${got})`,
        );
      }
      const choice = completion.choices![0]!;
      const content = choice.message?.content;
      if (typeof content !== 'string') {
        const refusal = choice.message?.refusal;
        throw new LlmError(
          'malformed',
          typeof refusal === 'string' && refusal
            ? `the model refused: ${short(refusal)}`
            : 'the model answered with no text',
        );
      }
      const prompt = completion.usage?.prompt_tokens;
      const completed = completion.usage?.completion_tokens;
      const reported = typeof prompt === 'number' && typeof completed === 'number';
      const promptChars = request.messages.reduce((sum, m) => sum + m.content.length, 0);
      return {
        content,
        model: typeof completion.model === 'string' && completion.model ? completion.model : settings.model,
        promptTokens: reported ? prompt : estimateTokens(promptChars),
        completionTokens: reported ? completed : estimateTokens(content.length),
        usageReported: reported,
        truncated: choice.finish_reason === 'length',
      };
    },
  };
}

export interface RetryPolicy {
  /** Further tries after the first (the analyst uses 2). */
  retries: number;
  /** First backoff; doubled each time, ±20 % jitter. */
  baseMs: number;
  /** A Retry-After longer than this is not waited for: the call fails and says how long was asked. */
  maxWaitMs: number;
  /** Waits `ms`, rejecting when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (error: LlmError, attempt: number, waitMs: number) => void;
}

/** Waits on a timer that `signal` cancels. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new LlmError('aborted', 'the request was cancelled'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmError('aborted', 'the request was cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One chat call with retries for throttling and transient faults (429, 5xx,
 * timeouts, dropped connections), honouring Retry-After; a bad key, a spent
 * quota or a refused request fail at once. The last error says how many tries
 * were made.
 */
export async function chatWithRetries(
  client: LlmClient,
  request: ChatRequest,
  policy: RetryPolicy,
): Promise<ChatResult> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await client.chat(request);
    } catch (thrown) {
      const error = toLlmError(thrown, client.settings);
      if (!error.retryable) throw error;
      if (error.retryAfterMs !== null && error.retryAfterMs > policy.maxWaitMs) {
        throw new LlmError(
          error.kind,
          `${error.message} (the server asks to wait ${String(Math.ceil(error.retryAfterMs / 1000))} s)`,
          error.status,
          error.retryAfterMs,
        );
      }
      if (attempt >= policy.retries) {
        const tries = attempt + 1;
        throw new LlmError(
          error.kind,
          tries > 1 ? `${error.message} (after ${String(tries)} tries)` : error.message,
          error.status,
          error.retryAfterMs,
        );
      }
      const backoff = policy.baseMs * 2 ** attempt * (0.8 + Math.random() * 0.4);
      const waitMs = Math.round(Math.max(error.retryAfterMs ?? 0, backoff));
      policy.onRetry?.(error, attempt + 1, waitMs);
      await policy.sleep(waitMs, request.signal);
    }
  }
}
