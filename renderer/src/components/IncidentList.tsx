import { useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type { KeyboardEvent, Ref } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { useNow } from '../hooks/use-now';
import { formatCount } from '../lib/format';
import { normalizeFilters } from '../lib/route';
import { useStore } from '../store';
import { positionsOf, rememberListScroll, rememberedListScroll } from '../store/incidents-slice';
import { ErrorNotice } from './ErrorNotice';
import { IncidentRow, PlaceholderRow } from './IncidentRow';
import type { TimeColumn } from './IncidentRow';
import { VirtualList } from './VirtualList';
import type { VirtualListHandle } from './VirtualList';

/** Must match --row-h in styles.css: the virtual list positions rows by it. */
export const ROW_HEIGHT = 30;
/** Rows rendered past each edge of the viewport. */
const OVERSCAN = 6;
/** Keep this many rows loaded below the viewport, so scrolling at reading speed never waits. */
const PREFETCH_ROWS = 400;

export interface IncidentListHandle {
  /** Moves the cursor (keyboard triage) and keeps it in view. */
  move: (move: 'next' | 'previous' | 'first' | 'last', step?: number) => void;
  /** Rows per viewport, for page moves. */
  pageRows: () => number;
  focus: () => void;
}

/** "1,234", or "100,000+" when the core stopped counting. */
export function totalLabel(total: number, capped: boolean): string {
  return `${formatCount(total)}${capped ? '+' : ''}`;
}

/** The list's column headings (class suffix, label); the time column follows the sort. */
const HEAD_CELLS = [
  ['sev', 'Severity'],
  ['title', 'Title'],
  ['host', 'Host'],
  ['source', 'Source'],
  ['status', 'Status'],
  ['assignee', 'Assignee'],
  ['count', 'Count'],
] as const;

export function IncidentList({ handleRef }: { handleRef?: Ref<IncidentListHandle> }) {
  const s = useStore(
    useShallow((state) => ({
      items: state.items,
      total: state.total,
      totalCapped: state.totalCapped,
      nextCursor: state.nextCursor,
      listState: state.listState,
      listError: state.listError,
      listGeneration: state.listGeneration,
      loadingMore: state.loadingMore,
      loadMoreError: state.loadMoreError,
      incoming: state.incoming,
      selectedId: state.selectedId,
      checked: state.checked,
      sort: state.filters.sort,
      filtered:
        Object.keys(normalizeFilters({ ...state.filters, sort: undefined, order: undefined })).length > 0,
      openIncident: state.openIncident,
      closeIncident: state.closeIncident,
      moveSelection: state.moveSelection,
      loadIncidents: state.loadIncidents,
      loadMoreIncidents: state.loadMoreIncidents,
      clearFilters: state.clearFilters,
      toggleChecked: state.toggleChecked,
      setAllChecked: state.setAllChecked,
      setListAtTop: state.setListAtTop,
      showIncoming: state.showIncoming,
      setFilters: state.setFilters,
    })),
  );
  const now = useNow();
  const list = useRef<VirtualListHandle>(null);
  const [lastVisible, setLastVisible] = useState(0);

  // Rows the scrollbar stands for: all the core counted while more pages remain.
  const count = s.nextCursor ? Math.max(s.total, s.items.length + 1) : s.items.length;
  const setSize = s.totalCapped ? -1 : count;
  const timeColumn: TimeColumn = s.sort === 'firstSeen' ? 'firstSeen' : 'lastSeen';

  const selectedIndex = s.selectedId === null ? undefined : positionsOf(s.items).get(s.selectedId);

  // The cursor stays in view however it moved (keys, back / forward); a click is already in view.
  useEffect(() => {
    if (selectedIndex !== undefined) list.current?.scrollToIndex(selectedIndex);
  }, [s.selectedId]); // eslint-disable-line react-hooks/exhaustive-deps

  // A fresh load (other filters, "show new") starts at the top; the first render restores the position.
  const generation = useRef(s.listGeneration);
  useEffect(() => {
    if (generation.current === s.listGeneration) return;
    generation.current = s.listGeneration;
    list.current?.scrollToTop();
  }, [s.listGeneration]);

  // Fetch ahead of the viewport, in bigger pages when the scrollbar was dragged far past the loaded rows.
  const { nextCursor, loadingMore, listState, loadMoreError, loadMoreIncidents } = s;
  const loaded = s.items.length;
  useEffect(() => {
    if (!nextCursor || loadingMore || listState !== 'ready' || loadMoreError) return;
    const need = lastVisible + PREFETCH_ROWS - loaded;
    if (need > 0) void loadMoreIncidents(need);
  }, [lastVisible, loaded, nextCursor, loadingMore, listState, loadMoreError, loadMoreIncidents]);

  const onRangeChange = useCallback((_first: number, last: number) => {
    setLastVisible(last);
  }, []);

  const { setListAtTop } = s;
  const onScrollTop = useCallback(
    (top: number) => {
      rememberListScroll(top);
      setListAtTop(top < ROW_HEIGHT / 2);
    },
    [setListAtTop],
  );

  const { setFilters } = s;
  const filterHost = useCallback(
    (host: string) => {
      setFilters({ host });
    },
    [setFilters],
  );

  const move = useCallback((to: 'next' | 'previous' | 'first' | 'last', step?: number) => {
    useStore.getState().moveSelection(to, step);
  }, []);

  useImperativeHandle(
    handleRef,
    () => ({
      move,
      pageRows: () => list.current?.pageRows() ?? 10,
      focus: () => list.current?.focus(),
    }),
    [move],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const page = list.current?.pageRows() ?? 10;
    const moves: Record<string, ['next' | 'previous' | 'first' | 'last', number]> = {
      ArrowDown: ['next', 1],
      ArrowUp: ['previous', 1],
      PageDown: ['next', page],
      PageUp: ['previous', page],
      Home: ['first', 1],
      End: ['last', 1],
    };
    const found = moves[event.key];
    if (found) {
      event.preventDefault();
      move(found[0], found[1]);
      return;
    }
    if (event.key === 'Enter' && s.selectedId) {
      event.preventDefault();
      s.openIncident(s.selectedId);
      return;
    }
    if (event.key === ' ' && s.selectedId) {
      event.preventDefault();
      s.toggleChecked(s.selectedId, event.shiftKey);
    }
  };

  const empty = s.items.length === 0;
  const allChecked = !empty && s.checked.size >= s.items.length;
  const someChecked = s.checked.size > 0 && !allChecked;

  return (
    <div className="list-panel inc-list-panel">
      <div className="row inc-row list-head" role="presentation">
        <span className="cell cell-check">
          <SelectAll
            checked={allChecked}
            indeterminate={someChecked}
            disabled={empty}
            onChange={(on) => {
              s.setAllChecked(on);
            }}
          />
        </span>
        {HEAD_CELLS.map(([cell, label]) => (
          <span key={cell} className={`cell cell-${cell}`} aria-hidden="true">
            {label}
          </span>
        ))}
        <span className="cell cell-time" aria-hidden="true">
          {timeColumn === 'firstSeen' ? 'First seen' : 'Last seen'}
        </span>
      </div>
      {(s.listState === 'loading' || s.loadingMore) && !empty && (
        <div className="progress-bar" aria-hidden="true" />
      )}
      {s.incoming > 0 && (
        <button type="button" className="incoming-pill" onClick={s.showIncoming} data-testid="incoming-pill">
          <span aria-hidden="true">↑</span> {formatCount(s.incoming)} new — show
        </button>
      )}
      {/* The listbox is the scroller, so it keeps its size (and stays visible) even with no rows. */}
      <VirtualList
        handleRef={list}
        count={count}
        rowHeight={ROW_HEIGHT}
        overscan={OVERSCAN}
        initialScrollTop={rememberedListScroll()}
        onRangeChange={onRangeChange}
        onScrollTop={onScrollTop}
        role="listbox"
        aria-label="Incidents"
        aria-activedescendant={
          s.selectedId !== null && selectedIndex !== undefined ? `incident-row-${s.selectedId}` : undefined
        }
        aria-busy={s.listState === 'loading'}
        tabIndex={0}
        className="incident-list vlist"
        onKeyDown={onKeyDown}
        data-testid="incident-list"
        renderRow={(index, top) => {
          const item = s.items[index];
          if (!item) return <PlaceholderRow key={`placeholder-${String(index)}`} top={top} />;
          return (
            <IncidentRow
              key={item.id}
              item={item}
              index={index}
              top={top}
              setSize={setSize}
              selected={item.id === s.selectedId}
              checked={s.checked.has(item.id)}
              timeColumn={timeColumn}
              now={now}
              onOpen={s.openIncident}
              onToggle={s.toggleChecked}
              onHost={filterHost}
            />
          );
        }}
      />

      {empty && (
        <div className="list-overlay">
          {s.listState === 'error' && (
            <ErrorNotice
              title="Could not load incidents"
              message={`${s.listError ?? 'Unknown error'}${s.filtered ? ' — check the search and filters, or clear them.' : ''}`}
              onRetry={() => void s.loadIncidents()}
            />
          )}
          {s.listState === 'error' && s.filtered && (
            <button type="button" className="btn btn-small list-overlay-action" onClick={s.clearFilters}>
              Clear filters
            </button>
          )}
          {s.listState === 'loading' && <p className="muted">Loading incidents…</p>}
          {s.listState === 'ready' &&
            (s.filtered ? (
              <div className="empty-state" data-testid="incidents-empty-filtered">
                <p className="empty-title">No incidents match these filters.</p>
                <p className="muted">
                  Widen the time range, remove a filter chip above, or search for fewer words. Host, IP, user
                  and tag match a whole value; end one with * to match a prefix.
                </p>
                <button type="button" className="btn btn-small" onClick={s.clearFilters}>
                  Clear filters
                </button>
              </div>
            ) : (
              <div className="empty-state" data-testid="incidents-empty">
                <p className="empty-title">No incidents yet.</p>
                <p className="muted">
                  Start the demo feed from Settings or Sources, or POST an alert to the webhook (its address
                  is in Settings). Enabled sources are polled on their schedule; new incidents appear here at
                  once.
                </p>
              </div>
            ))}
        </div>
      )}

      {!empty && (
        <div className="list-footer" data-testid="list-footer">
          {s.listState === 'error' ? (
            <ErrorNotice
              title="Could not refresh incidents"
              message={s.listError ?? 'Unknown error'}
              onRetry={() => void s.loadIncidents()}
            />
          ) : s.loadMoreError ? (
            <ErrorNotice
              title="Could not load more"
              message={s.loadMoreError}
              onRetry={() => void s.loadMoreIncidents()}
            />
          ) : (
            <span className="muted">
              {formatCount(s.items.length)} loaded of {totalLabel(s.total, s.totalCapped)}
              {s.loadingMore ? ' · loading…' : s.nextCursor ? '' : ' · end of list'}
              {s.checked.size > 0 && ` · ${formatCount(s.checked.size)} ticked`}
            </span>
          )}
        </div>
      )}
    </div>
  );
}

function SelectAll({
  checked,
  indeterminate,
  disabled,
  onChange,
}: {
  checked: boolean;
  indeterminate: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      checked={checked}
      disabled={disabled}
      aria-label="Select all loaded incidents"
      title="Select all loaded incidents"
      onChange={(e) => {
        onChange(e.currentTarget.checked);
      }}
      data-testid="select-all"
    />
  );
}
