import { memo } from 'react';

import type { IncidentListItem } from '../../../shared/domain';
import { STATUS_LABEL, formatAbsolute, formatCount, formatRelative, showHidden } from '../lib/format';
import { SeverityBadge } from './SeverityBadge';

export type TimeColumn = 'lastSeen' | 'firstSeen';

interface IncidentRowProps {
  item: IncidentListItem;
  index: number;
  /** Offset in the virtual list, px. */
  top: number;
  /** aria-setsize: how many rows the list stands for (-1 when the count stopped at the cap). */
  setSize: number;
  selected: boolean;
  checked: boolean;
  timeColumn: TimeColumn;
  now: number;
  onOpen: (id: string) => void;
  onToggle: (id: string, range: boolean) => void;
  onHost: (host: string) => void;
}

/** Memoized: a live update replaces one item object, so only that row renders again. */
export const IncidentRow = memo(function IncidentRow({
  item,
  index,
  top,
  setSize,
  selected,
  checked,
  timeColumn,
  now,
  onOpen,
  onToggle,
  onHost,
}: IncidentRowProps) {
  const time = timeColumn === 'firstSeen' ? item.firstSeen : item.lastSeen;
  return (
    <div
      role="option"
      id={`incident-row-${item.id}`}
      className={`row inc-row incident-row sev-edge-${item.severity} status-row-${item.status}`}
      style={{ top }}
      aria-selected={selected}
      aria-checked={checked}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      onClick={() => {
        onOpen(item.id);
      }}
      data-testid="incident-row"
      data-id={item.id}
      data-index={index}
      data-severity={item.severity}
      data-status={item.status}
    >
      {/* A painted box, not an <input>: a form control per row costs layout and paint on every scroll; the
          option's aria-checked carries the state, x / Space / a click toggle it. */}
      <span
        className="cell cell-check"
        onClick={(e) => {
          e.stopPropagation();
          onToggle(item.id, e.shiftKey);
        }}
        onMouseDown={(e) => {
          // Keep focus on the list, and no text selection on shift-click.
          e.preventDefault();
        }}
        title="Tick for bulk actions (x); shift-click ticks a range"
        data-testid="row-check"
      >
        <span className="check-box" aria-hidden="true" />
      </span>
      <span className="cell cell-sev">
        <SeverityBadge severity={item.severity} />
      </span>
      <span className="cell cell-title" title={showHidden(item.title)}>
        {showHidden(item.title)}
      </span>
      <span className="cell cell-host mono" title={item.host ?? undefined}>
        {item.host ? (
          <>
            <span className="cell-host-text">{item.host}</span>
            {/* Only on the cursor row: one button, not one per row, to keep scrolling cheap. */}
            {selected && (
              <button
                type="button"
                className="cell-filter"
                tabIndex={-1}
                aria-label={`Show only incidents on ${item.host}`}
                title="Show only incidents on this host"
                onMouseDown={(e) => {
                  e.preventDefault();
                }}
                onClick={(e) => {
                  e.stopPropagation();
                  onHost(item.host!);
                }}
                data-testid="row-filter-host"
              >
                <span aria-hidden="true">⌕</span>
              </button>
            )}
          </>
        ) : (
          '—'
        )}
      </span>
      <span className="cell cell-source" title={`${item.source.name} (${item.source.kind})`}>
        {item.source.name}
      </span>
      <span className="cell cell-status">
        <span className={`status-text status-${item.status}`}>{STATUS_LABEL[item.status]}</span>
      </span>
      <span className="cell cell-assignee" title={item.assignee ?? 'Unassigned'}>
        {item.assignee ?? <span className="dim">—</span>}
      </span>
      <span className="cell cell-count mono">{item.count > 1 ? `×${formatCount(item.count)}` : '1'}</span>
      <span className="cell cell-time mono" title={formatAbsolute(time)}>
        <time dateTime={time}>{formatRelative(time, now)}</time>
      </span>
    </div>
  );
});

/** A row that is not loaded yet: the scrollbar already counts it, its page is on the way. */
export const PlaceholderRow = memo(function PlaceholderRow({ top }: { top: number }) {
  return (
    <div className="row inc-row inc-row-placeholder" style={{ top }} aria-hidden="true">
      <span className="cell cell-check" />
      <span className="cell cell-sev">
        <span className="skeleton skeleton-badge" />
      </span>
      <span className="cell cell-title">
        <span className="skeleton" />
      </span>
      <span className="cell cell-host">
        <span className="skeleton skeleton-short" />
      </span>
    </div>
  );
});
