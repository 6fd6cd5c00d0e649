import type { SettingsView } from '../../../../shared/ipc/contract';
import { FieldRow } from '../form/Field';
import { SettingsActions, rangeError, useSettingsForm, wholeNumber } from './useSettingsForm';

interface RoutingForm {
  dedupMinutes: string;
}

const MAX_MINUTES = 30 * 24 * 60;

/**
 * Settings → Grouping: how long an open incident keeps absorbing repeats of
 * the same alert (its count grows) before a repeat opens a new incident.
 * Rules, quiet hours and silences live with the channels they route to.
 */
export function RoutingSettingsPanel() {
  const s = useSettingsForm<RoutingForm>({
    section: 'routing',
    read: (view: SettingsView) => ({ dedupMinutes: String(Math.round(view.routing.dedupWindowSec / 60)) }),
    validate: (form): Record<string, string> => {
      const error = rangeError(wholeNumber(form.dedupMinutes), 0, MAX_MINUTES);
      return error ? { dedupWindowSec: error } : {};
    },
    toPatch: (form) => ({ dedupWindowSec: wholeNumber(form.dedupMinutes) * 60 }),
    shownKeys: ['dedupWindowSec'],
    errorTestId: 'routing-field-error',
  });
  const form = s.form;

  return (
    <section className="card" aria-labelledby="routing-title" data-testid="routing-settings">
      <h2 id="routing-title" className="card-title">
        Grouping
      </h2>
      <p className="muted">
        A repeat of an alert (same source, rule and entities) while its incident is open is counted on that
        incident instead of raising a new one, for this long after the last repeat. Vendor incidents
        (SentinelOne, MaxPatrol, Deep Instinct) always update their own incident. Routing rules, quiet hours
        and silences are under Channels.
      </p>
      {s.loadError && <p className="form-error">{s.loadError}</p>}
      {form && (
        <form className="settings-form" onSubmit={s.submit} noValidate>
          <div className="settings-grid">
            <FieldRow
              inputId={`${s.uid}-dedupWindowSec`}
              label="Group repeats within (minutes)"
              required
              help="0 raises a new incident for every alert. 60 = one hour, 1440 = one day."
              error={s.errors.fieldError('dedupWindowSec')}
            >
              <input
                id={`${s.uid}-dedupWindowSec`}
                className="input"
                inputMode="numeric"
                value={form.dedupMinutes}
                disabled={s.saving}
                aria-invalid={s.errors.describe('dedupWindowSec', true).invalid}
                aria-describedby={s.errors.describe('dedupWindowSec', true).describedBy}
                onChange={(e) => {
                  s.set('dedupMinutes', e.target.value);
                }}
                onBlur={() => {
                  s.errors.touch('dedupWindowSec');
                }}
                data-testid="routing-dedup-window"
              />
            </FieldRow>
          </div>
          <SettingsActions
            testId="routing-settings"
            label="Save grouping"
            saving={s.saving}
            dirty={s.dirty}
            savedNote={s.savedNote}
            formMessage={s.errors.formMessage}
          />
        </form>
      )}
    </section>
  );
}
