import { useEffect } from 'react';

import { formatFilters, formatRoute, parseRoute } from '../lib/route';
import type { Route } from '../lib/route';
import { useStore } from '../store';
import type { StoreState } from '../store';

function routeOf(state: StoreState): Route {
  return {
    view: state.view,
    incidentId: state.view === 'incidents' && state.detailOpen ? state.selectedId : null,
    filters: state.filters,
    range: state.range,
  };
}

/**
 * A history entry per place the analyst would go back to: another view,
 * other filters, the detail opened or closed. Moving the cursor with the
 * detail open only rewrites the current entry, or Back would replay every j.
 */
function isNavigation(from: Route, to: Route): boolean {
  return (
    from.view !== to.view ||
    formatFilters(from.filters, from.range) !== formatFilters(to.filters, to.range) ||
    (from.incidentId === null) !== (to.incidentId === null)
  );
}

/**
 * Keeps `location.hash` and the store in step for as long as the console is
 * mounted: the location is read once on mount (a deep link, a reload) and on
 * back / forward or a hand-edited URL; every store change that moves the
 * analyst is written back.
 */
export function useRouteSync(): void {
  useEffect(() => {
    let applying = false;

    const write = (state: StoreState, prev: StoreState | null): void => {
      const next = routeOf(state);
      const hash = formatRoute(next);
      if (hash === window.location.hash) return;
      if (prev && isNavigation(routeOf(prev), next)) window.history.pushState(null, '', hash);
      else window.history.replaceState(null, '', hash);
    };

    const apply = (): void => {
      applying = true;
      try {
        useStore.getState().applyRoute(parseRoute(window.location.hash, Date.now()));
      } finally {
        applying = false;
      }
      // A URL with values that did not pass is rewritten to what is actually shown.
      write(useStore.getState(), null);
    };

    if (window.location.hash) apply();
    else write(useStore.getState(), null);

    const unsubscribe = useStore.subscribe((state, prev) => {
      if (applying) return;
      if (
        state.view === prev.view &&
        state.filters === prev.filters &&
        state.range === prev.range &&
        state.detailOpen === prev.detailOpen &&
        state.selectedId === prev.selectedId
      )
        return;
      write(state, prev);
    });
    window.addEventListener('popstate', apply);
    window.addEventListener('hashchange', apply);
    return () => {
      unsubscribe();
      window.removeEventListener('popstate', apply);
      window.removeEventListener('hashchange', apply);
    };
  }, []);
}
