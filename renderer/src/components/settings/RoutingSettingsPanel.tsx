import type { SettingsView } from '../../../../shared/ipc/contract';
import { NumberField, SettingsFormBody, rangeError, useSettingsForm, wholeNumber } from './useSettingsForm';

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
      <SettingsFormBody s={s} testId="routing-settings" label="Save grouping">
        {(form) => (
          <div className="settings-grid">
            <NumberField
              s={s}
              field="dedupWindowSec"
              label="Group repeats within (minutes)"
              help="0 raises a new incident for every alert. 60 = one hour, 1440 = one day."
              value={form.dedupMinutes}
              onValue={(value) => {
                s.set('dedupMinutes', value);
              }}
              disabled={s.saving}
              testId="routing-dedup-window"
            />
          </div>
        )}
      </SettingsFormBody>
    </section>
  );
}
