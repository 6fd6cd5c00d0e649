import { useShallow } from 'zustand/react/shallow';

import { useRouteSync } from '../hooks/use-route-sync';
import { formatCount } from '../lib/format';
import { formatRoute } from '../lib/route';
import { useStore } from '../store';
import type { ViewId } from '../store';
import { NavIcon } from './NavIcon';

const NAV: readonly { id: ViewId; label: string }[] = [
  { id: 'incidents', label: 'Incidents' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'sources', label: 'Sources' },
  { id: 'channels', label: 'Channels' },
  { id: 'whatsapp', label: 'WhatsApp' },
  { id: 'logs', label: 'Logs' },
  { id: 'settings', label: 'Settings' },
];

/**
 * The main navigation. It is mounted exactly as long as the console, so it
 * also keeps the location in step with the store (hooks/use-route-sync.ts).
 */
export function Sidebar() {
  useRouteSync();
  const { view, setView, unacknowledged, filters, range } = useStore(
    useShallow((s) => ({
      view: s.view,
      setView: s.setView,
      unacknowledged: s.counts?.unacknowledged ?? 0,
      filters: s.filters,
      range: s.range,
    })),
  );

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Vigil
      </div>
      <ul className="nav-list">
        {NAV.map((item) => (
          <li key={item.id}>
            <a
              // Incidents comes back with its filters: they are part of where the analyst was.
              href={formatRoute({ view: item.id, incidentId: null, filters, range })}
              className="nav-item"
              aria-current={view === item.id ? 'page' : undefined}
              onClick={(event) => {
                if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
                  return;
                // The store moves and the location follows, one history entry per move.
                event.preventDefault();
                setView(item.id);
              }}
              data-testid={`nav-${item.id}`}
            >
              <NavIcon view={item.id} />
              <span className="nav-label">{item.label}</span>
              {item.id === 'incidents' && unacknowledged > 0 && (
                <span className="nav-badge" title={`${formatCount(unacknowledged)} unacknowledged`}>
                  {unacknowledged > 999 ? '999+' : unacknowledged}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
