import { useEffect, useRef } from 'react';
import type { KeyboardEvent, UIEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { useNow } from '../hooks/use-now';
import { formatCount } from '../lib/format';
import { useStore } from '../store';
import { ErrorNotice } from './ErrorNotice';
import { IncidentRow } from './IncidentRow';

/** Start fetching the next page this far (px) before the bottom, so scrolling rarely waits. */
const LOAD_AHEAD_PX = 400;

export function IncidentList() {
  const s = useStore(
    useShallow((state) => ({
      items: state.items,
      total: state.total,
      nextCursor: state.nextCursor,
      listState: state.listState,
      listError: state.listError,
      loadingMore: state.loadingMore,
      loadMoreError: state.loadMoreError,
      selectedId: state.selectedId,
      filtered: state.filters.severity.length + state.filters.status.length > 0,
      openIncident: state.openIncident,
      closeIncident: state.closeIncident,
      moveSelection: state.moveSelection,
      loadIncidents: state.loadIncidents,
      loadMoreIncidents: state.loadMoreIncidents,
      clearFilters: state.clearFilters,
    })),
  );
  const now = useNow();
  const listRef = useRef<HTMLDivElement>(null);
  // Set by keyboard moves only: a click or a live update must not steal focus or scroll the list.
  const followSelection = useRef(false);

  useEffect(() => {
    if (!followSelection.current || s.selectedId === null) return;
    followSelection.current = false;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(s.selectedId)}"]`);
    row?.focus({ preventScroll: true });
    row?.scrollIntoView({ block: 'nearest' });
  }, [s.selectedId]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const moves = { ArrowDown: 'next', ArrowUp: 'previous', Home: 'first', End: 'last' } as const;
    if (event.key in moves) {
      event.preventDefault();
      followSelection.current = true;
      s.moveSelection(moves[event.key as keyof typeof moves]);
      return;
    }
    if (event.key === 'Enter') {
      const id = (event.target as HTMLElement).closest<HTMLElement>('[data-id]')?.dataset.id ?? s.selectedId;
      if (id) {
        event.preventDefault();
        s.openIncident(id);
      }
      return;
    }
    if (event.key === 'Escape') s.closeIncident();
  };

  const onScroll = (event: UIEvent<HTMLDivElement>): void => {
    const el = event.currentTarget;
    if (el.scrollHeight - el.scrollTop - el.clientHeight < LOAD_AHEAD_PX) void s.loadMoreIncidents();
  };

  const tabbableId = s.selectedId ?? s.items[0]?.id ?? null;
  const empty = s.items.length === 0;

  return (
    <div className="list-panel">
      <div className="row list-head" aria-hidden="true">
        <span className="cell cell-sev">Severity</span>
        <span className="cell cell-title">Title</span>
        <span className="cell cell-host">Host</span>
        <span className="cell cell-source">Source</span>
        <span className="cell cell-status">Status</span>
        <span className="cell cell-count">Count</span>
        <span className="cell cell-time">Last seen</span>
      </div>
      {s.listState === 'loading' && !empty && <div className="progress-bar" aria-hidden="true" />}
      {/* The listbox is the scroller, so it keeps its size (and stays visible) even with no rows. */}
      <div
        ref={listRef}
        role="listbox"
        aria-label="Incidents"
        className="incident-list"
        onKeyDown={onKeyDown}
        onScroll={onScroll}
        data-testid="incident-list"
        aria-busy={s.listState === 'loading'}
      >
        {s.items.map((item) => (
          <IncidentRow
            key={item.id}
            item={item}
            selected={item.id === s.selectedId}
            tabbable={item.id === tabbableId}
            now={now}
            onOpen={s.openIncident}
          />
        ))}
      </div>

      {empty && (
        <div className="list-overlay">
          {s.listState === 'error' && (
            <ErrorNotice
              title="Could not load incidents"
              message={s.listError ?? 'Unknown error'}
              onRetry={() => void s.loadIncidents()}
            />
          )}
          {s.listState === 'loading' && <p className="muted">Loading incidents…</p>}
          {s.listState === 'ready' &&
            (s.filtered ? (
              <div className="empty-state">
                <p>No incidents match these filters.</p>
                <button type="button" className="btn btn-small" onClick={s.clearFilters}>
                  Clear filters
                </button>
              </div>
            ) : (
              <div className="empty-state">
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
        <div className="list-footer">
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
            <>
              <span className="muted">
                {formatCount(s.items.length)} of {formatCount(s.total)}
                {s.nextCursor ? '' : ' · end of list'}
              </span>
              {s.nextCursor && (
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  onClick={() => void s.loadMoreIncidents()}
                  disabled={s.loadingMore}
                >
                  {s.loadingMore ? 'Loading…' : 'Load more'}
                </button>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
