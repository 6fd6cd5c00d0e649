import { useShallow } from 'zustand/react/shallow';

import { SEVERITIES } from '../../../shared/domain';
import { SeverityBadge } from '../components/SeverityBadge';
import { formatCount } from '../lib/format';
import { useStore } from '../store';

const SEVERITY_ORDER = [...SEVERITIES].reverse();

export function DashboardView() {
  const { counts, setView } = useStore(useShallow((s) => ({ counts: s.counts, setView: s.setView })));

  return (
    <section className="view" aria-labelledby="view-title">
      <div className="view-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          Dashboard
        </h1>
        <span className="pill-soon">Preview</span>
      </div>
      <div className="view-body">
        <div className="tiles">
          <div className="tile">
            <div className="tile-label">Open</div>
            <div className="tile-value mono">{counts ? formatCount(counts.open) : '—'}</div>
          </div>
          <div className="tile">
            <div className="tile-label">Unacknowledged</div>
            <div className="tile-value mono">{counts ? formatCount(counts.unacknowledged) : '—'}</div>
          </div>
          <div className="tile">
            <div className="tile-label">Total</div>
            <div className="tile-value mono">{counts ? formatCount(counts.total) : '—'}</div>
          </div>
          {SEVERITY_ORDER.map((severity) => (
            <div key={severity} className={`tile tile-sev sev-edge-${severity}`}>
              <div className="tile-label">
                <SeverityBadge severity={severity} />
              </div>
              <div className="tile-value mono">{counts ? formatCount(counts.bySeverity[severity]) : '—'}</div>
            </div>
          ))}
        </div>
        <div className="placeholder">
          <p>
            The dashboard will chart incident volume over time by severity and source, mean time to
            acknowledge and resolve, the noisiest hosts and rules, and source health at a glance.
          </p>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setView('incidents');
            }}
          >
            Go to incidents
          </button>
        </div>
      </div>
    </section>
  );
}
