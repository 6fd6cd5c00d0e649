import { useShallow } from 'zustand/react/shallow';

import { useConnectionState } from '../hooks/use-connection-state';
import { formatCount } from '../lib/format';
import { useStore } from '../store';
import type { ConnectionState } from '../transport';
import { SeverityBadge } from './SeverityBadge';

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  live: 'Live',
  connecting: 'Reconnecting…',
  down: 'Offline',
};

export function Header() {
  const { counts, pinRequired, logout, systemStatus } = useStore(
    useShallow((s) => ({
      counts: s.counts,
      pinRequired: s.pinRequired,
      logout: s.logout,
      systemStatus: s.systemStatus,
    })),
  );
  const connection = useConnectionState();

  return (
    <header className="topbar">
      <dl className="topbar-stats">
        <div className="stat">
          <dt>Open</dt>
          <dd className="mono" data-testid="count-open">
            {counts ? formatCount(counts.open) : '—'}
          </dd>
        </div>
        <div className="stat">
          <dt>Unacknowledged</dt>
          <dd
            className={`mono${counts && counts.unacknowledged > 0 ? ' stat-alert' : ''}`}
            data-testid="count-unacknowledged"
          >
            {counts ? formatCount(counts.unacknowledged) : '—'}
          </dd>
        </div>
        <div className="stat">
          <dt>Highest open</dt>
          <dd data-testid="highest-severity">
            {counts?.highestOpenSeverity ? (
              <SeverityBadge severity={counts.highestOpenSeverity} />
            ) : (
              <span className="muted">{counts ? 'None' : '—'}</span>
            )}
          </dd>
        </div>
      </dl>
      <div className="topbar-right">
        {systemStatus && systemStatus.exposed.length > 0 && (
          <span
            className="text-warn topbar-meta"
            role="alert"
            title="Bound beyond 127.0.0.1: other machines can connect. Put TLS in front of it, or bind to 127.0.0.1."
            data-testid="exposure-warning"
          >
            Reachable from other machines:{' '}
            {systemStatus.exposed
              .map((e) => `${e.listener === 'ui' ? 'UI' : 'webhook'} ${e.address}`)
              .join(', ')}
          </span>
        )}
        {systemStatus && (
          <span className="muted topbar-meta" title={`Started ${systemStatus.startedAt}`}>
            {systemStatus.shell === 'headless' ? 'Server' : 'Desktop'} · v{systemStatus.version}
          </span>
        )}
        <span className={`conn conn-${connection}`} role="status">
          <span className="conn-dot" aria-hidden="true" />
          {CONNECTION_LABEL[connection]}
        </span>
        {pinRequired && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => void logout()}>
            Sign out
          </button>
        )}
      </div>
    </header>
  );
}
