import type { StateCreator } from 'zustand';

import type { BackupSlice } from './backup-slice';
import type { ChannelsSlice } from './channels-slice';
import type { DashboardSlice } from './dashboard-slice';
import type { IncidentsSlice } from './incidents-slice';
import type { LogsSlice } from './logs-slice';
import type { SessionSlice } from './session-slice';
import type { SourcesSlice } from './sources-slice';
import type { SystemSlice } from './system-slice';
import type { UiSlice } from './ui-slice';

export type StoreState = SessionSlice &
  UiSlice &
  SystemSlice &
  IncidentsSlice &
  SourcesSlice &
  BackupSlice &
  ChannelsSlice &
  DashboardSlice &
  LogsSlice;

export type SliceCreator<Slice> = StateCreator<StoreState, [], [], Slice>;

/** Where a request stands; `idle` means never asked. */
export type LoadState = 'idle' | 'loading' | 'ready' | 'error';
