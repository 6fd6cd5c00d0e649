import { useSyncExternalStore } from 'react';

/*
 * One shared clock for every relative time on screen: a single interval,
 * started by the first subscriber and stopped by the last.
 */
const TICK_MS = 10_000;
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;
const subscribers = new Set<() => void>();

function subscribe(onChange: () => void): () => void {
  subscribers.add(onChange);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of subscribers) notify();
    }, TICK_MS);
  }
  return () => {
    subscribers.delete(onChange);
    if (subscribers.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

function snapshot(): number {
  return now;
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}
