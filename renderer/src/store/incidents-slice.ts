import { toListItem } from '../../../shared/domain';
import type { Incident, IncidentListItem, Severity, Status } from '../../../shared/domain';
import type {
  EventPayload,
  IncidentDetail,
  IncidentQuery,
  MethodRequest,
} from '../../../shared/ipc/contract';
import { STATUS_LABEL } from '../lib/format';
import { DEFAULT_SORT, formatFilters, normalizeFilters, rangeFrom } from '../lib/route';
import type { RangePreset } from '../lib/route';
import { call, messageOf } from '../transport';
import type { LoadState, SliceCreator } from './types';

/** Rows per page while the analyst scrolls at reading speed. */
export const PAGE_SIZE = 200;
/** The contract's largest page: used when the scrollbar was dragged far past what is loaded. */
export const MAX_PAGE = 500;
/** incidents.bulkUpdate takes at most this many ids per call. */
const BULK_CHUNK = 1000;

/** The list's filters: exactly the contract's query, so the URL, the list and the export agree. */
export type IncidentFilters = IncidentQuery;
export type IncidentChange = EventPayload<'incidents.changed'>;

/** What a triage action (status or assignee, one incident or many) came to. */
export interface TriageOutcome {
  /** What was asked, e.g. "Acknowledged" or "Assigned to alice". */
  action: string;
  updated: string[];
  unchanged: string[];
  failed: { id: string; message: string }[];
  /** The request as a whole failed (transport, contract); `failed` then holds nothing. */
  error: string | null;
}

export interface IncidentsSlice {
  filters: IncidentFilters;
  /** A relative time window; while set, `filters.from` follows it on every load. */
  range: RangePreset | null;
  items: IncidentListItem[];
  /** Matches of the filters, as the core counted them (up to LIST_TOTAL_CAP) plus rows added live. */
  total: number;
  /** More match than `total`: the list says "100,000+". */
  totalCapped: boolean;
  nextCursor: string | null;
  listState: LoadState;
  listError: string | null;
  /** Bumped by every fresh load: the list scrolls back to its top. */
  listGeneration: number;
  loadingMore: boolean;
  loadMoreError: string | null;
  /** Whether the list is scrolled to its top (kept by the list); only then may new rows appear on top. */
  listAtTop: boolean;
  /** New incidents that match but were held back so the rows under the analyst do not move. */
  incoming: number;
  /** The keyboard/mouse cursor in the list (aria-activedescendant). */
  selectedId: string | null;
  /** Rows ticked for a bulk action. */
  checked: ReadonlySet<string>;
  /** The row a range tick (Shift+x, shift-click) extends from. */
  checkAnchor: string | null;
  triageBusy: boolean;
  triageResult: TriageOutcome | null;
  /** Whether the detail pane is showing; while it is, it follows the selection. */
  detailOpen: boolean;
  detail: IncidentDetail | null;
  detailState: LoadState;
  detailError: string | null;
  statusBusy: Status | null;
  statusError: string | null;

  loadIncidents: () => Promise<void>;
  /** Fetches the next page; `want` rows ahead of what is loaded picks a bigger page (up to MAX_PAGE). */
  loadMoreIncidents: (want?: number) => Promise<void>;
  /** Changes some filters (undefined or empty removes one) and reloads. */
  setFilters: (patch: Partial<IncidentFilters>) => void;
  /** Replaces every filter at once (a location, a deep link); reloads only if they differ. */
  replaceFilters: (filters: IncidentFilters, range: RangePreset | null) => void;
  /** A preset window, or null for "any time"; a custom window goes through setFilters({from, to}). */
  setRange: (range: RangePreset | null) => void;
  toggleSeverityFilter: (severity: Severity) => void;
  toggleStatusFilter: (status: Status) => void;
  clearFilters: () => void;
  applyIncidentChanges: (changes: readonly IncidentChange[]) => void;
  setListAtTop: (atTop: boolean) => void;
  /** Loads the list afresh from the top, with the incidents that were held back. */
  showIncoming: () => void;
  selectIncident: (id: string) => void;
  openIncident: (id: string) => void;
  closeIncident: () => void;
  moveSelection: (move: 'next' | 'previous' | 'first' | 'last', step?: number) => void;
  focusIncident: (id: string) => void;
  refreshDetail: () => Promise<void>;
  setIncidentStatus: (status: Status) => Promise<void>;
  /** Ticks or unticks one row; with `range`, ticks every row from the anchor to it. */
  toggleChecked: (id: string, range?: boolean) => void;
  /** Ticks every loaded row, or none. */
  setAllChecked: (on: boolean) => void;
  /** Sets the status of the ticked rows, or of the selected row when none is ticked. */
  triageStatus: (status: Status) => Promise<void>;
  /** Assigns (null: unassigns) the ticked rows, or the selected row when none is ticked. */
  triageAssign: (assignee: string | null) => Promise<void>;
  dismissTriageResult: () => void;
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
/** Ids held back as `incoming`, so a repeated event is counted once. */
const incomingIds = new Set<string>();
/** New ids waiting for the core to say whether they match filters only it can evaluate (search, entities). */
const verifyQueue = new Set<string>();
let verifying = false;
/** Where the list was scrolled when its view was left; restored when the analyst comes back. */
let savedScrollTop = 0;

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
  incomingIds.clear();
  verifyQueue.clear();
  verifying = false;
  savedScrollTop = 0;
  positionCache = null;
}

export function rememberListScroll(top: number): void {
  savedScrollTop = top;
}

export function rememberedListScroll(): number {
  return savedScrollTop;
}

/*
 * Row positions by id, for the list's live updates and keyboard moves. Kept
 * for one items array and carried over when an action derives the next array
 * without moving rows (replace in place, append), so a live update at 100k
 * loaded rows does not rebuild a 100k-entry map.
 */
let positionCache: { items: IncidentListItem[]; positions: Map<string, number> } | null = null;

export function positionsOf(items: IncidentListItem[]): Map<string, number> {
  if (positionCache?.items !== items) {
    const positions = new Map<string, number>();
    items.forEach((item, index) => positions.set(item.id, index));
    positionCache = { items, positions };
  }
  return positionCache.positions;
}

/** `next` holds the rows of `prev` at the same positions, then `appended`. */
function carryPositions(prev: IncidentListItem[], next: IncidentListItem[], appended: number): void {
  if (positionCache?.items !== prev) return;
  const { positions } = positionCache;
  for (let i = next.length - appended; i < next.length; i++) positions.set(next[i]!.id, i);
  positionCache = { items: next, positions };
}

function listArgs(filters: IncidentFilters, limit: number, cursor?: string): MethodRequest<'incidents.list'> {
  return { ...normalizeFilters(filters), limit, ...(cursor ? { cursor } : {}) };
}

/** Filters only the core can evaluate: full-text search and entity matches. */
const SERVER_ONLY: readonly (keyof IncidentFilters)[] = ['q', 'host', 'ip', 'user', 'tag', 'assignee'];

/**
 * Whether a list row passes the filters: true / false where the row says so,
 * null when it depends on something the row does not carry (search, entities).
 */
export function matchesFilters(item: IncidentListItem, filters: IncidentFilters): boolean | null {
  const { severity, status, sourceKind, sourceId, from, to } = filters;
  if (severity?.length && !severity.includes(item.severity)) return false;
  if (status?.length && !status.includes(item.status)) return false;
  if (sourceKind?.length && !sourceKind.includes(item.source.kind)) return false;
  if (sourceId?.length && !sourceId.includes(item.source.id)) return false;
  const seen = Date.parse(item.lastSeen);
  if (from && seen < Date.parse(from)) return false;
  if (to && seen >= Date.parse(to)) return false;
  if (SERVER_ONLY.some((key) => filters[key] !== undefined)) return null;
  return true;
}

/**
 * Applies live changes without moving rows: known rows are replaced where
 * they stand; incidents created since the list was loaded are returned for
 * the caller to place (on top, or held back as "N new"), newest first.
 */
export function mergeChanges(
  items: IncidentListItem[],
  changes: readonly IncidentChange[],
): { items: IncidentListItem[]; created: IncidentListItem[] } {
  const latest = new Map<string, IncidentChange>();
  for (const change of changes) {
    const earlier = latest.get(change.item.id);
    // A create followed by updates in one batch is still a create.
    const kind = earlier?.change === 'created' ? 'created' : change.change;
    latest.set(change.item.id, { item: change.item, change: kind });
  }

  const positions = positionsOf(items);
  let replaced: IncidentListItem[] | null = null;
  const created: IncidentListItem[] = [];
  for (const { item, change } of latest.values()) {
    const at = positions.get(item.id);
    if (at !== undefined) {
      replaced ??= items.slice();
      replaced[at] = item;
    } else if (change === 'created') {
      created.push(item);
    }
  }
  if (replaced) carryPositions(items, replaced, 0);
  created.reverse();
  return { items: replaced ?? items, created };
}

function toggle<T>(values: readonly T[] | undefined, value: T): T[] {
  const list = values ?? [];
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/** New rows may go on top only in a newest-first list the analyst is not working in. */
function mayPrepend(state: IncidentsSlice): boolean {
  const newestFirst = (state.filters.sort ?? DEFAULT_SORT) !== 'severity' && state.filters.order !== 'asc';
  return (
    newestFirst &&
    state.listState === 'ready' &&
    state.listAtTop &&
    state.selectedId === null &&
    state.checked.size === 0
  );
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export const STATUS_DONE: Record<Status, string> = {
  new: 'Reopened',
  acknowledged: 'Acknowledged',
  in_progress: 'Marked in progress',
  resolved: 'Resolved',
  closed: 'Closed',
  false_positive: `Marked ${STATUS_LABEL.false_positive.toLowerCase()}`,
};

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

  /** Places new matching incidents: on top when nobody is working in the list, else counted in the pill. */
  function accept(created: readonly IncidentListItem[]): void {
    const state = get();
    const positions = positionsOf(state.items);
    const fresh = created.filter((item) => !positions.has(item.id) && !incomingIds.has(item.id));
    if (fresh.length === 0) return;
    if (mayPrepend(state)) {
      set({ items: [...fresh, ...state.items], total: state.total + fresh.length });
      return;
    }
    for (const item of fresh) incomingIds.add(item.id);
    set({ incoming: incomingIds.size });
  }

  /** Sorts new incidents by what the row can tell; asks the core about the rest. */
  function place(created: readonly IncidentListItem[]): void {
    const { filters } = get();
    const sure: IncidentListItem[] = [];
    for (const item of created) {
      const match = matchesFilters(item, filters);
      if (match === true) sure.push(item);
      else if (match === null) verifyQueue.add(item.id);
    }
    accept(sure);
    if (verifyQueue.size > 0) void verifyCreated();
  }

  /**
   * New incidents under search or entity filters: one list request (newest
   * first, they are the newest) says which of them match. One in flight at a
   * time; ids arriving meanwhile wait for the next round.
   */
  async function verifyCreated(): Promise<void> {
    if (verifying) return;
    verifying = true;
    try {
      while (verifyQueue.size > 0) {
        const wanted = new Set(verifyQueue);
        verifyQueue.clear();
        const seq = listSeq;
        const limit = Math.min(MAX_PAGE, Math.max(50, wanted.size * 2));
        try {
          const { filters } = get();
          const page = await call('incidents.list', {
            ...listArgs(filters, limit),
            sort: 'lastSeen',
            order: 'desc',
          });
          // A newer load answers for them itself.
          if (seq !== listSeq) continue;
          accept(page.items.filter((item) => wanted.has(item.id)));
        } catch {
          // Nothing on screen is wrong: the next load shows whatever matched.
        }
      }
    } finally {
      verifying = false;
    }
  }

  function reload(): void {
    void get().loadIncidents();
  }

  /** Replaces rows in place with what the core now says of them. */
  function patchRows(
    update: (item: IncidentListItem) => IncidentListItem | null,
    ids: Iterable<string>,
  ): void {
    const { items } = get();
    const positions = positionsOf(items);
    let next: IncidentListItem[] | null = null;
    for (const id of ids) {
      const at = positions.get(id);
      if (at === undefined) continue;
      const changed = update(items[at]!);
      if (!changed) continue;
      next ??= items.slice();
      next[at] = changed;
    }
    if (!next) return;
    carryPositions(items, next, 0);
    set({ items: next });
  }

  function applyIncident(incident: Incident): void {
    const item = toListItem(incident);
    patchRows(() => item, [incident.id]);
    const { detail } = get();
    if (detail?.incident.id === incident.id) set({ detail: { ...detail, incident } });
  }

  /** The rows a triage key acts on: the ticked ones in list order, else the cursor row. */
  function triageTargets(): string[] {
    const { checked, items, selectedId } = get();
    if (checked.size > 0) {
      const inList = items.filter((item) => checked.has(item.id)).map((item) => item.id);
      // Ticked rows that left the loaded list (a reload) still count.
      const rest = [...checked].filter((id) => !inList.includes(id));
      return [...inList, ...rest];
    }
    return selectedId ? [selectedId] : [];
  }

  async function runTriage(
    action: string,
    change: { status: Status } | { assignee: string | null },
  ): Promise<void> {
    const ids = triageTargets();
    if (ids.length === 0 || get().triageBusy) return;
    const fromChecked = get().checked.size > 0;
    set({ triageBusy: true, triageResult: null });
    const outcome: TriageOutcome = { action, updated: [], unchanged: [], failed: [], error: null };
    try {
      const [only] = ids;
      if (ids.length === 1 && only) {
        const before = get().items[positionsOf(get().items).get(only) ?? -1];
        const incident =
          'status' in change
            ? await call('incidents.setStatus', { id: only, status: change.status })
            : await call('incidents.assign', { id: only, assignee: change.assignee });
        const same =
          'status' in change ? before?.status === change.status : before?.assignee === change.assignee;
        (same ? outcome.unchanged : outcome.updated).push(only);
        applyIncident(incident);
      } else {
        for (const chunk of chunks(ids, BULK_CHUNK)) {
          const result = await call('incidents.bulkUpdate', { ids: chunk, ...change });
          outcome.updated.push(...result.updated);
          outcome.unchanged.push(...result.unchanged);
          outcome.failed.push(...result.failed);
          // The rows change at once; the core's incidents.changed events confirm them.
          patchRows((item) => ({ ...item, ...change }), result.updated);
          set({ triageResult: { ...outcome } });
        }
      }
    } catch (error) {
      outcome.error = messageOf(error);
    }
    const { detailOpen, selectedId } = get();
    const touched = new Set([...outcome.updated, ...outcome.unchanged]);
    set({
      triageBusy: false,
      triageResult: outcome,
      // What went through is done with; what failed stays ticked for another try.
      ...(fromChecked && outcome.error === null
        ? { checked: new Set(outcome.failed.map((f) => f.id)), checkAnchor: null }
        : {}),
    });
    if (detailOpen && selectedId && touched.has(selectedId)) void get().refreshDetail();
  }

  return {
    filters: {},
    range: null,
    items: [],
    total: 0,
    totalCapped: false,
    nextCursor: null,
    listState: 'idle',
    listError: null,
    listGeneration: 0,
    loadingMore: false,
    loadMoreError: null,
    listAtTop: true,
    incoming: 0,
    selectedId: null,
    checked: new Set<string>(),
    checkAnchor: null,
    triageBusy: false,
    triageResult: null,
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
      incomingIds.clear();
      verifyQueue.clear();
      const { range } = get();
      // A relative window means "until now" on every load, not as of when it was picked.
      if (range) set((state) => ({ filters: { ...state.filters, from: rangeFrom(range, Date.now()) } }));
      set({ listState: 'loading', listError: null, loadingMore: false, loadMoreError: null, incoming: 0 });
      try {
        const page = await call('incidents.list', listArgs(get().filters, PAGE_SIZE));
        if (seq !== listSeq) return;
        pendingChanges = null;
        // Other rows now: the list starts at its top, here or when its view is shown again.
        savedScrollTop = 0;
        const merged = mergeChanges(page.items, queued);
        set((state) => ({
          items: merged.items,
          total: page.total,
          totalCapped: page.totalCapped,
          nextCursor: page.nextCursor,
          listState: 'ready',
          listGeneration: state.listGeneration + 1,
        }));
        place(merged.created);
      } catch (error) {
        if (seq !== listSeq) return;
        pendingChanges = null;
        set({ listState: 'error', listError: messageOf(error) });
      }
    },

    loadMoreIncidents: async (want) => {
      const { nextCursor, loadingMore, listState, filters } = get();
      if (!nextCursor || loadingMore || listState !== 'ready') return;
      const seq = listSeq;
      const limit = Math.min(MAX_PAGE, Math.max(PAGE_SIZE, Math.ceil(want ?? PAGE_SIZE)));
      set({ loadingMore: true, loadMoreError: null });
      try {
        const page = await call('incidents.list', listArgs(filters, limit, nextCursor));
        if (seq !== listSeq) return;
        set((state) => {
          const positions = positionsOf(state.items);
          const fresh = page.items.filter((item) => !positions.has(item.id));
          const items = fresh.length > 0 ? state.items.concat(fresh) : state.items;
          if (items !== state.items) carryPositions(state.items, items, fresh.length);
          return {
            items,
            // Rows added live are not in the core's count of the original query.
            total: Math.max(page.total, items.length),
            totalCapped: page.totalCapped,
            nextCursor: page.nextCursor,
            loadingMore: false,
          };
        });
      } catch (error) {
        if (seq !== listSeq) return;
        set({ loadingMore: false, loadMoreError: messageOf(error) });
      }
    },

    setFilters: (patch) => {
      const { filters, range } = get();
      const next = normalizeFilters({ ...filters, ...patch });
      // An explicit from/to is a custom window: the preset no longer applies.
      const nextRange = 'from' in patch || 'to' in patch ? null : range;
      get().replaceFilters(next, nextRange);
    },

    replaceFilters: (filters, range) => {
      const state = get();
      const next = normalizeFilters(range ? { ...filters, from: rangeFrom(range, Date.now()) } : filters);
      if (formatFilters(next, range) === formatFilters(state.filters, state.range)) return;
      set({ filters: next, range, checked: new Set<string>(), checkAnchor: null, triageResult: null });
      // Not yet shown: the view loads with these filters when it opens.
      if (state.listState !== 'idle') reload();
    },

    setRange: (range) => {
      const { from: _from, to: _to, ...rest } = get().filters;
      get().replaceFilters(rest, range);
    },

    toggleSeverityFilter: (severity) => {
      get().setFilters({ severity: toggle(get().filters.severity, severity) });
    },

    toggleStatusFilter: (status) => {
      get().setFilters({ status: toggle(get().filters.status, status) });
    },

    clearFilters: () => {
      // The sort is how the analyst reads the list, not a filter: it stays.
      const { sort, order } = get().filters;
      get().replaceFilters({ sort, order }, null);
    },

    applyIncidentChanges: (changes) => {
      if (changes.length === 0) return;
      pendingChanges?.push(...changes);
      const state = get();
      const openId = state.detailOpen ? state.selectedId : null;
      if (openId && changes.some((change) => change.item.id === openId)) void get().refreshDetail();
      // While a load is in flight its answer replays these (pendingChanges); before the first, nothing shows.
      if (state.listState !== 'ready') return;
      const merged = mergeChanges(state.items, changes);
      if (merged.items !== state.items) set({ items: merged.items });
      place(merged.created);
    },

    setListAtTop: (atTop) => {
      if (get().listAtTop !== atTop) set({ listAtTop: atTop });
    },

    showIncoming: () => {
      savedScrollTop = 0;
      reload();
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

    moveSelection: (move, step = 1) => {
      const { items, selectedId } = get();
      if (items.length === 0) return;
      const at = selectedId === null ? -1 : (positionsOf(items).get(selectedId) ?? -1);
      let next: number;
      switch (move) {
        case 'first':
          next = 0;
          break;
        case 'last':
          next = items.length - 1;
          break;
        case 'next':
          next = at === -1 ? 0 : Math.min(at + step, items.length - 1);
          break;
        case 'previous':
          next = at === -1 ? 0 : Math.max(at - step, 0);
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
        set({ statusBusy: null });
        applyIncident(incident);
        // The timeline gained an entry; the returned incident does not carry it.
        void get().refreshDetail();
      } catch (error) {
        set({ statusBusy: null, statusError: messageOf(error) });
      }
    },

    toggleChecked: (id, range = false) => {
      const { checked, checkAnchor, items } = get();
      const next = new Set(checked);
      const positions = positionsOf(items);
      const from = checkAnchor === null ? undefined : positions.get(checkAnchor);
      const to = positions.get(id);
      if (range && from !== undefined && to !== undefined) {
        for (let i = Math.min(from, to); i <= Math.max(from, to); i++) next.add(items[i]!.id);
      } else if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      set({ checked: next, checkAnchor: id });
    },

    setAllChecked: (on) => {
      set({
        checked: on ? new Set(get().items.map((item) => item.id)) : new Set<string>(),
        checkAnchor: null,
      });
    },

    triageStatus: (status) => runTriage(STATUS_DONE[status], { status }),

    triageAssign: (assignee) => runTriage(assignee ? `Assigned to ${assignee}` : 'Unassigned', { assignee }),

    dismissTriageResult: () => {
      set({ triageResult: null });
    },
  };
};
