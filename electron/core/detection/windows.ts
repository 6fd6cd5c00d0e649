/**
 * Sliding time windows per key (an IP, a user on a host, a service), in
 * memory and bounded: each key keeps only the newest `count` hits (all a
 * threshold check needs), and the least recently used keys are evicted once
 * the store holds too many keys or hits, so a flood of distinct source
 * addresses costs a fixed amount of memory. Changes can be rolled back, so a
 * batch whose storage fails leaves the windows as they were.
 */

export interface Hit {
  /** Epoch ms in record time. */
  time: number;
  /** Distinct-value rules (user enumeration) count one hit per label. */
  label: string;
  /** Evidence line; kept only on the newest EVIDENCE_LINES hits of a key. */
  line: string | null;
}

interface KeyState {
  hits: Hit[];
  /** Record time before which the key does not fire again (its last firing plus the window). */
  quietUntil: number;
  /** Rule-specific running count (sudo: PAM failures not yet covered by a summary line). */
  pending: number;
  pendingAt: number;
}

export interface WindowLimits {
  maxKeys: number;
  maxHits: number;
}

export const DEFAULT_WINDOW_LIMITS: WindowLimits = { maxKeys: 5000, maxHits: 50_000 };

/** Most evidence lines remembered per key (and shown in a detection). */
export const EVIDENCE_LINES = 20;

export interface Threshold {
  count: number;
  windowMs: number;
  /** Count distinct labels instead of hits: a repeated label replaces its older hit. */
  distinct?: boolean;
}

export class WindowStore {
  private readonly keys = new Map<string, KeyState>();
  private hitTotal = 0;
  private journal: Map<string, KeyState | null> | null = null;

  constructor(private readonly limits: WindowLimits = DEFAULT_WINDOW_LIMITS) {}

  get size(): { keys: number; hits: number } {
    return { keys: this.keys.size, hits: this.hitTotal };
  }

  /**
   * Records a hit for `key`. Returns the hits of the window that reached the
   * threshold when this hit makes the key fire, else null. A key that fired
   * stays quiet until the window has passed since, in record time.
   */
  hit(key: string, hit: Hit, threshold: Threshold): Hit[] | null {
    const state = this.touch(key);
    const before = state.hits.length;
    if (threshold.distinct) state.hits = state.hits.filter((h) => h.label !== hit.label);
    const { hits } = state;
    let at = hits.length;
    while (at > 0 && hits[at - 1]!.time > hit.time) at--;
    hits.splice(at, 0, hit);
    this.dropOldLines(hits, at);
    const excess = Math.max(0, hits.length - threshold.count);
    hits.splice(0, excess);
    this.hitTotal += hits.length - before;
    this.evict(key);

    const kept = at >= excess;
    const span = hits[hits.length - 1]!.time - hits[0]!.time;
    if (!kept || hits.length < threshold.count || span >= threshold.windowMs) return null;
    if (hit.time < state.quietUntil) return null;
    state.quietUntil = hit.time + threshold.windowMs;
    return [...hits];
  }

  /** Only the newest EVIDENCE_LINES hits keep their line: at most the one pushed out, or the new one if it is old. */
  private dropOldLines(hits: Hit[], inserted: number): void {
    const oldest = hits.length - EVIDENCE_LINES;
    for (const index of [oldest - 1, inserted]) {
      const hit = hits[index];
      if (index < oldest && hit && hit.line !== null) hits[index] = { ...hit, line: null };
    }
  }

  /** The key's rule-specific counter, reset when older than `maxAgeMs` in record time. */
  pending(key: string, time: number, maxAgeMs: number): number {
    const state = this.keys.get(key);
    if (!state || Math.abs(time - state.pendingAt) > maxAgeMs) return 0;
    return state.pending;
  }

  setPending(key: string, value: number, time: number): void {
    const state = this.touch(key);
    state.pending = value;
    state.pendingAt = time;
    this.evict(key);
  }

  /** Runs `fn`; if it throws, every key it changed is restored and the error rethrown. */
  transaction<T>(fn: () => T): T {
    if (this.journal) return fn();
    const journal = new Map<string, KeyState | null>();
    this.journal = journal;
    try {
      const result = fn();
      this.journal = null;
      return result;
    } catch (error) {
      this.journal = null;
      for (const [key, saved] of journal) {
        if (saved) this.keys.set(key, saved);
        else this.keys.delete(key);
      }
      this.hitTotal = 0;
      for (const state of this.keys.values()) this.hitTotal += state.hits.length;
      throw error;
    }
  }

  private touch(key: string): KeyState {
    let state = this.keys.get(key);
    this.remember(key, state);
    if (state) {
      // Re-inserting moves the key to the end of the Map: insertion order is the LRU order.
      this.keys.delete(key);
    } else {
      state = { hits: [], quietUntil: Number.NEGATIVE_INFINITY, pending: 0, pendingAt: 0 };
    }
    this.keys.set(key, state);
    return state;
  }

  private remember(key: string, state: KeyState | undefined): void {
    if (!this.journal || this.journal.has(key)) return;
    this.journal.set(key, state ? { ...state, hits: [...state.hits] } : null);
  }

  private evict(current: string): void {
    for (const [key, state] of this.keys) {
      if (this.keys.size <= this.limits.maxKeys && this.hitTotal <= this.limits.maxHits) return;
      if (key === current) return;
      this.remember(key, state);
      this.keys.delete(key);
      this.hitTotal -= state.hits.length;
    }
  }
}
