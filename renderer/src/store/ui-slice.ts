import type { Route } from '../lib/route';
import type { SliceCreator } from './types';

export const VIEWS = [
  'incidents',
  'dashboard',
  'sources',
  'channels',
  'whatsapp',
  'logs',
  'settings',
] as const;
export type ViewId = (typeof VIEWS)[number];

export interface UiSlice {
  view: ViewId;
  /** Shows a view; the location follows (hooks/use-route-sync.ts), so back returns to the previous one. */
  setView: (view: ViewId) => void;
  /** Puts the store where a location says: the view, the incident filters, the open incident. */
  applyRoute: (route: Route) => void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  view: 'incidents',
  setView: (view) => {
    set({ view });
  },
  applyRoute: (route) => {
    const state = get();
    if (state.view !== route.view) set({ view: route.view });
    state.replaceFilters(route.filters, route.range);
    if (route.view !== 'incidents') return;
    if (route.incidentId) {
      if (!state.detailOpen || state.selectedId !== route.incidentId) state.openIncident(route.incidentId);
    } else if (state.detailOpen) {
      state.closeIncident();
    }
  },
});
