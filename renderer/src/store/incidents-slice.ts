import { toListItem } from '../../../shared/domain';
import type { IncidentListItem, Severity, Status } from '../../../shared/domain';
import type { EventPayload, IncidentDetail, MethodRequest } from '../../../shared/ipc/contract';
import { call, messageOf } from '../transport';
import type { LoadState, SliceCreator } from './types';

export const PAGE_SIZE = 200;

export interface IncidentFilters {
  /** Empty means every severity. */
  severity: Severity[];
  /** Empty means every status. */
  status: Status[];
}

export type IncidentChange = EventPayload<'incidents.changed'>;

export interface IncidentsSlice {
  filters: IncidentFilters;
  items: IncidentListItem[];
  total: number;
  nextCursor: string | null;
  listState: LoadState;
  listError: string | null;
  loadingMore: boolean;
  loadMoreError: string | null;
  /** The keyboard/mouse cursor in the list (aria-selected). */
  selectedId: string | null;
  /** Whether the detail pane is showing; while it is, it follows the selection. */
  detailOpen: boolean;
  detail: IncidentDetail | null;
  detailState: LoadState;
  detailError: string | null;
  statusBusy: Status | null;
  statusError: string | null;

  loadIncidents: () => Promise<void>;
  loadMoreIncidents: () => Promise<void>;
  toggleSeverityFilter: (severity: Severity) => void;
  toggleStatusFilter: (status: Status) => void;
  clearFilters: () => void;
  applyIncidentChanges: (changes: readonly IncidentChange[]) => void;
  selectIncident: (id: string) => void;
  openIncident: (id: string) => void;
  closeIncident: () => void;
  moveSelection: (move: 'next' | 'previous' | 'first' | 'last') => void;
  focusIncident: (id: string) => void;
  refreshDetail: () => Promise<void>;
  setIncidentStatus: (status: Status) => Promise<void>;
}

/*
 * Request bookkeeping lives outside the state: it never renders, and a newer
 * request must win over an older answer that arrives late.
 */
let listSeq = 0;
let detailSeq = 0;
/** Changes seen while a list load is in flight; replayed on its answer so none is lost. */
let pendingChanges: IncidentChange[] | null = null;
let refreshing = false;
let refreshAgain = false;

/** Reads and clears the "refresh again" flag; a call, so the check after an await is not narrowed away. */
function takeRefreshAgain(): boolean {
  const again = refreshAgain;
  refreshAgain = false;
  return again;
}

export function resetIncidentRequests(): void {
  listSeq += 1;
  detailSeq += 1;
  pendingChanges = null;
  refreshing = false;
  refreshAgain = false;
}

function listArgs(filters: IncidentFilters, cursor?: string): MethodRequest<'incidents.list'> {
  return {
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...(filters.severity.length > 0 ? { severity: filters.severity } : {}),
    ...(filters.status.length > 0 ? { status: filters.status } : {}),
  };
}

export function matchesFilters(item: IncidentListItem, filters: IncidentFilters): boolean {
  return (
    (filters.severity.length === 0 || filters.severity.includes(item.severity)) &&
    (filters.status.length === 0 || filters.status.includes(item.status))
  );
}

function toggle<T>(values: readonly T[], value: T): T[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}

/**
 * Applies live changes without re-sorting: known rows are replaced where they
 * stand (the analyst's cursor stays put), new incidents that pass the filters
 * go on top, newest first. Linear in the list length per batch.
 */
export function mergeChanges(
  items: IncidentListItem[],
  total: number,
  changes: readonly IncidentChange[],
  filters: IncidentFilters,
): { items: IncidentListItem[]; total: number } {
  const latest = new Map<string, IncidentChange>();
  for (const change of changes) {
    const earlier = latest.get(change.item.id);
    // A create followed by updates in one batch is still a create.
    const kind = earlier?.change === 'created' ? 'created' : change.change;
    latest.set(change.item.id, { item: change.item, change: kind });
  }

  const position = new Map<string, number>();
  items.forEach((item, index) => position.set(item.id, index));

  let replaced: IncidentListItem[] | null = null;
  const created: IncidentListItem[] = [];
  for (const { item, change } of latest.values()) {
    const at = position.get(item.id);
    if (at !== undefined) {
      replaced ??= items.slice();
      replaced[at] = item;
    } else if (change === 'created' && matchesFilters(item, filters)) {
      created.push(item);
    }
  }

  const base = replaced ?? items;
  if (created.length === 0) return { items: base, total };
  created.reverse();
  return { items: [...created, ...base], total: total + created.length };
}

function replaceItem(items: IncidentListItem[], item: IncidentListItem): IncidentListItem[] {
  const at = items.findIndex((existing) => existing.id === item.id);
  if (at === -1) return items;
  const next = items.slice();
  next[at] = item;
  return next;
}

export const createIncidentsSlice: SliceCreator<IncidentsSlice> = (set, get) => {
  async function loadDetail(id: string, quiet: boolean): Promise<void> {
    const seq = ++detailSeq;
    if (!quiet) {
      const current = get().detail;
      set({
        detail: current?.incident.id === id ? current : null,
        detailState: 'loading',
        detailError: null,
        statusError: null,
      });
    }
    try {
      const detail = await call('incidents.get', { id });
      if (seq !== detailSeq) return;
      set({ detail, detailState: 'ready', detailError: null });
    } catch (error) {
      if (seq !== detailSeq) return;
      // A failed background refresh keeps what is on screen rather than blanking it.
      if (quiet && get().detail?.incident.id === id) return;
      set({ detailState: 'error', detailError: messageOf(error) });
    }
  }

  function reload(): void {
    void get().loadIncidents();
  }

  return {
    filters: { severity: [], status: [] },
    items: [],
    total: 0,
    nextCursor: null,
    listState: 'idle',
    listError: null,
    loadingMore: false,
    loadMoreError: null,
    selectedId: null,
    detailOpen: false,
    detail: null,
    detailState: 'idle',
    detailError: null,
    statusBusy: null,
    statusError: null,

    loadIncidents: async () => {
      const seq = ++listSeq;
      const queued: IncidentChange[] = [];
      pendingChanges = queued;
      set({ listState: 'loading', listError: null, loadingMore: false, loadMoreError: null });
      const { filters } = get();
      try {
        const page = await call('incidents.list', listArgs(filters));
        if (seq !== listSeq) return;
        const merged = mergeChanges(page.items, page.total, queued, get().filters);
        pendingChanges = null;
        set({ ...merged, nextCursor: page.nextCursor, listState: 'ready' });
      } catch (error) {
        if (seq !== listSeq) return;
        pendingChanges = null;
        set({ listState: 'error', listError: messageOf(error) });
      }
    },

    loadMoreIncidents: async () => {
      const { nextCursor, loadingMore, listState, filters } = get();
      if (!nextCursor || loadingMore || listState !== 'ready') return;
      const seq = listSeq;
      set({ loadingMore: true, loadMoreError: null });
      try {
        const page = await call('incidents.list', listArgs(filters, nextCursor));
        if (seq !== listSeq) return;
        set((state) => {
          const seen = new Set(state.items.map((item) => item.id));
          const fresh = page.items.filter((item) => !seen.has(item.id));
          return {
            items: fresh.length > 0 ? [...state.items, ...fresh] : state.items,
            total: page.total,
            nextCursor: page.nextCursor,
            loadingMore: false,
          };
        });
      } catch (error) {
        if (seq !== listSeq) return;
        set({ loadingMore: false, loadMoreError: messageOf(error) });
      }
    },

    toggleSeverityFilter: (severity) => {
      set((state) => ({ filters: { ...state.filters, severity: toggle(state.filters.severity, severity) } }));
      reload();
    },

    toggleStatusFilter: (status) => {
      set((state) => ({ filters: { ...state.filters, status: toggle(state.filters.status, status) } }));
      reload();
    },

    clearFilters: () => {
      set({ filters: { severity: [], status: [] } });
      reload();
    },

    applyIncidentChanges: (changes) => {
      if (changes.length === 0) return;
      pendingChanges?.push(...changes);
      const state = get();
      const merged = mergeChanges(state.items, state.total, changes, state.filters);
      if (merged.items !== state.items) set(merged);
      const openId = state.detailOpen ? state.selectedId : null;
      if (openId && changes.some((change) => change.item.id === openId)) void get().refreshDetail();
    },

    selectIncident: (id) => {
      if (get().selectedId === id) return;
      set({ selectedId: id });
      if (get().detailOpen) void loadDetail(id, false);
    },

    openIncident: (id) => {
      const { detail, detailState, detailOpen, selectedId } = get();
      set({ selectedId: id, detailOpen: true });
      const showing =
        detailOpen && selectedId === id && detail?.incident.id === id && detailState !== 'error';
      if (!showing) void loadDetail(id, false);
    },

    closeIncident: () => {
      detailSeq += 1;
      set({ detailOpen: false, detailState: 'idle', detailError: null, statusError: null });
    },

    moveSelection: (move) => {
      const { items, selectedId } = get();
      if (items.length === 0) return;
      const at = selectedId === null ? -1 : items.findIndex((item) => item.id === selectedId);
      let next: number;
      switch (move) {
        case 'first':
          next = 0;
          break;
        case 'last':
          next = items.length - 1;
          break;
        case 'next':
          next = at === -1 ? 0 : Math.min(at + 1, items.length - 1);
          break;
        case 'previous':
          next = at === -1 ? 0 : Math.max(at - 1, 0);
          break;
      }
      const target = items[next];
      if (target) get().selectIncident(target.id);
    },

    focusIncident: (id) => {
      get().setView('incidents');
      get().openIncident(id);
    },

    refreshDetail: async () => {
      // One refresh in flight at a time: a burst of duplicates must not become a burst of requests.
      if (refreshing) {
        refreshAgain = true;
        return;
      }
      refreshing = true;
      try {
        refreshAgain = false;
        for (;;) {
          const { detailOpen, selectedId } = get();
          if (!detailOpen || !selectedId) break;
          await loadDetail(selectedId, true);
          if (!takeRefreshAgain()) break;
        }
      } finally {
        refreshing = false;
      }
    },

    setIncidentStatus: async (status) => {
      const { detail, statusBusy } = get();
      if (!detail || statusBusy) return;
      const id = detail.incident.id;
      set({ statusBusy: status, statusError: null });
      try {
        const incident = await call('incidents.setStatus', { id, status });
        set((state) => ({
          statusBusy: null,
          items: replaceItem(state.items, toListItem(incident)),
          detail: state.detail?.incident.id === id ? { ...state.detail, incident } : state.detail,
        }));
        // The timeline gained an entry; the returned incident does not carry it.
        void get().refreshDetail();
      } catch (error) {
        set({ statusBusy: null, statusError: messageOf(error) });
      }
    },
  };
};
