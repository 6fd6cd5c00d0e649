import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { SourceView } from '../../../shared/ipc/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { TimeAgo } from '../components/TimeAgo';
import { formatAbsolute, formatCount } from '../lib/format';
import { useStore } from '../store';

const KIND_LABEL: Record<SourceView['kind'], string> = {
  sentinelone: 'SentinelOne',
  maxpatrol: 'MaxPatrol',
  deepinstinct: 'Deep Instinct',
  webhook: 'Webhook',
  demo: 'Demo feed',
};

export function SourcesView() {
  const s = useStore(
    useShallow((state) => ({
      sources: state.sources,
      sourcesState: state.sourcesState,
      sourcesError: state.sourcesError,
      sourcesBusy: state.sourcesBusy,
      sourceActionError: state.sourceActionError,
      demoBusy: state.demoBusy,
      demoError: state.demoError,
      loadSources: state.loadSources,
      setSourceEnabled: state.setSourceEnabled,
      startDemoFeed: state.startDemoFeed,
    })),
  );

  useEffect(() => {
    // Health times (next run, last success) move on their own; a visit deserves a fresh read.
    void useStore.getState().loadSources();
  }, []);

  const empty = s.sources.length === 0;

  return (
    <section className="view" aria-labelledby="view-title">
      <div className="view-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          Sources
        </h1>
        <span className="view-subtitle mono">{empty ? '' : `${String(s.sources.length)} configured`}</span>
        <div className="toolbar-spacer" />
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => void s.loadSources()}
          disabled={s.sourcesState === 'loading'}
        >
          Refresh
        </button>
      </div>
      <div className="view-body">
        {s.sourcesState === 'error' && (
          <ErrorNotice
            title="Could not load sources"
            message={s.sourcesError ?? 'Unknown error'}
            onRetry={() => void s.loadSources()}
          />
        )}
        {s.sourceActionError && <ErrorNotice title="Source not changed" message={s.sourceActionError} />}
        {s.demoError && <ErrorNotice title="Demo feed did not start" message={s.demoError} />}

        {empty && s.sourcesState === 'loading' && <p className="muted">Loading sources…</p>}
        {empty && s.sourcesState === 'ready' && (
          <div className="placeholder">
            <p className="empty-title">No sources configured.</p>
            <p className="muted">
              Start the demo feed to see Vigil at work with generated incidents. Connectors for SentinelOne,
              MaxPatrol and Deep Instinct will be added here; any other product can POST to the webhook shown
              in Settings.
            </p>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void s.startDemoFeed()}
              disabled={s.demoBusy}
              data-testid="sources-start-demo"
            >
              {s.demoBusy ? 'Starting…' : 'Start demo feed'}
            </button>
          </div>
        )}

        {!empty && (
          <div className="table-wrap">
            <table className="table" data-testid="sources-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">Health</th>
                  <th scope="col">Last success</th>
                  <th scope="col">Last error</th>
                  <th scope="col" className="num">
                    Failures
                  </th>
                  <th scope="col">Next run</th>
                  <th scope="col" className="num">
                    Events
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.sources.map((source) => (
                  <SourceRow
                    key={source.id}
                    source={source}
                    busy={s.sourcesBusy.includes(source.id)}
                    onToggle={s.setSourceEnabled}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}

interface SourceRowProps {
  source: SourceView;
  busy: boolean;
  onToggle: (id: string, enabled: boolean) => Promise<void>;
}

function SourceRow({ source, busy, onToggle }: SourceRowProps) {
  const { health } = source;
  return (
    <tr data-testid="source-row" data-id={source.id}>
      <td>
        <div>{source.name}</div>
        <div className="mono muted small">{source.id}</div>
      </td>
      <td>{KIND_LABEL[source.kind]}</td>
      <td>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={source.enabled}
            disabled={busy}
            onChange={(e) => void onToggle(source.id, e.target.checked)}
            aria-label={`${source.enabled ? 'Disable' : 'Enable'} ${source.name}`}
          />
          <span className="switch-track" aria-hidden="true" />
        </label>
      </td>
      <td>
        <span className={`health health-${health.state}`}>
          <span className="health-dot" aria-hidden="true" />
          {health.state}
        </span>
      </td>
      <td>
        <TimeAgo iso={health.lastSuccess} />
      </td>
      <td className="cell-error">
        {health.lastError ? (
          <span title={health.lastErrorAt ? `At ${formatAbsolute(health.lastErrorAt)}` : undefined}>
            {health.lastError}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className={`num mono${health.consecutiveFailures > 0 ? ' text-danger' : ''}`}>
        {health.consecutiveFailures}
      </td>
      <td className="mono" title={formatAbsolute(health.nextRun)}>
        {health.nextRun ? formatAbsolute(health.nextRun) : '—'}
      </td>
      <td className="num mono">{formatCount(health.eventsTotal)}</td>
    </tr>
  );
}
