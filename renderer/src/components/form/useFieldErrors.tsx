import { useState } from 'react';
import type { ReactNode } from 'react';

import type { SaveFailure } from '../../store/crud-helpers';

interface FieldErrorsOptions {
  /** The form's `useId`, the prefix of every control, help and error id. */
  uid: string;
  /** The client-side checks of the current draft, by field key ("form" for the whole form). */
  clientErrors: Record<string, string>;
  /** Keys a field shows an error for; any other error goes to the form-level message. */
  shownKeys: ReadonlySet<string>;
  /** `data-testid` of a field's error line. */
  errorTestId: string;
}

/**
 * The error bookkeeping of a settings form: client checks shown once a field
 * was left or the form submitted, the core's field errors until the field
 * changes, and a form-level message for whatever names no shown field.
 */
export function useFieldErrors({ uid, clientErrors, shownKeys, errorTestId }: FieldErrorsOptions) {
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const errorFor = (key: string): string | undefined =>
    serverErrors[key] ?? (submitted || touched.has(key) ? clientErrors[key] : undefined);

  const clearServerError = (key: string): void => {
    if (!(key in serverErrors)) return;
    setServerErrors((errors) => {
      const next = { ...errors };
      delete next[key];
      return next;
    });
  };

  /** A new kind: the core's verdict on the old one no longer applies. */
  const clearAll = (): void => {
    setServerErrors({});
    setFormError(null);
  };

  const touch = (key: string): void => {
    if (!touched.has(key)) setTouched(new Set(touched).add(key));
  };

  /** Save pressed: show every client error; false when there are any. */
  const beginSubmit = (): boolean => {
    setSubmitted(true);
    setFormError(null);
    return Object.keys(clientErrors).length === 0;
  };

  /** Save refused: field errors next to their fields, the rest in the form-level message. */
  const showFailure = (outcome: SaveFailure): void => {
    const stray = Object.entries(outcome.fieldErrors)
      .filter(([key]) => !shownKeys.has(key))
      .map(([key, message]) => `${key}: ${message}`);
    setServerErrors(outcome.fieldErrors);
    const message = [outcome.message, ...stray].filter(Boolean).join('; ');
    setFormError(message || null);
  };

  const strayClient = submitted
    ? Object.entries(clientErrors)
        .filter(([key]) => !shownKeys.has(key))
        .map(([key, message]) => (key === 'form' ? message : `${key}: ${message}`))
    : [];
  const formMessage = [formError, ...strayClient].filter(Boolean).join('; ');

  const describe = (key: string, help: boolean): { describedBy?: string; invalid?: true } => {
    const error = errorFor(key);
    const ids = [help ? `${uid}-${key}-help` : '', error ? `${uid}-${key}-error` : ''].filter(Boolean);
    return {
      ...(ids.length > 0 ? { describedBy: ids.join(' ') } : {}),
      ...(error ? { invalid: true as const } : {}),
    };
  };

  const fieldError = (key: string): ReactNode => {
    const error = errorFor(key);
    if (!error) return null;
    return (
      <p id={`${uid}-${key}-error`} className="field-error" data-testid={errorTestId} data-field={key}>
        {error}
      </p>
    );
  };

  return {
    errorFor,
    clearServerError,
    clearAll,
    touch,
    beginSubmit,
    showFailure,
    formMessage,
    describe,
    fieldError,
  };
}
