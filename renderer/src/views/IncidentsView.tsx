import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { FilterBar } from '../components/FilterBar';
import { IncidentDetailPane } from '../components/IncidentDetailPane';
import { IncidentList } from '../components/IncidentList';
import { formatCount } from '../lib/format';
import { useStore } from '../store';

export function IncidentsView() {
  const { total, shown, listState, detailOpen } = useStore(
    useShallow((s) => ({
      total: s.total,
      shown: s.items.length,
      listState: s.listState,
      detailOpen: s.detailOpen,
    })),
  );

  useEffect(() => {
    // The list is a cache that survives navigation; fetch it only the first time.
    const state = useStore.getState();
    if (state.listState === 'idle') void state.loadIncidents();
  }, []);

  return (
    <section className="view view-incidents" aria-labelledby="view-title">
      <div className="view-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          Incidents
        </h1>
        <span className="view-subtitle mono" aria-live="polite">
          {listState === 'ready' || shown > 0
            ? `${formatCount(shown)} of ${formatCount(total)}`
            : listState === 'loading'
              ? 'Loading…'
              : ''}
        </span>
        <FilterBar />
      </div>
      <div className={`split${detailOpen ? ' split-open' : ''}`}>
        <IncidentList />
        {detailOpen && <IncidentDetailPane />}
      </div>
    </section>
  );
}
