/**
 * One bound zustand store made of slices. It holds UI state and cached query
 * results only: the core's database is the source of truth, and every cache
 * here can be thrown away and fetched again.
 */
import { create } from 'zustand';

import { createBackupSlice } from './backup-slice';
import { createChannelsSlice } from './channels-slice';
import { createDashboardSlice, resetDashboardRequests } from './dashboard-slice';
import { createIncidentsSlice, resetIncidentRequests } from './incidents-slice';
import { createLogsSlice, resetLogsRequests } from './logs-slice';
import { createSessionSlice } from './session-slice';
import { createSourcesSlice } from './sources-slice';
import { createSystemSlice } from './system-slice';
import type { StoreState } from './types';
import { createUiSlice } from './ui-slice';

export const useStore = create<StoreState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createUiSlice(...a),
  ...createSystemSlice(...a),
  ...createIncidentsSlice(...a),
  ...createSourcesSlice(...a),
  ...createBackupSlice(...a),
  ...createChannelsSlice(...a),
  ...createDashboardSlice(...a),
  ...createLogsSlice(...a),
}));

const initialState = useStore.getState();

/** Back to a fresh store, for tests. */
export function resetStore(): void {
  resetIncidentRequests();
  resetDashboardRequests();
  resetLogsRequests();
  useStore.setState(initialState, true);
}

/** After the push channel was down, everything cached may be stale: fetch what was already shown. */
export function refreshAfterReconnect(): void {
  const state = useStore.getState();
  if (state.phase !== 'ready') return;
  void state.loadSystemStatus();
  if (state.listState !== 'idle') void state.loadIncidents();
  if (state.sourcesState !== 'idle') void state.loadSources();
  if (state.backupListState !== 'idle') void state.loadBackups();
  if (state.channelsState !== 'idle') void state.loadChannels();
  if (state.routingState !== 'idle') void state.loadRouting();
  if (state.dashboardState !== 'idle') void state.loadDashboard();
  if (state.logsState !== 'idle') void state.loadLogs();
  void state.refreshDetail();
}

export type { StoreState, LoadState } from './types';
export type { ViewId } from './ui-slice';
export { VIEWS } from './ui-slice';
export type { IncidentFilters, IncidentChange } from './incidents-slice';
export type { Phase } from './session-slice';
export type { BackupOutcome, BackupProgress } from './backup-slice';
