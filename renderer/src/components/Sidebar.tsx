import { useShallow } from 'zustand/react/shallow';

import { useStore } from '../store';
import type { ViewId } from '../store';
import { formatCount } from '../lib/format';
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

export function Sidebar() {
  const { view, setView, unacknowledged } = useStore(
    useShallow((s) => ({ view: s.view, setView: s.setView, unacknowledged: s.counts?.unacknowledged ?? 0 })),
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
            <button
              type="button"
              className="nav-item"
              aria-current={view === item.id ? 'page' : undefined}
              onClick={() => {
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
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
