import type { BackupList, EventPayload } from '../../../shared/ipc/contract';
import { call, messageOf } from '../transport';
import type { LoadState, SliceCreator } from './types';

export type BackupProgress = EventPayload<'backup.progress'>;

export interface BackupOutcome {
  operation: BackupProgress['operation'];
  ok: boolean;
  message: string;
}

export interface BackupSlice {
  backupList: BackupList | null;
  backupListState: LoadState;
  backupListError: string | null;
  /** The latest `backup.progress` push, whoever started the operation (this UI, another, the daily timer). */
  backupProgress: BackupProgress | null;
  /** The operation this UI asked for and is waiting on. */
  backupBusy: BackupProgress['operation'] | null;
  backupOutcome: BackupOutcome | null;
  loadBackups: () => Promise<void>;
  runBackup: () => Promise<void>;
  restoreBackup: (name: string) => Promise<void>;
  applyBackupProgress: (progress: BackupProgress) => void;
}

let backupSeq = 0;

export const createBackupSlice: SliceCreator<BackupSlice> = (set, get) => ({
  backupList: null,
  backupListState: 'idle',
  backupListError: null,
  backupProgress: null,
  backupBusy: null,
  backupOutcome: null,

  loadBackups: async () => {
    const seq = ++backupSeq;
    set({ backupListState: 'loading', backupListError: null });
    try {
      const list = await call('backup.list', {});
      if (seq !== backupSeq) return;
      set({ backupList: list, backupListState: 'ready' });
    } catch (error) {
      if (seq !== backupSeq) return;
      set({ backupListState: 'error', backupListError: messageOf(error) });
    }
  },

  runBackup: async () => {
    if (get().backupBusy) return;
    set({ backupBusy: 'backup', backupOutcome: null, backupProgress: null });
    try {
      const { snapshot } = await call('backup.run', {});
      set({
        backupOutcome: { operation: 'backup', ok: true, message: `Backed up to backup/db/${snapshot.name}.` },
      });
    } catch (error) {
      set({ backupOutcome: { operation: 'backup', ok: false, message: messageOf(error) } });
    } finally {
      set({ backupBusy: null });
      void get().loadBackups();
    }
  },

  restoreBackup: async (name) => {
    if (get().backupBusy) return;
    set({ backupBusy: 'restore', backupOutcome: null, backupProgress: null });
    try {
      const result = await call('backup.restore', { name });
      set({
        backupOutcome: {
          operation: 'restore',
          ok: true,
          message:
            `Restored ${result.restored}. The data it replaced is kept as ${result.safetySnapshot}; ` +
            'restore that one to undo.',
        },
      });
      // Every cached incident may have changed: fetch again what is on screen.
      const state = get();
      void state.loadSystemStatus();
      if (state.listState !== 'idle') void state.loadIncidents();
      void state.refreshDetail();
    } catch (error) {
      set({ backupOutcome: { operation: 'restore', ok: false, message: messageOf(error) } });
    } finally {
      set({ backupBusy: null });
      void get().loadBackups();
    }
  },

  applyBackupProgress: (progress) => {
    set({ backupProgress: progress });
    // An operation started elsewhere (another window, the daily snapshot) adds files too.
    if (progress.percent === 100 && !get().backupBusy) void get().loadBackups();
  },
});
