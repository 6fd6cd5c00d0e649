import type { SettingsView } from '../../../shared/ipc/contract';
import { useStore } from '../store';
import { CheckField, FieldRow, SecretInput, SecretStateBadge } from './form/Field';
import { SettingsFormBody, useSettingsForm } from './settings/useSettingsForm';
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

const PIN_MIN = 4;

interface PreferencesForm {
  timeZone: string;
  startAtLogin: boolean;
  pin: string;
  pinConfirm: string;
}

function read(view: SettingsView): PreferencesForm {
  return { timeZone: view.ui.timeZone, startAtLogin: view.ui.startAtLogin, pin: '', pinConfirm: '' };
}

/**
 * Settings → Preferences: the display time zone, starting with the desktop
 * session, and the web PIN. Secrets are never read back: the PIN shows only
 * whether one is set, an empty field keeps it, and a new one is typed twice.
 */
export function PreferencesPanel() {
  const shell = useStore((state) => state.systemStatus?.shell ?? null);
  const s = useSettingsForm<PreferencesForm>({
    section: 'ui',
    read,
    validate: (form) => {
      const errors: Record<string, string> = {};
      if (!form.timeZone.trim()) errors.timeZone = "required: 'local' or a zone such as Europe/Moscow";
      if (form.pin && form.pin.length < PIN_MIN) errors.pin = `at least ${String(PIN_MIN)} characters`;
      if (form.pin !== form.pinConfirm) errors.pinConfirm = 'does not match the PIN above';
      return errors;
    },
    toPatch: (form) => ({
      timeZone: form.timeZone.trim(),
      startAtLogin: form.startAtLogin,
      // Empty keeps the stored PIN.
      pin: form.pin,
    }),
    shownKeys: ['timeZone', 'startAtLogin', 'pin', 'pinConfirm'],
    errorTestId: 'preferences-field-error',
    // The header and every time shown follow the new zone.
    onSaved: () => void useStore.getState().loadSystemStatus(),
  });
  const pinState = s.view ? (s.view.ui.pinSet ? 'set' : 'unset') : null;

  return (
    <section className="card" aria-labelledby="preferences-title" data-testid="preferences">
      <h2 id="preferences-title" className="card-title">
        Preferences
      </h2>
      <SettingsFormBody
        s={s}
        testId="preferences"
        label="Save preferences"
        className="preferences-form settings-form"
      >
        {(form) => (
          <>
            <FieldRow
              inputId={`${s.uid}-timeZone`}
              label="Time zone"
              required
              help="Times are shown here, in reports and in messages, and off-hours logins judged, in this zone. “local” is this machine’s; otherwise an IANA name such as Europe/Moscow."
              error={s.errors.fieldError('timeZone')}
            >
              <input
                id={`${s.uid}-timeZone`}
                className="input"
                list="preferences-zones"
                value={form.timeZone}
                disabled={s.saving}
                aria-invalid={s.errors.describe('timeZone', true).invalid}
                aria-describedby={s.errors.describe('timeZone', true).describedBy}
                onChange={(e) => {
                  s.set('timeZone', e.target.value);
                }}
                data-testid="preferences-timezone"
              />
              <datalist id="preferences-zones">
                {COMMON_ZONES.map((zone) => (
                  <option key={zone} value={zone} />
                ))}
              </datalist>
            </FieldRow>

            <CheckField
              id={`${s.uid}-startAtLogin`}
              label={
                shell === 'headless'
                  ? 'Start Vigil when I log in (desktop app only)'
                  : 'Start Vigil when I log in'
              }
              checked={form.startAtLogin}
              disabled={s.saving}
              describedBy={undefined}
              onChange={(checked) => {
                s.set('startAtLogin', checked);
              }}
              testId="preferences-start-at-login"
            >
              {s.errors.fieldError('startAtLogin')}
            </CheckField>

            <div className="settings-grid">
              <FieldRow
                inputId={`${s.uid}-pin`}
                label="Web UI PIN or passphrase"
                required={false}
                badge={
                  <SecretStateBadge
                    state={pinState}
                    field="pin"
                    testId="preferences-pin-state"
                    {...(s.view?.ui.pinFromEnv ? { setBy: 'VIGIL_PIN' } : {})}
                  />
                }
                help={
                  s.view?.ui.pinFromEnv
                    ? 'This server takes its PIN from the VIGIL_PIN environment variable; a PIN saved here applies once VIGIL_PIN is unset.'
                    : 'Asked at the next sign-in in a browser; sessions already open stay open. VIGIL_PIN, when set, wins.'
                }
                error={s.errors.fieldError('pin')}
              >
                <SecretInput
                  id={`${s.uid}-pin`}
                  className="input"
                  state={pinState}
                  value={form.pin}
                  disabled={s.saving}
                  aria-invalid={s.errors.describe('pin', true).invalid}
                  aria-describedby={s.errors.describe('pin', true).describedBy}
                  onValue={(value) => {
                    s.set('pin', value);
                  }}
                  onBlur={() => {
                    s.errors.touch('pin');
                  }}
                  data-testid="preferences-pin"
                />
              </FieldRow>
              <FieldRow
                inputId={`${s.uid}-pinConfirm`}
                label="The new PIN again"
                required={false}
                error={s.errors.fieldError('pinConfirm')}
              >
                <SecretInput
                  id={`${s.uid}-pinConfirm`}
                  className="input"
                  state={null}
                  value={form.pinConfirm}
                  disabled={s.saving || (form.pin === '' && form.pinConfirm === '')}
                  aria-invalid={s.errors.describe('pinConfirm', false).invalid}
                  aria-describedby={s.errors.describe('pinConfirm', false).describedBy}
                  onValue={(value) => {
                    s.set('pinConfirm', value);
                  }}
                  onBlur={() => {
                    s.errors.touch('pinConfirm');
                  }}
                  data-testid="preferences-pin-confirm"
                />
              </FieldRow>
            </div>
          </>
        )}
      </SettingsFormBody>
    </section>
  );
}
