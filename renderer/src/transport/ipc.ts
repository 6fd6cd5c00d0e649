import type { VigilApi } from '../../../shared/ipc/api';
import type { Transport } from './types';

const noop = (): void => undefined;

/** Wraps the preload's `window.api`: IPC never drops events and needs no login. */
export function createIpcTransport(api: VigilApi): Transport {
  return {
    kind: 'ipc',
    api,
    session: null,
    onReconnect: () => noop,
    onConnectionChange: () => noop,
    connectionState: () => 'live',
    onUnauthorized: () => noop,
  };
}

/** The preload's bridge, if this page runs inside Electron. */
export function electronApi(): VigilApi | undefined {
  const candidate = (window as { api?: VigilApi }).api;
  return candidate ?? undefined;
}
