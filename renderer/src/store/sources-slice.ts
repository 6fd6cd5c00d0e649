import type { SourceView } from '../../../shared/ipc/contract';
import { call, messageOf } from '../transport';
import { parseFieldIssues, saveFailure, without } from './crud-helpers';
import type { SaveFailure } from './crud-helpers';
import type { LoadState, SliceCreator } from './types';

/** A row action that talks to the core and reports back on the row. */
export type SourceAction = 'test' | 'poll' | 'remove';

/** What the last Test connection or Poll now of a source said, shown under its row. */
export interface SourceActionResult {
  action: 'test' | 'poll';
  ok: boolean;
  message: string;
  /** Test only: round trip to the vendor as the core measured it. */
  latencyMs: number | null;
  /** Poll only: events the poll committed. */
  events: number | null;
  /** Epoch ms the answer arrived. */
  at: number;
}

/** The result of Save: the stored source, or the errors to show next to the fields they name. */
export type SaveSourceOutcome = { ok: true; source: SourceView } | SaveFailure;

export interface SourcesSlice {
  sources: SourceView[];
  sourcesState: LoadState;
  sourcesError: string | null;
  /** Ids of sources whose enabled toggle is on its way to the core. */
  sourcesBusy: string[];
  sourceActionError: string | null;
  demoBusy: boolean;
  demoError: string | null;
  /** Per source id: the last test or poll answer. */
  sourceResults: Record<string, SourceActionResult>;
  /** Per source id: the action waiting for the core. */
  sourceRunning: Record<string, SourceAction>;
  loadSources: () => Promise<void>;
  setSourceEnabled: (id: string, enabled: boolean) => Promise<void>;
  upsertSource: (source: SourceView) => void;
  startDemoFeed: () => Promise<void>;
  /** Sends a source document to `sources.upsert`; never throws. */
  saveSource: (source: Record<string, unknown>, create: boolean) => Promise<SaveSourceOutcome>;
  testSource: (id: string) => Promise<void>;
  pollSource: (id: string) => Promise<void>;
  /** Removes a source; resolves false (with `sourceActionError` set) when the core refused. */
  removeSource: (id: string) => Promise<boolean>;
  clearSourceResult: (id: string) => void;
}

let sourcesSeq = 0;

/**
 * Ids removed from this window. A health push already on its way when the
 * source was removed would otherwise bring the row back; a fresh list or a
 * save of the same id lifts the block.
 */
const removedIds = new Set<string>();

const ISSUE = /^source\.([A-Za-z0-9_]+)(?:\.[^:]*)?: (.+)$/s;

/**
 * Splits a `bad_request` from `sources.upsert` ("source.baseUrl: must be an
 * http(s) URL; source.name: ...") into per-field messages; whatever names no
 * field stays a form-level message.
 */
export function parseSourceIssues(message: string): {
  fieldErrors: Record<string, string>;
  rest: string | null;
} {
  return parseFieldIssues(message, ISSUE);
}

export const createSourcesSlice: SliceCreator<SourcesSlice> = (set, get) => {
  const begin = (id: string, action: SourceAction): boolean => {
    if (get().sourceRunning[id]) return false;
    set((state) => ({ sourceRunning: { ...state.sourceRunning, [id]: action } }));
    return true;
  };
  const finish = (id: string, result?: SourceActionResult): void => {
    set((state) => ({
      sourceRunning: without(state.sourceRunning, id),
      ...(result ? { sourceResults: { ...state.sourceResults, [id]: result } } : {}),
    }));
  };

  return {
    sources: [],
    sourcesState: 'idle',
    sourcesError: null,
    sourcesBusy: [],
    sourceActionError: null,
    demoBusy: false,
    demoError: null,
    sourceResults: {},
    sourceRunning: {},

    loadSources: async () => {
      const seq = ++sourcesSeq;
      set({ sourcesState: 'loading', sourcesError: null });
      try {
        const sources = await call('sources.list', {});
        if (seq !== sourcesSeq) return;
        removedIds.clear();
        set({ sources, sourcesState: 'ready' });
      } catch (error) {
        if (seq !== sourcesSeq) return;
        set({ sourcesState: 'error', sourcesError: messageOf(error) });
      }
    },

    setSourceEnabled: async (id, enabled) => {
      if (get().sourcesBusy.includes(id)) return;
      set((state) => ({ sourcesBusy: [...state.sourcesBusy, id], sourceActionError: null }));
      try {
        const source = await call('sources.setEnabled', { id, enabled });
        get().upsertSource(source);
      } catch (error) {
        set({ sourceActionError: messageOf(error) });
      } finally {
        set((state) => ({ sourcesBusy: state.sourcesBusy.filter((busy) => busy !== id) }));
      }
    },

    upsertSource: (source) => {
      if (removedIds.has(source.id)) return;
      set((state) => {
        const at = state.sources.findIndex((existing) => existing.id === source.id);
        if (at === -1) return { sources: [...state.sources, source] };
        const sources = state.sources.slice();
        sources[at] = source;
        return { sources };
      });
    },

    startDemoFeed: async () => {
      if (get().demoBusy) return;
      set({ demoBusy: true, demoError: null });
      try {
        const source = await call('setup.startDemo', {});
        removedIds.delete(source.id);
        get().upsertSource(source);
        set({ demoBusy: false });
      } catch (error) {
        set({ demoBusy: false, demoError: messageOf(error) });
      }
    },

    saveSource: async (input, create) => {
      try {
        const source = await call('sources.upsert', { source: input, create });
        removedIds.delete(source.id);
        get().upsertSource(source);
        // Settings changed, so an earlier test result no longer speaks for this source.
        set((state) => ({ sourceResults: without(state.sourceResults, source.id) }));
        return { ok: true, source };
      } catch (error) {
        return saveFailure(error, parseSourceIssues);
      }
    },

    testSource: async (id) => {
      if (!begin(id, 'test')) return;
      try {
        const answer = await call('sources.test', { id });
        finish(id, { action: 'test', ...answer, events: null, at: Date.now() });
      } catch (error) {
        finish(id, {
          action: 'test',
          ok: false,
          message: messageOf(error),
          latencyMs: null,
          events: null,
          at: Date.now(),
        });
      }
    },

    pollSource: async (id) => {
      if (!begin(id, 'poll')) return;
      try {
        const answer = await call('sources.pollNow', { id });
        finish(id, { action: 'poll', ...answer, latencyMs: null, at: Date.now() });
      } catch (error) {
        finish(id, {
          action: 'poll',
          ok: false,
          message: messageOf(error),
          latencyMs: null,
          events: null,
          at: Date.now(),
        });
      }
    },

    removeSource: async (id) => {
      if (!begin(id, 'remove')) return false;
      set({ sourceActionError: null });
      try {
        await call('sources.remove', { id });
        removedIds.add(id);
        set((state) => ({
          sources: state.sources.filter((source) => source.id !== id),
          sourceResults: without(state.sourceResults, id),
          sourceRunning: without(state.sourceRunning, id),
        }));
        return true;
      } catch (error) {
        finish(id);
        set({ sourceActionError: messageOf(error) });
        return false;
      }
    },

    clearSourceResult: (id) => {
      set((state) => ({ sourceResults: without(state.sourceResults, id) }));
    },
  };
};
