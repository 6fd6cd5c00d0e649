import { useSyncExternalStore } from 'react';

import { getTransport } from '../transport';
import type { ConnectionState } from '../transport';

function subscribe(onChange: () => void): () => void {
  return getTransport().onConnectionChange(onChange);
}

function snapshot(): ConnectionState {
  return getTransport().connectionState();
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribe, snapshot);
}
