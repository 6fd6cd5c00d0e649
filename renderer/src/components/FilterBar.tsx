import { useShallow } from 'zustand/react/shallow';

import { SEVERITIES, STATUSES } from '../../../shared/domain';
import { SEVERITY_LABEL, STATUS_LABEL } from '../lib/format';
import { useStore } from '../store';

// Worst first, as an analyst scans them.
const SEVERITY_ORDER = [...SEVERITIES].reverse();

export function FilterBar() {
  const { filters, toggleSeverityFilter, toggleStatusFilter, clearFilters } = useStore(
    useShallow((s) => ({
      filters: s.filters,
      toggleSeverityFilter: s.toggleSeverityFilter,
      toggleStatusFilter: s.toggleStatusFilter,
      clearFilters: s.clearFilters,
    })),
  );
  const active = filters.severity.length + filters.status.length > 0;

  return (
    <div className="filter-bar">
      <div className="chip-group" role="group" aria-label="Filter by severity">
        <span className="chip-group-label">Severity</span>
        {SEVERITY_ORDER.map((severity) => (
          <button
            key={severity}
            type="button"
            className={`chip chip-sev sev-${severity}`}
            aria-pressed={filters.severity.includes(severity)}
            onClick={() => {
              toggleSeverityFilter(severity);
            }}
            data-testid={`filter-severity-${severity}`}
          >
            <span className="chip-dot" aria-hidden="true" />
            {SEVERITY_LABEL[severity]}
          </button>
        ))}
      </div>
      <div className="chip-group" role="group" aria-label="Filter by status">
        <span className="chip-group-label">Status</span>
        {STATUSES.map((status) => (
          <button
            key={status}
            type="button"
            className="chip"
            aria-pressed={filters.status.includes(status)}
            onClick={() => {
              toggleStatusFilter(status);
            }}
            data-testid={`filter-status-${status}`}
          >
            {STATUS_LABEL[status]}
          </button>
        ))}
      </div>
      <button type="button" className="btn btn-small btn-ghost" onClick={clearFilters} disabled={!active}>
        Clear
      </button>
    </div>
  );
}
