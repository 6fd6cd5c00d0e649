/**
 * The browser transport: `VigilApi` over the headless shell's HTTP + SSE
 * routes on the same origin. Every request carries `X-Vigil-Client: web`
 * because the server refuses state-changing requests without it (a cross-site
 * form cannot set custom headers, so this is the CSRF guard).
 */
import { z } from 'zod';

import type { VigilApi } from '../../../shared/ipc/api';
import { EVENT_NAMES, events, methods } from '../../../shared/ipc/contract';
import type {
  EventName,
  EventPayload,
  MethodName,
  MethodRequest,
  MethodResponse,
} from '../../../shared/ipc/contract';
import { errorCodeSchema } from '../../../shared/ipc/result';
import type { Result } from '../../../shared/ipc/result';
import type { ConnectionState, LoginOutcome, SessionClient, SessionInfo, Transport } from './types';

const CLIENT_HEADERS = { 'Content-Type': 'application/json', 'X-Vigil-Client': 'web' } as const;
const EVENTS_URL = '/api/events';
const MAX_RETRY_MS = 30_000;

const envelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    // An unknown code from a newer server still reads as an error rather than a parse failure.
    error: z.object({ code: errorCodeSchema.catch('internal'), message: z.string().catch('') }),
  }),
]);

const sessionInfoSchema = z.object({ authenticated: z.boolean(), pinRequired: z.boolean() });

type Listener = (payload: unknown) => void;

function failure<T>(code: z.infer<typeof errorCodeSchema>, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

class Emitter<T extends unknown[]> {
  private readonly listeners = new Set<(...args: T) => void>();

  add(listener: (...args: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(...args: T): void {
    for (const listener of [...this.listeners]) listener(...args);
  }
}

export interface HttpTransportOptions {
  /** Injected so tests can run without a server. */
  fetch?: typeof fetch;
  createEventSource?: (url: string) => EventSource;
}

export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const openEventSource = options.createEventSource ?? ((url) => new EventSource(url));

  const unauthorized = new Emitter<[]>();
  const reconnected = new Emitter<[]>();
  const connection = new Emitter<[ConnectionState]>();

  const listeners = new Map<EventName, Set<Listener>>();
  let listenerCount = 0;
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryDelay = 1_000;
  // Never reset: an open after a logout or an expired session is a reconnect too, and the app must refetch.
  let opens = 0;
  let state: ConnectionState = 'down';

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    connection.emit(next);
  }

  async function invoke<M extends MethodName>(
    method: M,
    args: MethodRequest<M>,
  ): Promise<Result<MethodResponse<M>>> {
    let response: Response;
    try {
      response = await doFetch(`/api/rpc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: CLIENT_HEADERS,
        credentials: 'same-origin',
        body: JSON.stringify(args),
      });
    } catch (error) {
      return failure('unavailable', `Cannot reach the Vigil server (${reasonOf(error)}).`);
    }
    if (response.status === 401) unauthorized.emit();

    const envelope = envelopeSchema.safeParse(await readJson(response));
    if (!envelope.success) {
      const code = response.status === 401 ? 'unauthorized' : 'unavailable';
      return failure(code, `The server gave an unreadable answer (HTTP ${String(response.status)}).`);
    }
    if (!envelope.data.ok) return { ok: false, error: envelope.data.error };

    // The renderer trusts nothing that crosses the boundary: a malformed answer is an error, not a crash later.
    const value = methods[method].response.safeParse(envelope.data.value);
    if (!value.success) {
      return failure('internal', `The answer to ${method} does not match the contract.`);
    }
    return { ok: true, value: value.data as MethodResponse<M> };
  }

  function dispatch(name: EventName, data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.error(`Vigil: unreadable ${name} event`);
      return;
    }
    const parsed = events[name].safeParse(json);
    if (!parsed.success) {
      console.error(`Vigil: ${name} event does not match the contract`, parsed.error.issues);
      return;
    }
    for (const listener of [...(listeners.get(name) ?? [])]) listener(parsed.data);
  }

  function openPushChannel(): void {
    if (source || retryTimer) return;
    setState('connecting');
    const es = openEventSource(EVENTS_URL);
    source = es;
    for (const name of EVENT_NAMES) {
      es.addEventListener(name, (event: MessageEvent<string>) => {
        dispatch(name, event.data);
      });
    }
    es.addEventListener('open', () => {
      opens += 1;
      retryDelay = 1_000;
      setState('live');
      if (opens > 1) reconnected.emit();
    });
    es.addEventListener('error', () => {
      if (es.readyState !== EventSource.CLOSED) {
        // A network drop: EventSource retries on its own.
        setState('connecting');
        return;
      }
      // The server refused the stream (an HTTP error), so EventSource gives up; find out why.
      es.close();
      if (source === es) source = null;
      setState('down');
      void recoverPushChannel();
    });
  }

  async function recoverPushChannel(): Promise<void> {
    const info = await session.check().catch(() => null);
    if (info && info.pinRequired && !info.authenticated) {
      unauthorized.emit();
      return;
    }
    if (listenerCount === 0 || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (listenerCount > 0) openPushChannel();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
  }

  function closePushChannel(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    source?.close();
    source = null;
    setState('down');
  }

  function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    // Sound because dispatch only hands a listener a payload parsed with its own event's schema.
    const untyped = listener as Listener;
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(untyped);
    listenerCount += 1;
    openPushChannel();

    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      listeners.get(event)?.delete(untyped);
      listenerCount -= 1;
      // Deferred so an immediate re-subscribe (React StrictMode, a remount) keeps the stream.
      queueMicrotask(() => {
        if (listenerCount === 0) closePushChannel();
      });
    };
  }

  const session: SessionClient = {
    async check(): Promise<SessionInfo> {
      const response = await doFetch('/api/session', {
        credentials: 'same-origin',
        headers: { 'X-Vigil-Client': 'web' },
      });
      const body = await readJson(response);
      const direct = sessionInfoSchema.safeParse(body);
      if (direct.success) return direct.data;
      // Tolerate the Result envelope too, so either server style works.
      const wrapped = envelopeSchema.safeParse(body);
      if (wrapped.success && wrapped.data.ok) {
        const inner = sessionInfoSchema.safeParse(wrapped.data.value);
        if (inner.success) return inner.data;
      }
      throw new Error(`Unexpected answer from /api/session (HTTP ${String(response.status)}).`);
    },

    async login(pin: string): Promise<LoginOutcome> {
      let response: Response;
      try {
        response = await doFetch('/api/login', {
          method: 'POST',
          headers: CLIENT_HEADERS,
          credentials: 'same-origin',
          body: JSON.stringify({ pin }),
        });
      } catch (error) {
        return {
          ok: false,
          reason: 'unavailable',
          message: `Cannot reach the Vigil server (${reasonOf(error)}).`,
        };
      }
      const envelope = envelopeSchema.safeParse(await readJson(response));
      if (response.ok && envelope.success && envelope.data.ok) return { ok: true };
      if (response.status === 429) {
        const retryAfter = Number(response.headers.get('Retry-After'));
        const wait =
          Number.isFinite(retryAfter) && retryAfter > 0
            ? `in ${String(Math.ceil(retryAfter))} seconds`
            : 'in a minute';
        return { ok: false, reason: 'rate_limited', message: `Too many attempts. Try again ${wait}.` };
      }
      if (response.status === 401) {
        return { ok: false, reason: 'wrong_pin', message: 'Wrong PIN or passphrase. Try again.' };
      }
      const detail = envelope.success && !envelope.data.ok ? envelope.data.error.message : '';
      return {
        ok: false,
        reason: 'unavailable',
        message: detail || `Sign-in failed (HTTP ${String(response.status)}).`,
      };
    },

    async logout(): Promise<void> {
      closePushChannel();
      try {
        await doFetch('/api/logout', {
          method: 'POST',
          headers: CLIENT_HEADERS,
          credentials: 'same-origin',
          body: '{}',
        });
      } catch {
        // The cookie dies with the server session anyway; the login screen is what matters here.
      }
    },
  };

  const api: VigilApi = { invoke, on };

  return {
    kind: 'http',
    api,
    session,
    onReconnect: (listener) => reconnected.add(listener),
    onConnectionChange: (listener) => connection.add(listener),
    connectionState: () => state,
    onUnauthorized: (listener) => unauthorized.add(listener),
  };
}
