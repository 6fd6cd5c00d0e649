import type { DashboardStats } from '../../../shared/ipc/contract';
import { call, messageOf } from '../transport';
import type { LoadState, SliceCreator } from './types';

/** The windows the dashboard offers, in hours. */
export const DASHBOARD_WINDOWS = [
  { hours: 24, label: '24h' },
  { hours: 24 * 7, label: '7d' },
  { hours: 24 * 30, label: '30d' },
] as const;
export type DashboardHours = (typeof DASHBOARD_WINDOWS)[number]['hours'];

export interface DashboardSlice {
  dashboardHours: DashboardHours;
  dashboard: DashboardStats | null;
  dashboardState: LoadState;
  dashboardError: string | null;
  /** Fetches the figures for the current window; the last figures stay on screen while it runs. */
  loadDashboard: () => Promise<void>;
  setDashboardHours: (hours: DashboardHours) => void;
}

/* A newer request wins over an older answer that arrives late (a window switched twice quickly). */
let dashboardSeq = 0;

export function resetDashboardRequests(): void {
  dashboardSeq += 1;
}

export const createDashboardSlice: SliceCreator<DashboardSlice> = (set, get) => ({
  dashboardHours: 24,
  dashboard: null,
  dashboardState: 'idle',
  dashboardError: null,

  loadDashboard: async () => {
    const seq = ++dashboardSeq;
    const hours = get().dashboardHours;
    set({ dashboardState: 'loading', dashboardError: null });
    try {
      const stats = await call('dashboard.stats', { hours });
      if (seq !== dashboardSeq) return;
      set({ dashboard: stats, dashboardState: 'ready' });
    } catch (error) {
      if (seq !== dashboardSeq) return;
      set({ dashboardState: 'error', dashboardError: messageOf(error) });
    }
  },

  setDashboardHours: (hours) => {
    if (get().dashboardHours === hours) return;
    // Figures of another window must not pose as this one's while it loads.
    set({ dashboardHours: hours, dashboard: null });
    void get().loadDashboard();
  },
});
