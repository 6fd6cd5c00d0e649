import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

import { ID_MAX } from './ids';

/** The asterisk after the label of a required field. */
export function Required() {
  return (
    <span className="required" aria-hidden="true">
      *
    </span>
  );
}

/** Whether a saved secret is stored; null for a new item, where "not set" would only be noise. */
export type SecretState = 'set' | 'unset' | null;

/**
 * "set" / "not set" next to a secret's label; the value itself never reaches
 * the renderer. `setBy` names where a value set outside the app comes from
 * ("set by VIGIL_PIN").
 */
export function SecretStateBadge({
  state,
  field,
  testId,
  setBy,
}: {
  state: SecretState;
  field: string;
  testId: string;
  setBy?: string;
}) {
  if (!state) return null;
  return (
    <span
      className={`secret-state${state === 'set' ? ' secret-set' : ''}`}
      data-testid={testId}
      data-field={field}
    >
      {state === 'set' ? (setBy ? `set by ${setBy}` : 'set') : 'not set'}
    </span>
  );
}

/** The placeholder of a secret input: says whether leaving it empty keeps a stored value. */
export function secretPlaceholder(state: SecretState, fallback?: string): string | undefined {
  return state === 'set' ? 'set — leave empty to keep' : state === 'unset' ? 'not set' : fallback;
}

interface CheckFieldProps {
  id: string;
  label: string;
  checked: boolean;
  disabled: boolean;
  describedBy: string | undefined;
  onChange: (checked: boolean) => void;
  testId: string;
  /** Help under the box, with id `${id}-help`. */
  help?: ReactNode;
  /** Whatever follows the help: a warning, the field's error. */
  children?: ReactNode;
}

/** A checkbox row: the box and its label, help, then the field's error. */
export function CheckField({
  id,
  label,
  checked,
  disabled,
  describedBy,
  onChange,
  testId,
  help,
  children,
}: CheckFieldProps) {
  return (
    <div className="field field-check">
      <label className="check">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          aria-describedby={describedBy}
          onChange={(e) => {
            onChange(e.target.checked);
          }}
          data-testid={testId}
        />
        <span>{label}</span>
      </label>
      {help !== undefined && help !== null && help !== '' && (
        <p id={`${id}-help`} className="field-help">
          {help}
        </p>
      )}
      {children}
    </div>
  );
}

interface NameIdFieldsProps {
  uid: string;
  /** "source" or "channel": the test ids are `${prefix}-name` and `${prefix}-id`. */
  testIdPrefix: string;
  name: string;
  id: string;
  isNew: boolean;
  saving: boolean;
  nameHelp: string;
  idHelp: string;
  describe: (key: string, help: boolean) => { describedBy?: string; invalid?: true };
  fieldError: (key: string) => ReactNode;
  onName: (name: string) => void;
  onId: (id: string) => void;
  onBlur: (key: 'name' | 'id') => void;
}

/** Name and ID side by side; the id follows the name until typed, and is fixed once saved. */
export function NameIdFields({
  uid,
  testIdPrefix,
  name,
  id,
  isNew,
  saving,
  nameHelp,
  idHelp,
  describe,
  fieldError,
  onName,
  onId,
  onBlur,
}: NameIdFieldsProps) {
  return (
    <div className="form-grid">
      <div className="field">
        <label className="field-label" htmlFor={`${uid}-name`}>
          Name <Required />
        </label>
        <input
          id={`${uid}-name`}
          className="input"
          value={name}
          maxLength={120}
          autoComplete="off"
          aria-required="true"
          aria-invalid={describe('name', true).invalid}
          aria-describedby={describe('name', true).describedBy}
          disabled={saving}
          onChange={(e) => {
            onName(e.target.value);
          }}
          onBlur={() => {
            onBlur('name');
          }}
          data-testid={`${testIdPrefix}-name`}
        />
        <p id={`${uid}-name-help`} className="field-help">
          {nameHelp}
        </p>
        {fieldError('name')}
      </div>

      <div className="field">
        <label className="field-label" htmlFor={`${uid}-id`}>
          ID <Required />
        </label>
        <input
          id={`${uid}-id`}
          className="input mono"
          value={id}
          maxLength={ID_MAX}
          readOnly={!isNew}
          spellCheck={false}
          autoComplete="off"
          aria-required="true"
          aria-invalid={describe('id', true).invalid}
          aria-describedby={describe('id', true).describedBy}
          disabled={saving}
          onChange={(e) => {
            onId(e.target.value);
          }}
          onBlur={() => {
            onBlur('id');
          }}
          data-testid={`${testIdPrefix}-id`}
        />
        <p id={`${uid}-id-help`} className="field-help">
          {idHelp}
        </p>
        {fieldError('id')}
      </div>
    </div>
  );
}

/** What a form's field-spec renderer gets: the spec plus its state in the form. */
export interface SpecFieldProps<Spec> {
  spec: Spec;
  inputId: string;
  value: string | boolean | undefined;
  secretState: SecretState;
  required: boolean;
  describedBy: string | undefined;
  invalid: true | undefined;
  disabled: boolean;
  onChange: (value: string | boolean) => void;
  onBlur: () => void;
  /** The field's error line. */
  children: ReactNode;
}

interface FieldRowProps {
  inputId: string;
  label: string;
  required: boolean;
  /** After the label, e.g. a secret's "set" / "not set". */
  badge?: ReactNode;
  /** Help under the control, with id `${inputId}-help`. */
  help?: string;
  /** The field's error line, last. */
  error: ReactNode;
  /** The control. */
  children: ReactNode;
}

/** A labelled field: label (with * when required), the control, help, then the error. */
export function FieldRow({ inputId, label, required, badge, help, error, children }: FieldRowProps) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={inputId}>
        {label} {required && <Required />}
        {badge}
      </label>
      {children}
      {help ? (
        <p id={`${inputId}-help`} className="field-help">
          {help}
        </p>
      ) : null}
      {error}
    </div>
  );
}

type SecretInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  state: SecretState;
  value: string;
  onValue: (value: string) => void;
  'data-testid'?: string;
};

/** A secret's input: never autofilled, and its placeholder says whether a value is stored. */
export function SecretInput({ state, value, onValue, placeholder, ...rest }: SecretInputProps) {
  return (
    <input
      {...rest}
      type="password"
      value={value}
      // "new-password" keeps the browser from filling in a saved login.
      autoComplete="new-password"
      spellCheck={false}
      placeholder={secretPlaceholder(state, placeholder)}
      onChange={(e) => {
        onValue(e.target.value);
      }}
    />
  );
}

type OptionsSelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> & {
  options: readonly { value: string; label: string }[];
  value: string;
  onValue: (value: string) => void;
  'data-testid'?: string;
};

/** A select over fixed options. */
export function OptionsSelect({ options, value, onValue, ...rest }: OptionsSelectProps) {
  return (
    <select
      {...rest}
      value={value}
      onChange={(e) => {
        onValue(e.target.value);
      }}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}
