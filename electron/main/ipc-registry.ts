/**
 * The Electron IPC transport for the contract: one `ipcMain.handle` per RPC
 * method, each call gated by who sent it, and push events forwarded to the
 * window. Nothing here imports electron, not even its types: the shapes used
 * are declared below so all of this runs under plain Node in unit tests with
 * fake ipcMain / webContents objects.
 */
import { PUSH_EVENTS, RPC_METHODS, eventChannel, rpcChannel } from '../../shared/ipc/channels';
import type { EventName } from '../../shared/ipc/contract';
import type { ErrorCode, Result } from '../../shared/ipc/result';
import type { CallContext } from '../core/call-context';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../core/http';
import type { Logger } from '../core/logger';
import { isAppUrl } from './app-origin';
import type { AppOrigin } from './app-origin';

/** The parts of a WebFrameMain the trust check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** The parts of an IpcMainInvokeEvent the handler reads (a real event satisfies it). */
export interface InvokeEventLike {
  readonly senderFrame?: SenderFrame | null;
}

export type InvokeListener = (event: InvokeEventLike, args?: unknown) => Promise<Result<unknown>>;

/**
 * The parts of ipcMain used here. Electron's ipcMain is assignable to it (its
 * IpcMainInvokeEvent satisfies InvokeEventLike), and so is a Map-backed fake.
 */
export interface IpcMainLike {
  handle(channel: string, listener: InvokeListener): void;
  removeHandler(channel: string): void;
}

export type SenderCheck = (frame: SenderFrame | null | undefined) => boolean;

export type Dispatch = (method: string, args: unknown, ctx: CallContext) => Promise<Result<unknown>>;

export interface RegisterContractOptions {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  isTrustedSender: SenderCheck;
  logger: Logger;
  /** Recorded on timeline entries; the OS user name when known. */
  actor?: string;
}

const RPC_METHOD_SET: ReadonlySet<string> = new Set(RPC_METHODS);
const PUSH_EVENT_SET: ReadonlySet<string> = new Set(PUSH_EVENTS);

function refusal(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/**
 * Trusts only the top-level frame of one of our pages. A subframe (parent set)
 * or any other origin never reaches the core, even if it somehow got a copy of
 * the preload's bridge.
 */
export function trustedSenderCheck(app: AppOrigin): SenderCheck {
  return (frame) => {
    if (frame === null || frame === undefined) return false;
    try {
      return frame.parent === null && isAppUrl(frame.url, app);
    } catch {
      // Reading a disposed WebFrameMain throws; a frame that is gone is not trusted.
      return false;
    }
  };
}

function readSenderFrame(event: InvokeEventLike): SenderFrame | null {
  try {
    return event.senderFrame ?? null;
  } catch {
    return null;
  }
}

/**
 * Answers one IPC call: checks that the method is in the contract, the
 * sender is trusted and the args are not absurdly deep, then hands them to
 * the core. Never throws; every
 * refusal is logged and answered as data.
 */
export async function handleInvoke(
  method: string,
  event: InvokeEventLike,
  args: unknown,
  options: Omit<RegisterContractOptions, 'ipcMain'>,
): Promise<Result<unknown>> {
  const { dispatch, isTrustedSender, logger } = options;
  if (!RPC_METHOD_SET.has(method)) {
    logger.warn('ipc call refused: unknown method', { method });
    return refusal('unknown_method', `unknown method: ${method}`);
  }
  const frame = readSenderFrame(event);
  if (!isTrustedSender(frame)) {
    logger.warn('ipc call refused: untrusted sender', { method, frame: describeFrame(frame) });
    return refusal('forbidden', 'caller is not the Vigil window');
  }
  // The same cap as the HTTP transport's: a hostile depth must not reach recursive code in the core.
  if (nestedDeeperThan(args, MAX_JSON_DEPTH)) {
    logger.warn('ipc call refused: args nested too deep', { method });
    return refusal('bad_request', `arguments nest deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return await dispatch(method, args, { actor: options.actor ?? 'desktop user', via: 'ui' });
  } catch (error) {
    // The core answers Results; a throw is a bug there, and its message may carry internals.
    logger.error('ipc dispatch threw', { method, error });
    return refusal('internal', 'internal error');
  }
}

function describeFrame(frame: SenderFrame | null): Record<string, unknown> | null {
  if (frame === null) return null;
  try {
    return { url: frame.url, subframe: frame.parent !== null };
  } catch {
    return { disposed: true };
  }
}

/**
 * Registers a handler for every contract method on `rpc:<method>`. Returns a
 * function that removes them all (idempotent).
 */
export function registerContract(options: RegisterContractOptions): () => void {
  const channels: string[] = [];
  for (const method of RPC_METHODS) {
    const channel = rpcChannel(method);
    options.ipcMain.handle(channel, (event, args) => handleInvoke(method, event, args, options));
    channels.push(channel);
  }
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    for (const channel of channels) options.ipcMain.removeHandler(channel);
  };
}

/** The parts of WebContents needed to push an event. */
export interface EventSink {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/**
 * Sends one push event to a window as `event:<name>`. Returns false when there
 * is no live window or the event is not in the contract.
 */
export function sendEvent(
  sink: EventSink | null | undefined,
  name: string,
  payload: unknown,
  logger?: Logger,
): boolean {
  if (!PUSH_EVENT_SET.has(name) || !sink || sink.isDestroyed()) return false;
  try {
    sink.send(eventChannel(name), payload);
    return true;
  } catch (error) {
    // A payload that cannot be cloned must not break the core's event loop.
    logger?.warn('push event not delivered', { event: name, error });
    return false;
  }
}

/**
 * Forwards every core push event to whatever window is live at that moment.
 * Returns the unsubscribe function.
 */
export function forwardEvents(
  subscribe: (listener: (name: EventName, payload: unknown) => void) => () => void,
  getWebContents: () => EventSink | null | undefined,
  logger?: Logger,
): () => void {
  return subscribe((name, payload) => {
    sendEvent(getWebContents(), name, payload, logger);
  });
}
