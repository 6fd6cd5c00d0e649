import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { AiSettingsPanel } from '../components/AiSettingsPanel';
import { BackupPanel } from '../components/BackupPanel';
import { CopyButton } from '../components/CopyButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { PreferencesPanel } from '../components/PreferencesPanel';
import { formatAbsolute } from '../lib/format';
import { useStore } from '../store';

export function SettingsView() {
  const s = useStore(
    useShallow((state) => ({
      systemStatus: state.systemStatus,
      systemState: state.systemState,
      systemError: state.systemError,
      loadSystemStatus: state.loadSystemStatus,
      demoBusy: state.demoBusy,
      demoError: state.demoError,
      startDemoFeed: state.startDemoFeed,
      // The sources list is fresher once loaded; before that, setup state knows whether the demo runs.
      demoRunning:
        state.sourcesState === 'ready'
          ? state.sources.some((source) => source.kind === 'demo' && source.enabled)
          : (state.setupState?.demoRunning ?? false),
      setView: state.setView,
    })),
  );
  const status = s.systemStatus;

  useEffect(() => {
    // Whether the demo feed runs is read from the sources list; fetch it once if no view has yet.
    const state = useStore.getState();
    if (state.sourcesState === 'idle') void state.loadSources();
  }, []);

  return (
    <section className="view" aria-labelledby="view-title">
      <div className="view-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          Settings
        </h1>
        <div className="toolbar-spacer" />
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => void s.loadSystemStatus()}
          disabled={s.systemState === 'loading'}
        >
          Refresh
        </button>
      </div>
      <div className="view-body settings">
        {s.systemState === 'error' && (
          <ErrorNotice
            title="Could not read the system status"
            message={s.systemError ?? 'Unknown error'}
            onRetry={() => void s.loadSystemStatus()}
          />
        )}

        <section className="card" aria-labelledby="webhook-title">
          <h2 id="webhook-title" className="card-title">
            Webhook
          </h2>
          <p className="muted">
            Any product that can send an HTTP POST with a JSON body can raise incidents here.
          </p>
          {status ? (
            <dl className="facts">
              <div className="fact">
                <dt>URL</dt>
                <dd>
                  {status.webhook.url ? (
                    <>
                      <code className="mono break" data-testid="webhook-url">
                        {status.webhook.url}
                      </code>{' '}
                      <CopyButton text={status.webhook.url} />
                    </>
                  ) : (
                    <span className="muted">Not configured</span>
                  )}
                </dd>
              </div>
              <div className="fact">
                <dt>Listening</dt>
                <dd>
                  <span className={`health health-${status.webhook.listening ? 'ok' : 'error'}`}>
                    <span className="health-dot" aria-hidden="true" />
                    {status.webhook.listening ? 'Yes' : 'No'}
                  </span>
                </dd>
              </div>
              <div className="fact">
                <dt>Token</dt>
                <dd>
                  {status.webhook.tokenSet ? (
                    'Set — senders must present it'
                  ) : (
                    <span className="text-warn">Not set — anyone who can reach the port can post alerts</span>
                  )}
                </dd>
              </div>
            </dl>
          ) : (
            <p className="muted">{s.systemState === 'loading' ? 'Loading…' : '—'}</p>
          )}
        </section>

        <section className="card" aria-labelledby="demo-title">
          <h2 id="demo-title" className="card-title">
            Demo feed
          </h2>
          <p className="muted">
            Generates realistic incidents so you can try triage and notifications without a real source. Stop
            it from Sources.
          </p>
          {s.demoError && <ErrorNotice title="Demo feed did not start" message={s.demoError} />}
          <div className="card-actions">
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => void s.startDemoFeed()}
              disabled={s.demoBusy || s.demoRunning}
              data-testid="settings-start-demo"
            >
              {s.demoBusy ? 'Starting…' : s.demoRunning ? 'Demo feed running' : 'Start demo feed'}
            </button>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => {
                s.setView('sources');
              }}
            >
              Open Sources
            </button>
          </div>
        </section>

        <PreferencesPanel />

        <AiSettingsPanel />

        <BackupPanel />

        <section className="card" aria-labelledby="services-title">
          <h2 id="services-title" className="card-title">
            Services
          </h2>
          {status && status.services.length > 0 ? (
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {status.services.map((service) => (
                  <tr key={service.name}>
                    <td className="mono">{service.name}</td>
                    <td>
                      <span className={`health health-${service.state}`}>
                        <span className="health-dot" aria-hidden="true" />
                        {service.state}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{status ? 'No services reported.' : '—'}</p>
          )}
          {status && (
            <p className="muted small">
              Vigil {status.version} · {status.shell === 'headless' ? 'headless server' : 'desktop'} · started{' '}
              {formatAbsolute(status.startedAt)}
            </p>
          )}
        </section>

        <section className="card" aria-labelledby="soon-title">
          <h2 id="soon-title" className="card-title">
            Elsewhere
          </h2>
          <p className="muted">
            Source credentials are set under Sources; channels, routing rules, quiet hours and silences under
            Channels. The deduplication window, masking classes and allow-list, and backup retention are read
            from the configuration file for now (see the README); editing them here is coming.
          </p>
        </section>
      </div>
    </section>
  );
}
