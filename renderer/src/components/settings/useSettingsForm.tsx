import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';

import type { SettingsView } from '../../../../shared/ipc/contract';
import { call, messageOf } from '../../transport';
import { FieldRow } from '../form/Field';
import { useFieldErrors } from '../form/useFieldErrors';
import type { SettingsSection } from './settings-failure';
import { settingsFailure } from './settings-failure';

interface Options<F> {
  section: SettingsSection;
  /** The form's values from the stored settings. */
  read: (view: SettingsView) => F;
  /** Client-side checks by field key. */
  validate: (form: F) => Record<string, string>;
  /** The patch of `section` to save. */
  toPatch: (form: F) => Record<string, unknown>;
  /** Keys that have a field showing their error. */
  shownKeys: readonly string[];
  /** `data-testid` of a field's error line. */
  errorTestId: string;
  onSaved?: (view: SettingsView) => void;
}

/**
 * One Settings card's form: reads the settings, keeps a draft, saves the
 * section through settings.update, and shows the core's refusals next to the
 * fields they name (form/useFieldErrors).
 */
export function useSettingsForm<F>(options: Options<F>) {
  const uid = useId();
  // The callbacks are inline lambdas; the async paths read the current ones.
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });
  const [view, setView] = useState<SettingsView | null>(null);
  const [saved, setSaved] = useState<F | null>(null);
  const [form, setForm] = useState<F | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedNote, setSavedNote] = useState(false);
  const clientErrors = form ? options.validate(form) : {};
  const errors = useFieldErrors({
    uid,
    clientErrors,
    shownKeys: new Set(options.shownKeys),
    errorTestId: options.errorTestId,
  });

  const apply = useCallback((next: SettingsView) => {
    setView(next);
    setSaved(latest.current.read(next));
    setForm(latest.current.read(next));
  }, []);

  const fetchSettings = useCallback(() => {
    call('settings.get', {}).then(
      (next) => {
        setLoadError(null);
        apply(next);
      },
      (e: unknown) => {
        setLoadError(messageOf(e));
      },
    );
  }, [apply]);

  useEffect(fetchSettings, [fetchSettings]);

  const set = <K extends keyof F>(key: K, value: F[K]) => {
    setForm((current) => (current ? { ...current, [key]: value } : current));
    errors.clearServerError(String(key));
    setSavedNote(false);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form || !errors.beginSubmit()) return;
    setSaving(true);
    setSavedNote(false);
    const { section, toPatch, onSaved } = latest.current;
    call('settings.update', { patch: { [section]: toPatch(form) } })
      .then((next) => {
        apply(next);
        setSavedNote(true);
        onSaved?.(next);
      })
      .catch((e: unknown) => {
        errors.showFailure(settingsFailure(e, section));
      })
      .finally(() => {
        setSaving(false);
      });
  };

  const dirty = form !== null && JSON.stringify(form) !== JSON.stringify(saved);
  return { uid, view, form, set, dirty, saving, savedNote, loadError, reload: fetchSettings, errors, submit };
}

/** What useSettingsForm returns: one settings card's form state. */
export type SettingsForm<F> = ReturnType<typeof useSettingsForm<F>>;

/** Save, "Saved." and the form-level error of a settings card. */
export function SettingsActions<F>({
  s,
  testId,
  label,
}: {
  s: SettingsForm<F>;
  /** Prefix of the test ids: `${testId}-save`, `-saved`, `-error`. */
  testId: string;
  label: string;
}) {
  const { saving, dirty, savedNote } = s;
  const formMessage = s.errors.formMessage;
  return (
    <>
      {formMessage && (
        <p className="form-error" role="alert" data-testid={`${testId}-error`}>
          {formMessage}
        </p>
      )}
      <div className="card-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={saving || !dirty}
          data-testid={`${testId}-save`}
        >
          {saving ? 'Saving…' : label}
        </button>
        {savedNote && !dirty && (
          <span className="muted" role="status" data-testid={`${testId}-saved`}>
            Saved.
          </span>
        )}
      </div>
    </>
  );
}

/**
 * The body of a settings card: why the settings could not be read, or the
 * form with its fields (given the draft) and then SettingsActions.
 */
export function SettingsFormBody<F>({
  s,
  testId,
  label,
  className = 'settings-form',
  children,
}: {
  s: SettingsForm<F>;
  testId: string;
  label: string;
  className?: string;
  children: (form: F) => ReactNode;
}) {
  return (
    <>
      {s.loadError && <p className="form-error">{s.loadError}</p>}
      {s.form && (
        <form className={className} onSubmit={s.submit} noValidate>
          {children(s.form)}
          <SettingsActions s={s} testId={testId} label={label} />
        </form>
      )}
    </>
  );
}

/**
 * A required whole-number field: label, input, help and the error of `field`
 * (the key its errors are reported under, also the input's id suffix).
 */
export function NumberField<F>({
  s,
  field,
  label,
  help,
  value,
  onValue,
  disabled,
  testId,
}: {
  s: SettingsForm<F>;
  field: string;
  label: string;
  help: string;
  value: string;
  onValue: (value: string) => void;
  disabled?: boolean;
  testId: string;
}) {
  const inputId = `${s.uid}-${field}`;
  const described = s.errors.describe(field, true);
  return (
    <FieldRow inputId={inputId} label={label} required help={help} error={s.errors.fieldError(field)}>
      <input
        id={inputId}
        className="input"
        inputMode="numeric"
        value={value}
        disabled={disabled}
        aria-invalid={described.invalid}
        aria-describedby={described.describedBy}
        onChange={(e) => {
          onValue(e.target.value);
        }}
        onBlur={() => {
          s.errors.touch(field);
        }}
        data-testid={testId}
      />
    </FieldRow>
  );
}

/** A whole number from an input, NaN when empty or not one. */
export function wholeNumber(text: string): number {
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** "between min and max" when `value` is not a whole number in range. */
export function rangeError(value: number, min: number, max: number): string | undefined {
  if (!Number.isInteger(value)) return 'enter a whole number';
  if (value < min || value > max) return `between ${String(min)} and ${String(max)}`;
  return undefined;
}
