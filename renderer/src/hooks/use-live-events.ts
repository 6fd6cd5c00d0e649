import { useEffect } from 'react';

import { refreshAfterReconnect, useStore } from '../store';
import type { IncidentChange } from '../store';
import { getTransport } from '../transport';

/** Long enough to coalesce a burst of duplicates into one render, short enough to feel live. */
const BATCH_MS = 50;

/**
 * Subscribes the store to the core's push events for as long as the console
 * is mounted. In a browser, the first subscription opens the SSE stream, so
 * it starts only after login.
 */
export function useLiveEvents(): void {
  useEffect(() => {
    const transport = getTransport();
    let queue: IncidentChange[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;

    const flush = (): void => {
      timer = null;
      const batch = queue;
      queue = [];
      useStore.getState().applyIncidentChanges(batch);
    };

    const unsubscribers = [
      transport.api.on('incidents.changed', (change) => {
        queue.push(change);
        timer ??= setTimeout(flush, BATCH_MS);
      }),
      transport.api.on('sources.changed', (source) => {
        useStore.getState().upsertSource(source);
      }),
      transport.api.on('channels.changed', ({ id }) => {
        useStore.getState().channelChanged(id);
      }),
      transport.api.on('system.counts', (counts) => {
        useStore.getState().applyCounts(counts);
      }),
      // Every window reloads after a restore, not only the one that asked for it.
      transport.api.on('backup.restored', () => refreshAfterReconnect()),
      transport.api.on('ui.focusIncident', ({ id }) => {
        useStore.getState().focusIncident(id);
      }),
      transport.onReconnect(refreshAfterReconnect),
    ];

    return () => {
      if (timer) clearTimeout(timer);
      timer = null;
      queue = [];
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }, []);
}

/** Sends the user to the login screen when any request comes back 401. */
export function useSessionExpiry(): void {
  useEffect(
    () =>
      getTransport().onUnauthorized(() => {
        useStore.getState().expireSession();
      }),
    [],
  );
}
