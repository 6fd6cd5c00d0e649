import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { AiSettingsPanel } from '../components/AiSettingsPanel';
import { BackupPanel } from '../components/BackupPanel';
import { ErrorNotice } from '../components/ErrorNotice';
import { PreferencesPanel } from '../components/PreferencesPanel';
import { RoutingSettingsPanel } from '../components/settings/RoutingSettingsPanel';
import { SanitizerSettingsPanel } from '../components/settings/SanitizerSettingsPanel';
import { WebhookSettingsPanel } from '../components/settings/WebhookSettingsPanel';
import { formatAbsolute } from '../lib/format';
import { useStore } from '../store';
import '../styles/settings.css';

/** The cards in page order, by the id of their title, for the jump bar. */
const SECTIONS: readonly (readonly [string, string])[] = [
  ['webhook-title', 'Webhook'],
  ['preferences-title', 'Preferences'],
  ['sanitizer-title', 'Masking'],
  ['ai-settings-title', 'AI'],
  ['routing-title', 'Grouping'],
  ['backup-title', 'Backup'],
  ['services-title', 'Services'],
];

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

        <nav className="settings-nav" aria-label="Settings sections">
          {SECTIONS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => {
                document.getElementById(id)?.scrollIntoView({ block: 'start' });
              }}
            >
              {label}
            </button>
          ))}
        </nav>

        <WebhookSettingsPanel />

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

        <SanitizerSettingsPanel />

        <AiSettingsPanel />

        <RoutingSettingsPanel />

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

        <section className="card" aria-labelledby="elsewhere-title">
          <h2 id="elsewhere-title" className="card-title">
            Elsewhere
          </h2>
          <p className="muted">
            Source credentials are under Sources; channels, routing rules, quiet hours and silences under
            Channels; linking a WhatsApp phone under WhatsApp. Every setting here is also a key of the
            configuration file (see the README).
          </p>
        </section>
      </div>
    </section>
  );
}
