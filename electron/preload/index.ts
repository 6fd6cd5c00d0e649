/**
 * The sandboxed preload: exposes exactly `window.api` (invoke + on) and
 * nothing of ipcRenderer itself, so page script can only use channels of the
 * contract. Imports stay limited to electron and the zod-free channel list
 * because a sandboxed preload is one small CommonJS bundle.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';

import type { VigilApi } from '../../shared/ipc/api';
import type { EventName, EventPayload, MethodName, MethodResponse } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import { PUSH_EVENTS, RPC_METHODS, eventChannel, rpcChannel } from '../../shared/ipc/channels';

const METHODS: ReadonlySet<string> = new Set(RPC_METHODS);
const EVENTS: ReadonlySet<string> = new Set(PUSH_EVENTS);

function failure(code: 'unknown_method' | 'unavailable', message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

const api: VigilApi = {
  invoke<M extends MethodName>(method: M, args: unknown): Promise<Result<MethodResponse<M>>> {
    // Checked again in main; refusing here keeps arbitrary channel names off the wire.
    if (typeof method !== 'string' || !METHODS.has(method)) {
      return Promise.resolve(failure('unknown_method', `unknown method: ${String(method)}`));
    }
    const answer = ipcRenderer.invoke(rpcChannel(method), args) as Promise<Result<MethodResponse<M>>>;
    // invoke only rejects when main has no handler or threw; errors are data for the renderer.
    return answer.catch(() => failure('unavailable', 'the desktop shell did not answer'));
  },

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (typeof event !== 'string' || !EVENTS.has(event)) throw new Error(`unknown event: ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const channel = eventChannel(event);
    // The IpcRendererEvent (with its sender and ports) never reaches page script.
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => {
      try {
        listener(payload as EventPayload<E>);
      } catch (error) {
        // One failing subscriber must not starve the others; rethrow where devtools shows it.
        queueMicrotask(() => {
          throw error;
        });
      }
    };
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
