import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';

import { sourceConfigSchema } from '../../../shared/config';
import type { SourceView } from '../../../shared/ipc/contract';
import { useStore } from '../store';
import { CopyButton } from './CopyButton';
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

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const ID_MAX = 64;
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
  if (!name.trim()) return '';
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ID_MAX)
    .replace(/-+$/, '');
  // A name in another script (Cyrillic, say) leaves nothing; the kind still makes a readable id.
  const base = slug || kind;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${String(n)}`;
    const candidate = `${base.slice(0, ID_MAX - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
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

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
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
    const id = draft.id.trim();
    if (!id) errors.id = 'required';
    else if (id.length > ID_MAX) errors.id = `at most ${String(ID_MAX)} characters`;
    else if (!ID_PATTERN.test(id)) errors.id = 'use letters, digits, "-" and "_" only';
    else if (taken.has(id)) errors.id = 'another source already uses this id';
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
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<Draft>(() => initialDraft(original));
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
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

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return undefined;
    if (!dialog.open) dialog.showModal();
    document.getElementById(`${uid}-${isNew ? 'kind' : 'name'}`)?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, [uid, isNew]);

  useEffect(() => {
    // The webhook URL needs the listener's address; the console loads it once, a retry here is cheap.
    if (draft.kind === 'webhook' && !webhookBase) void useStore.getState().loadSystemStatus();
  }, [draft.kind, webhookBase]);

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

  const touch = (key: string): void => {
    if (!touched.has(key)) setTouched(new Set(touched).add(key));
  };

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
    setServerErrors({});
    setFormError(null);
    setDraft((d) => ({
      ...d,
      kind,
      id: d.idEdited ? d.id : deriveId(d.name, kind, taken),
      values: defaultValues(kind),
      mapping: [],
    }));
  };

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

  const focusFirstError = (errors: Record<string, string>): void => {
    const key = order.find((k) => errors[k]);
    if (key) document.getElementById(`${uid}-${key}`)?.focus();
  };

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (saving) return;
    setSubmitted(true);
    setFormError(null);
    if (Object.keys(clientErrors).length > 0) {
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
      const stray = Object.entries(outcome.fieldErrors)
        .filter(([key]) => !shownKeys.has(key))
        .map(([key, message]) => `${key}: ${message}`);
      setServerErrors(outcome.fieldErrors);
      const message = [outcome.message, ...stray].filter(Boolean).join('; ');
      setFormError(message || null);
      focusFirstError(outcome.fieldErrors);
    });
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

  const fieldError = (key: string) => {
    const error = errorFor(key);
    if (!error) return null;
    return (
      <p id={`${uid}-${key}-error`} className="field-error" data-testid="source-field-error" data-field={key}>
        {error}
      </p>
    );
  };

  const idValue = draft.id.trim();
  const hookUrl = webhookBase && idValue ? `${webhookBase}/hooks/${encodeURIComponent(idValue)}` : null;
  const title = isNew ? 'Add source' : `Edit ${original.name}`;

  return (
    <dialog
      ref={dialogRef}
      className="source-dialog"
      aria-labelledby={`${uid}-title`}
      onCancel={(event) => {
        // Escape closes through the parent so focus goes back where it came from.
        event.preventDefault();
        if (!saving) onCancel();
      }}
      onClose={() => {
        // Chrome may close a dialog on a repeated Escape despite preventDefault; keep the parent in step.
        if (!dialogRef.current?.open) onCancel();
      }}
    >
      <form className="source-form" onSubmit={submit} noValidate data-testid="source-form">
        <header className="source-form-head">
          <h2 id={`${uid}-title`} className="source-form-title">
            {title}
          </h2>
          {!isNew && <span className="mono muted small">{original.id}</span>}
        </header>

        <div className="source-form-body">
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

          <div className="form-grid">
            <div className="field">
              <label className="field-label" htmlFor={`${uid}-name`}>
                Name <Required />
              </label>
              <input
                id={`${uid}-name`}
                className="input"
                value={draft.name}
                maxLength={120}
                autoComplete="off"
                aria-required="true"
                aria-invalid={describe('name', true).invalid}
                aria-describedby={describe('name', true).describedBy}
                disabled={saving}
                onChange={(e) => {
                  setName(e.target.value);
                }}
                onBlur={() => {
                  touch('name');
                }}
                data-testid="source-name"
              />
              <p id={`${uid}-name-help`} className="field-help">
                Shown on incidents and in notifications.
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
                value={draft.id}
                maxLength={ID_MAX}
                readOnly={!isNew}
                spellCheck={false}
                autoComplete="off"
                aria-required="true"
                aria-invalid={describe('id', true).invalid}
                aria-describedby={describe('id', true).describedBy}
                disabled={saving}
                onChange={(e) => {
                  const id = e.target.value;
                  clearServerError('id');
                  setDraft((d) => ({ ...d, id, idEdited: id !== '' }));
                }}
                onBlur={() => {
                  touch('id');
                }}
                data-testid="source-id"
              />
              <p id={`${uid}-id-help`} className="field-help">
                {isNew
                  ? 'Made from the name; letters, digits, “-” and “_”. It names the source in URLs and logs and cannot change later.'
                  : 'The id of a saved source cannot change.'}
              </p>
              {fieldError('id')}
            </div>
          </div>

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
            <div className="field field-check">
              <label className="check">
                <input
                  id={`${uid}-enabled`}
                  type="checkbox"
                  checked={draft.enabled}
                  disabled={saving}
                  aria-describedby={`${uid}-enabled-help`}
                  onChange={(e) => {
                    const enabled = e.target.checked;
                    setDraft((d) => ({ ...d, enabled }));
                  }}
                  data-testid="source-field-enabled"
                />
                <span>Enabled</span>
              </label>
              <p id={`${uid}-enabled-help`} className="field-help">
                {polled
                  ? 'Polling starts as soon as the source is saved.'
                  : draft.kind === 'webhook'
                    ? 'Posts are accepted while enabled.'
                    : 'The feed runs while enabled.'}
              </p>
              {fieldError('enabled')}
            </div>
          </div>

          {formMessage && (
            <p className="form-error" role="alert" data-testid="source-form-error">
              {formMessage}
            </p>
          )}
        </div>

        <footer className="source-form-actions">
          <button
            type="button"
            className="btn"
            onClick={onCancel}
            disabled={saving}
            data-testid="source-cancel"
          >
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={saving} data-testid="source-save">
            {saving ? 'Saving…' : isNew ? 'Add source' : 'Save'}
          </button>
        </footer>
      </form>
    </dialog>
  );
}

function Required() {
  return (
    <span className="required" aria-hidden="true">
      *
    </span>
  );
}

interface SpecFieldProps {
  spec: FieldSpec;
  inputId: string;
  value: string | boolean | undefined;
  secretState: 'set' | 'unset' | null;
  required: boolean;
  describedBy: string | undefined;
  invalid: true | undefined;
  disabled: boolean;
  onChange: (value: string | boolean) => void;
  onBlur: () => void;
  children: ReactNode;
}

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
  const helpId = `${inputId}-help`;
  const help = spec.help ? (
    <p id={helpId} className="field-help">
      {spec.help}
    </p>
  ) : null;
  const testId = `source-field-${spec.key}`;
  const text = typeof value === 'string' ? value : '';

  if (spec.type === 'checkbox') {
    return (
      <div className="field field-check">
        <label className="check">
          <input
            id={inputId}
            type="checkbox"
            checked={value === true}
            disabled={disabled}
            aria-describedby={describedBy}
            onChange={(e) => {
              onChange(e.target.checked);
            }}
            data-testid={testId}
          />
          <span>{spec.label}</span>
        </label>
        {help}
        {children}
      </div>
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
      control = (
        <select
          {...common}
          value={text}
          onChange={(e) => {
            onChange(e.target.value);
          }}
        >
          {spec.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'secret':
      control = (
        <input
          {...common}
          type="password"
          value={text}
          // "new-password" keeps the browser from filling in a saved login.
          autoComplete="new-password"
          spellCheck={false}
          placeholder={
            secretState === 'set'
              ? 'set — leave empty to keep'
              : secretState === 'unset'
                ? 'not set'
                : undefined
          }
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
      );
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
    <div className="field">
      <label className="field-label" htmlFor={inputId}>
        {spec.label} {required && <Required />}
        {spec.type === 'secret' && secretState && (
          <span
            className={`secret-state${secretState === 'set' ? ' secret-set' : ''}`}
            data-testid="source-secret-state"
            data-field={spec.key}
          >
            {secretState === 'set' ? 'set' : 'not set'}
          </span>
        )}
      </label>
      {control}
      {help}
      {children}
    </div>
  );
}
