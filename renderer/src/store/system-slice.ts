import type { EventPayload, SystemStatus } from '../../../shared/ipc/contract';
import { setDisplayTimeZone } from '../lib/format';
import { call, messageOf } from '../transport';
import type { LoadState, SliceCreator } from './types';

export type Counts = EventPayload<'system.counts'>;

export interface SystemSlice {
  systemStatus: SystemStatus | null;
  systemState: LoadState;
  systemError: string | null;
  /** Header counts: seeded by `system.status`, then kept current by `system.counts`. */
  counts: Counts | null;
  loadSystemStatus: () => Promise<void>;
  applyCounts: (counts: Counts) => void;
}

export const createSystemSlice: SliceCreator<SystemSlice> = (set) => ({
  systemStatus: null,
  systemState: 'idle',
  systemError: null,
  counts: null,
  loadSystemStatus: async () => {
    set({ systemState: 'loading', systemError: null });
    try {
      const status = await call('system.status', {});
      setDisplayTimeZone(status.timeZone);
      set({
        systemStatus: status,
        systemState: 'ready',
        counts: { ...status.counts, highestOpenSeverity: status.highestOpenSeverity },
      });
    } catch (error) {
      set({ systemState: 'error', systemError: messageOf(error) });
    }
  },
  applyCounts: (counts) => {
    set({ counts });
  },
});
