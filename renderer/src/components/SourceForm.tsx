import { useEffect, useId, useMemo, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';

import { sourceConfigSchema } from '../../../shared/config';
import type { SourceView } from '../../../shared/ipc/contract';
import { useStore } from '../store';
import { CopyButton } from './CopyButton';
import {
  CheckField,
  FieldRow,
  NameIdFields,
  OptionsSelect,
  SecretInput,
  SecretStateBadge,
} from './form/Field';
import type { SpecFieldProps as SpecFieldBaseProps } from './form/Field';
import { FormDialog } from './form/FormDialog';
import { deriveIdFromName, idError, isHttpUrl } from './form/ids';
import { useFieldErrors } from './form/useFieldErrors';
import { MappingEditor, mappingRows } from './MappingEditor';
import type { MappingRow } from './MappingEditor';

type Kind = SourceView['kind'];

interface BaseSpec {
  key: string;
  label: string;
  help?: string;
}
interface TextSpec extends BaseSpec {
  type: 'text' | 'url';
  required?: boolean;
  placeholder?: string;
}
interface SecretSpec extends BaseSpec {
  type: 'secret';
  /** A new source cannot connect without it (the schema allows it to come later, e.g. from `${ENV}`). */
  requiredOnCreate?: boolean;
}
interface NumberSpec extends BaseSpec {
  type: 'number';
  min: number;
  max: number;
  integer: boolean;
  /** Prefilled for a new source; an optional number without one starts empty. */
  defaultValue?: number;
  placeholder?: string;
}
interface CheckboxSpec extends BaseSpec {
  type: 'checkbox';
  defaultValue: boolean;
}
interface SelectSpec extends BaseSpec {
  type: 'select';
  options: { value: string; label: string }[];
  defaultValue: string;
}
type FieldSpec = TextSpec | SecretSpec | NumberSpec | CheckboxSpec | SelectSpec;

export const KIND_LABEL: Record<Kind, string> = {
  sentinelone: 'SentinelOne',
  maxpatrol: 'MaxPatrol',
  deepinstinct: 'Deep Instinct',
  webhook: 'Webhook',
  demo: 'Demo feed',
};

const KIND_CHOICES: { kind: Kind; label: string }[] = [
  { kind: 'sentinelone', label: 'SentinelOne (threats and alerts, API v2.1)' },
  { kind: 'maxpatrol', label: 'MaxPatrol SIEM (incidents)' },
  { kind: 'deepinstinct', label: 'Deep Instinct (events)' },
  { kind: 'webhook', label: 'Webhook (any product that POSTs JSON)' },
  { kind: 'demo', label: 'Demo feed (generated incidents)' },
];

/** Kinds the core polls on a schedule; the others receive (webhook) or generate (demo). */
export const POLLED_KINDS: ReadonlySet<Kind> = new Set<Kind>(['sentinelone', 'maxpatrol', 'deepinstinct']);

const verifyTls = (help: string): CheckboxSpec => ({
  key: 'verifyTls',
  type: 'checkbox',
  label: 'Verify TLS certificate',
  help,
  defaultValue: true,
});

/** Each kind's own fields, mirroring shared/config.ts (ranges and defaults included). */
const KIND_FIELDS: Record<Kind, FieldSpec[]> = {
  sentinelone: [
    {
      key: 'baseUrl',
      type: 'url',
      label: 'Console URL',
      required: true,
      placeholder: 'https://usea1-partners.sentinelone.net',
      help: 'Management console URL, e.g. https://usea1-partners.sentinelone.net (without /web/api).',
    },
    {
      key: 'apiToken',
      type: 'secret',
      label: 'API token',
      requiredOnCreate: true,
      help: 'API token from My User → API token in the SentinelOne console; a Service User token is better for integrations.',
    },
    {
      key: 'pollAlerts',
      type: 'checkbox',
      label: 'Also poll cloud-detection alerts',
      help: 'STAR and custom-rule alerts besides threats.',
      defaultValue: true,
    },
    verifyTls('Turn off only for a console with a self-signed certificate.'),
  ],
  maxpatrol: [
    {
      key: 'baseUrl',
      type: 'url',
      label: 'Core URL',
      required: true,
      placeholder: 'https://siem.example.local',
      help: 'Core host URL, e.g. https://siem.example.local',
    },
    {
      key: 'username',
      type: 'text',
      label: 'User name',
      required: true,
      help: 'MaxPatrol user the API calls run as.',
    },
    { key: 'password', type: 'secret', label: 'Password', requiredOnCreate: true },
    {
      key: 'clientId',
      type: 'select',
      label: 'Client ID',
      options: [
        { value: 'mpx', label: 'mpx' },
        { value: 'ptkb', label: 'ptkb' },
      ],
      defaultValue: 'mpx',
      help: 'OAuth client of the token service: mpx on most installations, ptkb on some.',
    },
    {
      key: 'clientSecret',
      type: 'secret',
      label: 'Client secret',
      requiredOnCreate: true,
      help: 'From the Core role deployment (deployed-roles/mp10-application/core-*/install.sh).',
    },
    {
      key: 'tokenPort',
      type: 'number',
      label: 'Token port',
      min: 1,
      max: 65_535,
      integer: true,
      defaultValue: 3334,
      help: 'Port of the token service (/connect/token) on the Core host; 3334 by default.',
    },
    {
      key: 'apiPort',
      type: 'number',
      label: 'API port',
      min: 1,
      max: 65_535,
      integer: true,
      placeholder: 'from the Core URL',
      help: 'Port of /api on the Core host; leave empty to use the port of the Core URL (443 for https).',
    },
    {
      key: 'maxEvents',
      type: 'number',
      label: 'Events per incident',
      min: 0,
      max: 500,
      integer: true,
      defaultValue: 10,
      help: 'Most incident events attached to an incident and shown in a message (0–500).',
    },
    verifyTls('Core often has a self-signed certificate; turn verification off only for that.'),
  ],
  deepinstinct: [
    {
      key: 'baseUrl',
      type: 'url',
      label: 'Console URL',
      required: true,
      placeholder: 'https://tenant.customers.deepinstinctweb.com',
      help: 'Console URL, e.g. https://tenant.customers.deepinstinctweb.com',
    },
    {
      key: 'apiKey',
      type: 'secret',
      label: 'API key',
      requiredOnCreate: true,
      help: 'API connector key from the Deep Instinct console; it is sent as the Authorization header.',
    },
    {
      key: 'pollSuspicious',
      type: 'checkbox',
      label: 'Also poll suspicious events',
      help: 'Behavioural “suspicious” verdicts besides events.',
      defaultValue: true,
    },
    verifyTls('Turn off only for a console with a self-signed certificate.'),
  ],
  webhook: [
    {
      key: 'token',
      type: 'secret',
      label: 'Token',
      help: 'Senders present it as Authorization: Bearer <token> or an X-Vigil-Token header.',
    },
  ],
  demo: [
    {
      key: 'ratePerMinute',
      type: 'number',
      label: 'Incidents per minute',
      min: 0.1,
      max: 6000,
      integer: false,
      defaultValue: 6,
      help: 'How fast the generator raises incidents (0.1–6000).',
    },
    {
      key: 'seed',
      type: 'number',
      label: 'Seed',
      min: Number.MIN_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      placeholder: 'random',
      help: 'Optional. A fixed seed gives the same feed every time (demos, screenshots).',
    },
  ],
};

const POLL_MIN = 5;
const POLL_MAX = 86_400;

interface Draft {
  kind: Kind;
  name: string;
  id: string;
  /** Once the analyst typed an id, the name no longer rewrites it. */
  idEdited: boolean;
  enabled: boolean;
  pollIntervalSec: string;
  values: Record<string, string | boolean>;
  mapping: MappingRow[];
}

function defaultValues(kind: Kind, settings?: Record<string, unknown>): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const spec of KIND_FIELDS[kind]) {
    const stored = settings?.[spec.key];
    switch (spec.type) {
      case 'checkbox':
        values[spec.key] = typeof stored === 'boolean' ? stored : spec.defaultValue;
        break;
      case 'number':
        values[spec.key] =
          typeof stored === 'number' ? String(stored) : settings ? '' : String(spec.defaultValue ?? '');
        break;
      case 'select':
        values[spec.key] = typeof stored === 'string' ? stored : spec.defaultValue;
        break;
      case 'secret':
        // The renderer never receives a secret; empty means "keep the stored one".
        values[spec.key] = '';
        break;
      default:
        values[spec.key] = typeof stored === 'string' ? stored : '';
    }
  }
  return values;
}

/** A source id from its name: lower-case letters, digits and dashes, unique among `taken`. */
export function deriveId(name: string, kind: Kind, taken: ReadonlySet<string>): string {
  return deriveIdFromName(name, kind, taken);
}

function initialDraft(source: SourceView | null): Draft {
  if (source) {
    return {
      kind: source.kind,
      name: source.name,
      id: source.id,
      idEdited: true,
      enabled: source.enabled,
      pollIntervalSec: String(source.pollIntervalSec),
      values: defaultValues(source.kind, source.settings),
      mapping: mappingRows(source.settings.mapping),
    };
  }
  return {
    kind: 'sentinelone',
    name: '',
    id: '',
    idEdited: false,
    enabled: true,
    pollIntervalSec: '60',
    values: defaultValues('sentinelone'),
    mapping: [],
  };
}

function parseNumber(raw: string): number | undefined {
  const text = raw.trim();
  return text === '' ? undefined : Number(text);
}

/**
 * The document for `sources.upsert`. Settings this form does not know are
 * carried over so that saving never drops a field added by a newer core.
 */
function buildSource(draft: Draft, original: SourceView | null): Record<string, unknown> {
  const out: Record<string, unknown> =
    original && original.kind === draft.kind ? { ...original.settings } : {};
  out.id = draft.id.trim();
  out.kind = draft.kind;
  out.name = draft.name.trim();
  out.enabled = draft.enabled;
  const interval = parseNumber(draft.pollIntervalSec);
  if (POLLED_KINDS.has(draft.kind) && interval !== undefined) out.pollIntervalSec = interval;
  else if (original) out.pollIntervalSec = original.pollIntervalSec;
  for (const spec of KIND_FIELDS[draft.kind]) {
    const value = draft.values[spec.key];
    if (spec.type === 'checkbox') {
      out[spec.key] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') {
      // Empty: a secret keeps its stored value, an optional setting falls back to its default.
      delete out[spec.key];
    } else if (spec.type === 'number') {
      out[spec.key] = Number(text);
    } else {
      out[spec.key] = text;
    }
  }
  if (draft.kind === 'webhook') {
    out.mapping = Object.fromEntries(
      draft.mapping
        .filter((row) => row.field.trim() || row.path.trim())
        .map((row) => [row.field.trim(), row.path.trim()]),
    );
  }
  return out;
}

function rangeText(spec: NumberSpec): string {
  return spec.min <= Number.MIN_SAFE_INTEGER
    ? 'a whole number'
    : `from ${String(spec.min)} to ${String(spec.max)}`;
}

/**
 * Instant checks before anything is sent: required fields, URLs and number
 * ranges here, then the config schema itself so the form and the core agree.
 */
function validate(
  draft: Draft,
  original: SourceView | null,
  taken: ReadonlySet<string>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const isNew = original === null;
  if (!draft.name.trim()) errors.name = 'required';
  if (isNew) {
    const idProblem = idError(draft.id, taken, 'source');
    if (idProblem) errors.id = idProblem;
  }
  if (POLLED_KINDS.has(draft.kind)) {
    const interval = parseNumber(draft.pollIntervalSec);
    if (
      interval !== undefined &&
      (!Number.isInteger(interval) || interval < POLL_MIN || interval > POLL_MAX)
    ) {
      errors.pollIntervalSec = `a whole number of seconds from ${String(POLL_MIN)} to ${String(POLL_MAX)}`;
    }
  }
  for (const spec of KIND_FIELDS[draft.kind]) {
    const value = draft.values[spec.key];
    const text = typeof value === 'string' ? value.trim() : '';
    switch (spec.type) {
      case 'text':
      case 'url':
        if (spec.required && !text) errors[spec.key] = 'required';
        else if (spec.type === 'url' && text && !isHttpUrl(text)) errors[spec.key] = 'must be an http(s) URL';
        break;
      case 'secret':
        if (spec.requiredOnCreate && isNew && !text) errors[spec.key] = 'required';
        break;
      case 'number': {
        if (!text) break;
        const n = Number(text);
        if (!Number.isFinite(n)) errors[spec.key] = 'must be a number';
        else if (spec.integer && !Number.isInteger(n)) errors[spec.key] = 'must be a whole number';
        else if (n < spec.min || n > spec.max) errors[spec.key] = rangeText(spec);
        break;
      }
      default:
        break;
    }
  }
  if (draft.kind === 'webhook') {
    const seen = new Set<string>();
    for (const row of draft.mapping) {
      const field = row.field.trim();
      const path = row.path.trim();
      if (!field && !path) continue;
      if (!field || !path) {
        errors.mapping = 'each row needs an incident field and a JSON path';
        break;
      }
      if (seen.has(field)) {
        errors.mapping = `“${field}” is mapped twice`;
        break;
      }
      seen.add(field);
    }
  }
  const parsed = sourceConfigSchema.safeParse(buildSource(draft, original));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
      errors[key] ??= issue.message;
    }
  }
  return errors;
}

interface SourceFormProps {
  /** The source being edited, or null for a new one. */
  original: SourceView | null;
  /** Ids already in use, so a new source does not silently replace one. */
  existingIds: readonly string[];
  onSaved: (source: SourceView) => void;
  onCancel: () => void;
}

/**
 * Add or edit one source in a modal dialog: the kind's own fields with help,
 * checks as the analyst types, and the core's verdict on Save shown next to
 * the field it names.
 */
export function SourceForm({ original, existingIds, onSaved, onCancel }: SourceFormProps) {
  const uid = useId();
  const [draft, setDraft] = useState<Draft>(() => initialDraft(original));
  const [saving, setSaving] = useState(false);
  const saveSource = useStore((s) => s.saveSource);
  const webhookBase = useStore((s) => s.systemStatus?.webhook.url ?? null);
  // Which secrets are set comes from the live list, so a save elsewhere shows here too.
  const secrets = useStore(
    (s) => s.sources.find((source) => source.id === original?.id)?.secrets ?? original?.secrets,
  );

  const isNew = original === null;
  const taken = useMemo(() => new Set(existingIds), [existingIds]);
  const clientErrors = useMemo(() => validate(draft, original, taken), [draft, original, taken]);
  const fields = KIND_FIELDS[draft.kind];
  const polled = POLLED_KINDS.has(draft.kind);

  // Keys in the order they appear, so focus lands on the first problem.
  const order = [
    'kind',
    'name',
    'id',
    ...fields.map((f) => f.key),
    ...(draft.kind === 'webhook' ? ['mapping'] : []),
    ...(polled ? ['pollIntervalSec'] : []),
    'enabled',
  ];
  const shownKeys = new Set(order);
  const {
    errorFor,
    clearServerError,
    clearAll,
    touch,
    beginSubmit,
    showFailure,
    formMessage,
    describe,
    fieldError,
  } = useFieldErrors({ uid, clientErrors, shownKeys, errorTestId: 'source-field-error' });

  useEffect(() => {
    // The webhook URL needs the listener's address; the console loads it once, a retry here is cheap.
    if (draft.kind === 'webhook' && !webhookBase) void useStore.getState().loadSystemStatus();
  }, [draft.kind, webhookBase]);

  const setValue = (key: string, value: string | boolean): void => {
    clearServerError(key);
    setDraft((d) => ({ ...d, values: { ...d.values, [key]: value } }));
  };

  const setName = (name: string): void => {
    clearServerError('name');
    setDraft((d) => ({ ...d, name, id: d.idEdited ? d.id : deriveId(name, d.kind, taken) }));
    if (!draft.idEdited) clearServerError('id');
  };

  const setKind = (kind: Kind): void => {
    clearAll();
    setDraft((d) => ({
      ...d,
      kind,
      id: d.idEdited ? d.id : deriveId(d.name, kind, taken),
      values: defaultValues(kind),
      mapping: [],
    }));
  };

  const focusFirstError = (errors: Record<string, string>): void => {
    const key = order.find((k) => errors[k]);
    if (key) document.getElementById(`${uid}-${key}`)?.focus();
  };

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (saving) return;
    if (!beginSubmit()) {
      focusFirstError(clientErrors);
      return;
    }
    setSaving(true);
    void saveSource(buildSource(draft, original), original === null).then((outcome) => {
      if (outcome.ok) {
        onSaved(outcome.source);
        return;
      }
      setSaving(false);
      showFailure(outcome);
      focusFirstError(outcome.fieldErrors);
    });
  };

  const idValue = draft.id.trim();
  const hookUrl = webhookBase && idValue ? `${webhookBase}/hooks/${encodeURIComponent(idValue)}` : null;
  const title = isNew ? 'Add source' : `Edit ${original.name}`;

  return (
    <FormDialog
      uid={uid}
      testIdPrefix="source"
      dialogClassName="modal source-dialog"
      formClassName="source-form"
      title={title}
      savedId={isNew ? null : original.id}
      initialFocusId={`${uid}-${isNew ? 'kind' : 'name'}`}
      addLabel="Add source"
      saving={saving}
      formMessage={formMessage}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <div className="field">
        <label className="field-label" htmlFor={`${uid}-kind`}>
          Kind
        </label>
        {isNew ? (
          <select
            id={`${uid}-kind`}
            className="input"
            value={draft.kind}
            onChange={(e) => {
              setKind(e.target.value as Kind);
            }}
            disabled={saving}
            data-testid="source-kind"
          >
            {KIND_CHOICES.map((choice) => (
              <option key={choice.kind} value={choice.kind}>
                {choice.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={`${uid}-kind`}
            className="input"
            value={KIND_LABEL[draft.kind]}
            readOnly
            aria-describedby={`${uid}-kind-help`}
            data-testid="source-kind"
          />
        )}
        {!isNew && (
          <p id={`${uid}-kind-help`} className="field-help">
            The kind of a saved source cannot change; add a new source instead.
          </p>
        )}
      </div>

      <NameIdFields
        uid={uid}
        testIdPrefix="source"
        name={draft.name}
        id={draft.id}
        isNew={isNew}
        saving={saving}
        nameHelp="Shown on incidents and in notifications."
        idHelp={
          isNew
            ? 'Made from the name; letters, digits, “-” and “_”. It names the source in URLs and logs and cannot change later.'
            : 'The id of a saved source cannot change.'
        }
        describe={describe}
        fieldError={fieldError}
        onName={setName}
        onId={(id) => {
          clearServerError('id');
          setDraft((d) => ({ ...d, id, idEdited: id !== '' }));
        }}
        onBlur={touch}
      />

      {fields.map((spec) => (
        <SpecField
          key={`${draft.kind}-${spec.key}`}
          spec={spec}
          inputId={`${uid}-${spec.key}`}
          value={draft.values[spec.key]}
          // A new source has nothing stored, so "not set" would only be noise there.
          secretState={isNew ? null : secrets?.[spec.key] === true ? 'set' : 'unset'}
          required={
            (spec.type === 'text' || spec.type === 'url') && spec.required === true
              ? true
              : spec.type === 'secret' && spec.requiredOnCreate === true && isNew
          }
          describedBy={describe(spec.key, spec.help !== undefined).describedBy}
          invalid={describe(spec.key, spec.help !== undefined).invalid}
          disabled={saving}
          onChange={(value) => {
            setValue(spec.key, value);
          }}
          onBlur={() => {
            touch(spec.key);
          }}
        >
          {fieldError(spec.key)}
        </SpecField>
      ))}

      {draft.kind === 'webhook' && (
        <>
          <MappingEditor
            rows={draft.mapping}
            onChange={(mapping) => {
              clearServerError('mapping');
              touch('mapping');
              setDraft((d) => ({ ...d, mapping }));
            }}
            firstControlId={`${uid}-mapping`}
            errorId={errorFor('mapping') ? `${uid}-mapping-error` : undefined}
            invalid={errorFor('mapping') !== undefined}
            disabled={saving}
          />
          {fieldError('mapping')}
          <div className="field">
            <span className="field-label" id={`${uid}-hook-label`}>
              Webhook URL
            </span>
            {hookUrl ? (
              <div className="webhook-url">
                <code
                  className="mono break"
                  aria-labelledby={`${uid}-hook-label`}
                  data-testid="source-webhook-url"
                >
                  {hookUrl}
                </code>
                <CopyButton text={hookUrl} label="Copy URL" />
              </div>
            ) : (
              <p className="field-help" data-testid="source-webhook-url">
                {webhookBase
                  ? 'Appears once the source has an id.'
                  : 'The webhook listener is not running; the URL appears once it listens.'}
              </p>
            )}
            <p className="field-help">Products POST their JSON here with the token above.</p>
          </div>
        </>
      )}

      <div className="form-grid">
        {polled && (
          <div className="field">
            <label className="field-label" htmlFor={`${uid}-pollIntervalSec`}>
              Poll every (seconds)
            </label>
            <input
              id={`${uid}-pollIntervalSec`}
              className="input mono"
              type="number"
              inputMode="numeric"
              min={POLL_MIN}
              max={POLL_MAX}
              step={1}
              value={draft.pollIntervalSec}
              placeholder="60"
              aria-invalid={describe('pollIntervalSec', true).invalid}
              aria-describedby={describe('pollIntervalSec', true).describedBy}
              disabled={saving}
              onChange={(e) => {
                const value = e.target.value;
                clearServerError('pollIntervalSec');
                setDraft((d) => ({ ...d, pollIntervalSec: value }));
              }}
              onBlur={() => {
                touch('pollIntervalSec');
              }}
              data-testid="source-field-pollIntervalSec"
            />
            <p id={`${uid}-pollIntervalSec-help`} className="field-help">
              {`${String(POLL_MIN)}–${String(POLL_MAX)}; failures back off on their own.`}
            </p>
            {fieldError('pollIntervalSec')}
          </div>
        )}
        <CheckField
          id={`${uid}-enabled`}
          label="Enabled"
          checked={draft.enabled}
          disabled={saving}
          describedBy={`${uid}-enabled-help`}
          onChange={(enabled) => {
            setDraft((d) => ({ ...d, enabled }));
          }}
          testId="source-field-enabled"
          help={
            polled
              ? 'Polling starts as soon as the source is saved.'
              : draft.kind === 'webhook'
                ? 'Posts are accepted while enabled.'
                : 'The feed runs while enabled.'
          }
        >
          {fieldError('enabled')}
        </CheckField>
      </div>
    </FormDialog>
  );
}

type SpecFieldProps = SpecFieldBaseProps<FieldSpec>;

function SpecField({
  spec,
  inputId,
  value,
  secretState,
  required,
  describedBy,
  invalid,
  disabled,
  onChange,
  onBlur,
  children,
}: SpecFieldProps) {
  const testId = `source-field-${spec.key}`;
  const text = typeof value === 'string' ? value : '';

  if (spec.type === 'checkbox') {
    return (
      <CheckField
        id={inputId}
        label={spec.label}
        checked={value === true}
        disabled={disabled}
        describedBy={describedBy}
        onChange={onChange}
        testId={testId}
        help={spec.help}
      >
        {children}
      </CheckField>
    );
  }

  const common = {
    id: inputId,
    className: spec.type === 'text' ? 'input' : 'input mono',
    disabled,
    'aria-describedby': describedBy,
    'aria-invalid': invalid,
    'aria-required': required ? ('true' as const) : undefined,
    onBlur,
    'data-testid': testId,
  };

  let control: ReactNode;
  switch (spec.type) {
    case 'select':
      control = <OptionsSelect {...common} options={spec.options} value={text} onValue={onChange} />;
      break;
    case 'secret':
      control = <SecretInput {...common} state={secretState} value={text} onValue={onChange} />;
      break;
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          inputMode={spec.integer ? 'numeric' : 'decimal'}
          min={spec.min > Number.MIN_SAFE_INTEGER ? spec.min : undefined}
          max={spec.max < Number.MAX_SAFE_INTEGER ? spec.max : undefined}
          step={spec.integer ? 1 : 'any'}
          value={text}
          placeholder={
            spec.placeholder ?? (spec.defaultValue !== undefined ? String(spec.defaultValue) : undefined)
          }
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          type={spec.type === 'url' ? 'url' : 'text'}
          inputMode={spec.type === 'url' ? 'url' : undefined}
          value={text}
          placeholder={spec.placeholder}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
      );
  }

  return (
    <FieldRow
      inputId={inputId}
      label={spec.label}
      required={required}
      badge={
        spec.type === 'secret' && (
          <SecretStateBadge state={secretState} field={spec.key} testId="source-secret-state" />
        )
      }
      help={spec.help}
      error={children}
    >
      {control}
    </FieldRow>
  );
}
