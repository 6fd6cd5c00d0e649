import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';

import type { SettingsView } from '../../../shared/ipc/contract';
import { useStore } from '../store';
import { call, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';
import '../styles/preferences.css';

const COMMON_ZONES = [
  'local',
  'UTC',
  'Europe/Moscow',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Dubai',
  'America/New_York',
];

/**
 * Settings → Preferences: the display time zone, starting with the desktop
 * session, and the web PIN. Secrets are never read back: the PIN shows only
 * whether one is set, and an empty field keeps it.
 */
export function PreferencesPanel() {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [timeZone, setTimeZone] = useState('');
  const [startAtLogin, setStartAtLogin] = useState(false);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const shell = useStore((state) => state.systemStatus?.shell ?? null);

  const apply = (view: SettingsView) => {
    setSettings(view);
    setTimeZone(view.ui.timeZone);
    setStartAtLogin(view.ui.startAtLogin);
    setPin('');
  };

  useEffect(() => {
    call('settings.get', {}).then(apply, (e: unknown) => setError(messageOf(e)));
  }, []);

  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    call('settings.update', { patch: { ui: { timeZone: timeZone.trim(), startAtLogin, pin } } })
      .then((view) => {
        apply(view);
        setSaved(true);
        // The header and every time shown follow the new zone.
        void useStore.getState().loadSystemStatus();
      })
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };

  return (
    <section className="card" aria-labelledby="preferences-title" data-testid="preferences">
      <h2 id="preferences-title" className="card-title">
        Preferences
      </h2>
      {error && <ErrorNotice title="Preferences not saved" message={error} />}
      {settings && (
        <form className="preferences-form" onSubmit={save}>
          <label className="field">
            <span className="field-label">Time zone</span>
            <input
              className="input"
              list="preferences-zones"
              value={timeZone}
              onChange={(e) => setTimeZone(e.target.value)}
              aria-describedby="preferences-zone-help"
              data-testid="preferences-timezone"
            />
            <datalist id="preferences-zones">
              {COMMON_ZONES.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            <span id="preferences-zone-help" className="muted small">
              Times are shown here and off-hours logins judged in it. “local” is this machine’s zone;
              otherwise an IANA name such as Europe/Moscow.
            </span>
          </label>
          <label className="checkbox-row">
            <input
              type="checkbox"
              checked={startAtLogin}
              onChange={(e) => setStartAtLogin(e.target.checked)}
              data-testid="preferences-start-at-login"
            />
            <span>
              Start Vigil when I log in
              {shell === 'headless' && <span className="muted small"> (desktop app only)</span>}
            </span>
          </label>
          <label className="field">
            <span className="field-label">Web UI PIN or passphrase</span>
            <input
              className="input"
              type="password"
              autoComplete="new-password"
              value={pin}
              placeholder={
                settings.ui.pinSet ? 'set — leave empty to keep' : 'none stored (VIGIL_PIN may set one)'
              }
              onChange={(e) => setPin(e.target.value)}
              data-testid="preferences-pin"
            />
          </label>
          <div className="card-actions">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="preferences-save">
              {busy ? 'Saving…' : 'Save preferences'}
            </button>
            {saved && (
              <span className="muted" role="status">
                Saved.
              </span>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
