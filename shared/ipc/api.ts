/**
 * The shape of `window.api`, provided by the Electron preload and, in a
 * browser, by the HTTP transport. The renderer talks to nothing else.
 */
import type { EventName, EventPayload, MethodName, MethodRequest, MethodResponse } from './contract';
import type { Result } from './result';

export interface VigilApi {
  invoke<M extends MethodName>(method: M, args: MethodRequest<M>): Promise<Result<MethodResponse<M>>>;
  /** Subscribes to a push event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
