import type { SourceView } from '../../../shared/ipc/contract';
import { call, messageOf } from '../transport';
import type { LoadState, SliceCreator } from './types';

export interface SourcesSlice {
  sources: SourceView[];
  sourcesState: LoadState;
  sourcesError: string | null;
  /** Ids of sources whose enabled toggle is on its way to the core. */
  sourcesBusy: string[];
  sourceActionError: string | null;
  demoBusy: boolean;
  demoError: string | null;
  loadSources: () => Promise<void>;
  setSourceEnabled: (id: string, enabled: boolean) => Promise<void>;
  upsertSource: (source: SourceView) => void;
  startDemoFeed: () => Promise<void>;
}

let sourcesSeq = 0;

export const createSourcesSlice: SliceCreator<SourcesSlice> = (set, get) => ({
  sources: [],
  sourcesState: 'idle',
  sourcesError: null,
  sourcesBusy: [],
  sourceActionError: null,
  demoBusy: false,
  demoError: null,

  loadSources: async () => {
    const seq = ++sourcesSeq;
    set({ sourcesState: 'loading', sourcesError: null });
    try {
      const sources = await call('sources.list', {});
      if (seq !== sourcesSeq) return;
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
      get().upsertSource(source);
      set({ demoBusy: false });
    } catch (error) {
      set({ demoBusy: false, demoError: messageOf(error) });
    }
  },
});
