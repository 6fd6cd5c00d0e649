import type { LOG_LEVELS, LogRecordView } from '../../../shared/ipc/contract';
import { call, messageOf } from '../transport';
import type { LoadState, SliceCreator } from './types';

export type LogFile = 'all' | 'error' | 'success';
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Lines one request asks for: a screenful many times over, far below the contract's 2000. */
export const LOGS_LIMIT = 500;

export interface LogsSlice {
  logsFile: LogFile;
  /** Empty: every level. */
  logsLevels: LogLevel[];
  /** The search as applied (the view debounces typing into it). */
  logsQuery: string;
  /** Poll for new lines while the view is visible. */
  logsFollow: boolean;
  logsRecords: LogRecordView[];
  logsTruncated: boolean;
  logsState: LoadState;
  logsError: string | null;
  /** Fetches the tail for the current file and filters; the last lines stay while it runs. */
  loadLogs: () => Promise<void>;
  setLogsFile: (file: LogFile) => void;
  toggleLogsLevel: (level: LogLevel) => void;
  setLogsQuery: (query: string) => void;
  setLogsFollow: (follow: boolean) => void;
}

let logsSeq = 0;

export function resetLogsRequests(): void {
  logsSeq += 1;
}

export const createLogsSlice: SliceCreator<LogsSlice> = (set, get) => {
  /** A filter changed: what is shown belongs to the old filters, so it goes at once. */
  function reload(): void {
    set({ logsRecords: [], logsTruncated: false });
    void get().loadLogs();
  }

  return {
    logsFile: 'all',
    logsLevels: [],
    logsQuery: '',
    logsFollow: true,
    logsRecords: [],
    logsTruncated: false,
    logsState: 'idle',
    logsError: null,

    loadLogs: async () => {
      const seq = ++logsSeq;
      const { logsFile, logsLevels, logsQuery } = get();
      set({ logsState: 'loading', logsError: null });
      try {
        const q = logsQuery.trim();
        const tail = await call('logs.tail', {
          file: logsFile,
          limit: LOGS_LIMIT,
          ...(logsLevels.length > 0 ? { levels: logsLevels } : {}),
          ...(q ? { q: q.slice(0, 200) } : {}),
        });
        if (seq !== logsSeq) return;
        set({ logsRecords: tail.records, logsTruncated: tail.truncated, logsState: 'ready' });
      } catch (error) {
        if (seq !== logsSeq) return;
        set({ logsState: 'error', logsError: messageOf(error) });
      }
    },

    setLogsFile: (file) => {
      if (get().logsFile === file) return;
      set({ logsFile: file });
      reload();
    },

    toggleLogsLevel: (level) => {
      const levels = get().logsLevels;
      set({ logsLevels: levels.includes(level) ? levels.filter((l) => l !== level) : [...levels, level] });
      reload();
    },

    setLogsQuery: (query) => {
      if (get().logsQuery === query) return;
      set({ logsQuery: query });
      reload();
    },

    setLogsFollow: (follow) => {
      set({ logsFollow: follow });
    },
  };
};
