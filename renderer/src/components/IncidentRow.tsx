import { memo } from 'react';

import type { IncidentListItem } from '../../../shared/domain';
import { STATUS_LABEL, formatAbsolute, formatCount, formatRelative } from '../lib/format';
import { SeverityBadge } from './SeverityBadge';

interface IncidentRowProps {
  item: IncidentListItem;
  selected: boolean;
  /** The one row reachable with Tab (roving tabindex). */
  tabbable: boolean;
  now: number;
  onOpen: (id: string) => void;
}

/** Memoized: a live update replaces one item object, so only that row renders again. */
export const IncidentRow = memo(function IncidentRow({
  item,
  selected,
  tabbable,
  now,
  onOpen,
}: IncidentRowProps) {
  return (
    <div
      role="option"
      id={`incident-row-${item.id}`}
      className={`row incident-row sev-edge-${item.severity} status-row-${item.status}`}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      onClick={() => {
        onOpen(item.id);
      }}
      data-testid="incident-row"
      data-id={item.id}
      data-severity={item.severity}
    >
      <span className="cell cell-sev">
        <SeverityBadge severity={item.severity} />
      </span>
      <span className="cell cell-title" title={item.title}>
        {item.title}
      </span>
      <span className="cell cell-host mono" title={item.host ?? undefined}>
        {item.host ?? '—'}
      </span>
      <span className="cell cell-source" title={`${item.source.name} (${item.source.kind})`}>
        {item.source.name}
      </span>
      <span className="cell cell-status">
        <span className={`status-text status-${item.status}`}>{STATUS_LABEL[item.status]}</span>
      </span>
      <span className="cell cell-count mono">{item.count > 1 ? `×${formatCount(item.count)}` : '1'}</span>
      <span className="cell cell-time mono" title={formatAbsolute(item.lastSeen)}>
        <time dateTime={item.lastSeen}>{formatRelative(item.lastSeen, now)}</time>
      </span>
    </div>
  );
});
