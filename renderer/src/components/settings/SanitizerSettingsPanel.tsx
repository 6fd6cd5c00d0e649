import type { SettingsView } from '../../../../shared/ipc/contract';
import { CheckField, FieldRow } from '../form/Field';
import { ALWAYS_MASKED, MASK_CLASS_OPTIONS, parseAllowList } from './mask-classes';
import { SettingsFormBody, useSettingsForm } from './useSettingsForm';

interface SanitizerForm {
  enabled: boolean;
  /** Checked classes; every one checked is stored as [] ("all"). */
  classes: string[];
  /** One value per line. */
  allow: string;
}

const ALL = MASK_CLASS_OPTIONS.map((option) => option.value as string);
const ALLOW_MAX = 2000;

function read(view: SettingsView): SanitizerForm {
  const known = view.sanitizer.classes.filter((c) => ALL.includes(c));
  return {
    enabled: view.sanitizer.enabled,
    classes:
      view.sanitizer.classes.length === 0
        ? [...ALL]
        : ALL.filter((c) => known.includes(c) || ALWAYS_MASKED.includes(c)),
    allow: view.sanitizer.allow.join('\n'),
  };
}

/**
 * Settings → Masking: whether chat messages are masked, which kinds of value
 * are, and values never masked (public indicators the team wants to read).
 */
export function SanitizerSettingsPanel() {
  const s = useSettingsForm<SanitizerForm>({
    section: 'sanitizer',
    read,
    validate: (form) => {
      const errors: Record<string, string> = {};
      if (form.classes.every((c) => ALWAYS_MASKED.includes(c))) {
        errors.classes = 'choose at least one kind (or turn masking off above)';
      }
      if (parseAllowList(form.allow).length > ALLOW_MAX) {
        errors.allow = `at most ${String(ALLOW_MAX)} values`;
      }
      return errors;
    },
    toPatch: (form) => ({
      enabled: form.enabled,
      classes: form.classes.length === ALL.length ? [] : ALL.filter((c) => form.classes.includes(c)),
      allow: parseAllowList(form.allow),
    }),
    shownKeys: ['enabled', 'classes', 'allow'],
    errorTestId: 'sanitizer-field-error',
  });

  return (
    <section className="card" aria-labelledby="sanitizer-title" data-testid="sanitizer-settings">
      <h2 id="sanitizer-title" className="card-title">
        Masking
      </h2>
      <p className="muted">
        Before incident data leaves Vigil, users, hosts, addresses and paths can be replaced by placeholders
        (HOST_1, USER_2 …) that are put back in what comes back. The AI always gets masked data; chat channels
        get it when masking is on here and in the channel; shift reports when asked for.
      </p>
      <SettingsFormBody s={s} testId="sanitizer" label="Save masking">
        {(form) => (
          <>
            <CheckField
              id={`${s.uid}-enabled`}
              label="Mask incident data sent to chat channels"
              checked={form.enabled}
              disabled={s.saving}
              describedBy={s.errors.describe('enabled', false).describedBy}
              onChange={(checked) => {
                s.set('enabled', checked);
              }}
              testId="sanitizer-enabled"
            >
              {s.errors.fieldError('enabled')}
            </CheckField>

            <fieldset
              className="settings-fieldset"
              aria-describedby={s.errors.describe('classes', true).describedBy}
            >
              <legend className="field-label">Mask these kinds of value</legend>
              <div className="settings-checks">
                {MASK_CLASS_OPTIONS.map((option) => (
                  <label key={option.value} className="check" title={option.example}>
                    <input
                      type="checkbox"
                      checked={form.classes.includes(option.value)}
                      disabled={s.saving || ALWAYS_MASKED.includes(option.value)}
                      onChange={(e) => {
                        s.set(
                          'classes',
                          e.target.checked
                            ? ALL.filter((c) => c === option.value || form.classes.includes(c))
                            : form.classes.filter((c) => c !== option.value),
                        );
                      }}
                      data-testid="sanitizer-class"
                      data-class={option.value}
                    />
                    <span>{option.label}</span>
                  </label>
                ))}
              </div>
              <p id={`${s.uid}-classes-help`} className="field-help">
                Hover a kind for an example.
              </p>
              {s.errors.fieldError('classes')}
            </fieldset>

            <FieldRow
              inputId={`${s.uid}-allow`}
              label="Never mask (one value per line)"
              required={false}
              help="Exact values, any letter case: e.g. a public scanner's address or a vendor domain the team needs to read."
              error={s.errors.fieldError('allow')}
            >
              <textarea
                id={`${s.uid}-allow`}
                className="input settings-textarea mono"
                rows={5}
                spellCheck={false}
                value={form.allow}
                disabled={s.saving}
                aria-invalid={s.errors.describe('allow', true).invalid}
                aria-describedby={s.errors.describe('allow', true).describedBy}
                onChange={(e) => {
                  s.set('allow', e.target.value);
                }}
                data-testid="sanitizer-allow"
              />
            </FieldRow>
          </>
        )}
      </SettingsFormBody>
    </section>
  );
}
