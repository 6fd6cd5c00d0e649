import { useId, useMemo, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';

import { channelConfigSchema } from '../../../shared/config';
import type { Severity } from '../../../shared/domain';
import { SEVERITIES } from '../../../shared/domain';
import type { ChannelView } from '../../../shared/ipc/contract';
import { SEVERITY_LABEL } from '../lib/format';
import { useStore } from '../store';
import { fieldKeyOf } from '../store/channels-slice';
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

type Kind = ChannelView['kind'];
type Values = Record<string, string | boolean>;

interface BaseSpec {
  /** Dot path in the channel document ("smtp.port"). */
  key: string;
  label: string;
  help?: string;
  /** Shown under "Advanced", closed unless it holds a problem. */
  advanced?: boolean;
  /** Shown only while this holds (e.g. one WhatsApp provider's fields). */
  when?: (values: Values) => boolean;
}
interface TextSpec extends BaseSpec {
  type: 'text' | 'url';
  required?: boolean;
  placeholder?: string;
  /** Prefilled for a new channel. */
  defaultValue?: string;
}
interface SecretSpec extends BaseSpec {
  type: 'secret';
  /** A new channel cannot deliver without it (the schema allows it to come later, e.g. from `${ENV}`). */
  requiredOnCreate?: boolean;
  /** The secret is itself an address (webhook URLs): a literal must be an http(s) URL. */
  url?: boolean;
  placeholder?: string;
}
interface NumberSpec extends BaseSpec {
  type: 'number';
  min: number;
  max: number;
  defaultValue?: number;
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
interface ListSpec extends BaseSpec {
  type: 'list';
  required?: boolean;
  placeholder?: string;
  /** Each item must look like an e-mail address. */
  email?: boolean;
}
type FieldSpec = TextSpec | SecretSpec | NumberSpec | CheckboxSpec | SelectSpec | ListSpec;

export const CHANNEL_KIND_LABEL: Record<Kind, string> = {
  telegram: 'Telegram',
  teams: 'Microsoft Teams',
  mattermost: 'Mattermost',
  email: 'E-mail',
  whatsapp: 'WhatsApp',
  desktop: 'Desktop',
};

const KIND_CHOICES: { kind: Kind; label: string }[] = [
  { kind: 'telegram', label: 'Telegram (a bot posts to approved chats)' },
  { kind: 'teams', label: 'Microsoft Teams (Workflows or connector webhook)' },
  { kind: 'mattermost', label: 'Mattermost (incoming webhook)' },
  { kind: 'email', label: 'E-mail (SMTP)' },
  { kind: 'whatsapp', label: 'WhatsApp (QR-linked gateway or Cloud API)' },
  { kind: 'desktop', label: 'Desktop notification' },
];

const KIND_INTRO: Record<Kind, string> = {
  telegram:
    'A Telegram bot sends each incident to the chat below and to every chat you approve in its Chats panel; chats ask by writing /start to the bot.',
  teams: 'Posts a card to a Teams channel through an incoming webhook.',
  mattermost: 'Posts to a Mattermost channel through an incoming webhook.',
  email: 'Sends one e-mail per incident through your SMTP server.',
  whatsapp:
    'Sends through a QR-linked WhatsApp gateway (link the phone in the WhatsApp view) or through Meta’s WhatsApp Cloud API.',
  desktop:
    'Shows a native notification on this computer. While a desktop channel is enabled, the app’s built-in alerts for new high and critical incidents stop: desktop notifications then follow routing, quiet hours and silences like every other channel.',
};

const isGateway = (values: Values): boolean => values.provider !== 'cloud';
const isCloud = (values: Values): boolean => values.provider === 'cloud';

/** Each kind's own fields, mirroring shared/config.ts (ranges and defaults included). */
const KIND_FIELDS: Record<Kind, FieldSpec[]> = {
  telegram: [
    {
      key: 'botToken',
      type: 'secret',
      label: 'Bot token',
      requiredOnCreate: true,
      help: 'From @BotFather (/newbot), e.g. 123456789:AA…',
    },
    {
      key: 'chatId',
      type: 'text',
      label: 'Chat ID',
      placeholder: '-1001234567890',
      help: 'A chat that always gets incidents (groups start with -100). Optional: approved chats get them too.',
    },
    {
      key: 'adminChatId',
      type: 'text',
      label: 'Admin chat ID',
      help: 'The chat asked to approve new chats, and allowed to run admin commands.',
    },
    {
      key: 'eventsInMessage',
      type: 'number',
      label: 'Events in a message',
      min: 0,
      max: 20,
      defaultValue: 5,
      help: 'Most recent raw events listed under an incident (0–20).',
    },
    {
      key: 'apiRoot',
      type: 'url',
      label: 'Bot API root',
      required: true,
      defaultValue: 'https://api.telegram.org',
      advanced: true,
      help: 'Change only for a local Bot API server or a proxy.',
    },
  ],
  teams: [
    {
      key: 'webhookUrl',
      type: 'secret',
      label: 'Webhook URL',
      requiredOnCreate: true,
      url: true,
      help: 'The URL of the Workflows “Post to a channel when a webhook request is received” flow, or of an Office 365 connector.',
    },
    {
      key: 'format',
      type: 'select',
      label: 'Card format',
      options: [
        { value: 'adaptive', label: 'Adaptive card (Workflows)' },
        { value: 'legacy', label: 'MessageCard (Office 365 connector)' },
      ],
      defaultValue: 'adaptive',
      help: 'Workflows webhooks need adaptive cards; the retired connectors take MessageCards.',
    },
  ],
  mattermost: [
    {
      key: 'webhookUrl',
      type: 'secret',
      label: 'Webhook URL',
      requiredOnCreate: true,
      url: true,
      placeholder: 'https://chat.example.com/hooks/…',
      help: 'Integrations → Incoming Webhooks in Mattermost, e.g. https://chat.example.com/hooks/xxx',
    },
    {
      key: 'channel',
      type: 'text',
      label: 'Channel',
      placeholder: 'the webhook’s own',
      help: 'Overrides the webhook’s channel (e.g. town-square) if the webhook allows it.',
    },
    { key: 'username', type: 'text', label: 'Post as', defaultValue: 'Vigil' },
    { key: 'iconUrl', type: 'url', label: 'Icon URL', help: 'Optional picture shown beside the posts.' },
  ],
  email: [
    {
      key: 'smtp.host',
      type: 'text',
      label: 'SMTP host',
      required: true,
      defaultValue: 'localhost',
    },
    {
      key: 'smtp.port',
      type: 'number',
      label: 'SMTP port',
      min: 1,
      max: 65_535,
      defaultValue: 587,
      help: '587 for STARTTLS, 465 for implicit TLS, 25 inside a trusted network.',
    },
    {
      key: 'smtp.secure',
      type: 'checkbox',
      label: 'Implicit TLS (port 465)',
      defaultValue: false,
      help: 'Off: STARTTLS is used when the server offers it.',
    },
    {
      key: 'smtp.verifyTls',
      type: 'checkbox',
      label: 'Verify TLS certificate',
      defaultValue: true,
      help: 'Turn off only for a server with a self-signed certificate.',
    },
    { key: 'smtp.user', type: 'text', label: 'SMTP user', help: 'Leave empty for a relay without login.' },
    { key: 'smtp.password', type: 'secret', label: 'SMTP password' },
    { key: 'from', type: 'text', label: 'From', required: true, defaultValue: 'vigil@localhost' },
    {
      key: 'to',
      type: 'list',
      label: 'To',
      required: true,
      email: true,
      placeholder: 'soc@example.com, oncall@example.com',
      help: 'Recipients, separated by commas.',
    },
  ],
  whatsapp: [
    {
      key: 'provider',
      type: 'select',
      label: 'Provider',
      options: [
        { value: 'gateway', label: 'Gateway (a phone linked by QR code)' },
        { value: 'cloud', label: 'WhatsApp Cloud API (Meta)' },
      ],
      defaultValue: 'gateway',
    },
    {
      key: 'bridgeUrl',
      type: 'url',
      label: 'Gateway URL',
      required: true,
      placeholder: 'http://127.0.0.1:3000',
      when: isGateway,
      help: 'The multi-session WhatsApp gateway Vigil talks to.',
    },
    {
      key: 'session',
      type: 'text',
      label: 'Session',
      defaultValue: 'vigil',
      when: isGateway,
      help: 'The gateway session that sends; link it in the WhatsApp view.',
    },
    {
      key: 'target',
      type: 'text',
      label: 'Target',
      required: true,
      when: isGateway,
      placeholder: '79991234567 or 1203…@g.us',
      help: 'A phone number (country code first, digits only) or a group id.',
    },
    { key: 'apiKey', type: 'secret', label: 'Gateway API key', when: isGateway },
    {
      key: 'phoneNumberId',
      type: 'text',
      label: 'Phone number ID',
      required: true,
      when: isCloud,
      help: 'From WhatsApp → API Setup in the Meta app dashboard.',
    },
    {
      key: 'accessToken',
      type: 'secret',
      label: 'Access token',
      requiredOnCreate: true,
      when: isCloud,
      help: 'A permanent system-user token with whatsapp_business_messaging.',
    },
    {
      key: 'target',
      type: 'text',
      label: 'Target phone',
      required: true,
      when: isCloud,
      placeholder: '79991234567',
      help: 'The recipient, country code first, digits only.',
    },
    {
      key: 'cloudApiRoot',
      type: 'url',
      label: 'Graph API root',
      required: true,
      defaultValue: 'https://graph.facebook.com/v21.0',
      when: isCloud,
      advanced: true,
    },
  ],
  desktop: [],
};

const SEVERITY_CHOICES = [...SEVERITIES].reverse();
const COMMON_KEYS = ['kind', 'name', 'id', 'minSeverity', 'mask', 'sources', 'categories', 'enabled'];

interface Draft {
  kind: Kind;
  name: string;
  id: string;
  /** Once the analyst typed an id, the name no longer rewrites it. */
  idEdited: boolean;
  enabled: boolean;
  minSeverity: Severity;
  mask: boolean;
  sources: string;
  categories: string;
  values: Values;
}

function getPath(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      value,
    );
}

function setPath(target: Record<string, unknown>, path: string, next: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (!child || typeof child !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = next;
}

function deletePath(target: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  const parent = keys.length === 1 ? target : getPath(target, keys.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[keys.at(-1)!];
}

/** Items of a comma (or, for addresses, any space or semicolon) separated list. */
export function splitList(text: string, email = false): string[] {
  return text
    .split(email ? /[\s,;]+/ : /,/)
    .map((item) => item.trim())
    .filter(Boolean);
}

function listText(value: unknown): string {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string').join(', ') : '';
}

function defaultValues(kind: Kind, settings?: Record<string, unknown>): Values {
  const values: Values = {};
  for (const spec of KIND_FIELDS[kind]) {
    const stored = settings ? getPath(settings, spec.key) : undefined;
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
      case 'list':
        values[spec.key] = listText(stored);
        break;
      default:
        values[spec.key] = typeof stored === 'string' ? stored : settings ? '' : (spec.defaultValue ?? '');
    }
  }
  return values;
}

/** A channel id from its name: lower-case letters, digits and dashes, unique among `taken`. */
export function deriveChannelId(name: string, kind: Kind, taken: ReadonlySet<string>): string {
  return deriveIdFromName(name, kind, taken);
}

function initialDraft(channel: ChannelView | null): Draft {
  if (channel) {
    return {
      kind: channel.kind,
      name: channel.name,
      id: channel.id,
      idEdited: true,
      enabled: channel.enabled,
      minSeverity: channel.minSeverity,
      mask: channel.mask,
      sources: listText(channel.settings.sources),
      categories: listText(channel.settings.categories),
      values: defaultValues(channel.kind, channel.settings),
    };
  }
  return {
    kind: 'telegram',
    name: '',
    id: '',
    idEdited: false,
    enabled: true,
    minSeverity: 'high',
    mask: true,
    sources: '',
    categories: '',
    values: defaultValues('telegram'),
  };
}

function visibleFields(draft: Draft): FieldSpec[] {
  return KIND_FIELDS[draft.kind].filter((spec) => !spec.when || spec.when(draft.values));
}

/**
 * The document for `channels.upsert`. Settings this form does not know are
 * carried over so that saving never drops a field added by a newer core.
 */
function buildChannel(draft: Draft, original: ChannelView | null): Record<string, unknown> {
  const out: Record<string, unknown> =
    original && original.kind === draft.kind ? structuredClone(original.settings) : {};
  out.id = draft.id.trim();
  out.kind = draft.kind;
  out.name = draft.name.trim();
  out.enabled = draft.enabled;
  out.minSeverity = draft.minSeverity;
  out.mask = draft.mask;
  out.sources = splitList(draft.sources);
  out.categories = splitList(draft.categories);
  // A hidden field (the other WhatsApp provider's) keeps what is stored and is not written from the form.
  for (const spec of visibleFields(draft)) {
    const value = draft.values[spec.key];
    if (spec.type === 'checkbox') {
      setPath(out, spec.key, value === true);
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (spec.type === 'list') {
      setPath(out, spec.key, splitList(text, spec.email === true));
    } else if (text === '') {
      // Empty: a secret keeps its stored value, an optional setting falls back to its default.
      deletePath(out, spec.key);
    } else if (spec.type === 'number') {
      setPath(out, spec.key, Number(text));
    } else {
      setPath(out, spec.key, text);
    }
  }
  return out;
}

/** `${ENV_NAME}` or `secret:<ref>`: resolved by the core, so not checked as a URL here. */
function isSecretReference(text: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(text) || text.startsWith('secret:');
}

/**
 * Instant checks before anything is sent: required fields, URLs, number
 * ranges and addresses here, then the config schema itself so the form and
 * the core agree.
 */
function validate(
  draft: Draft,
  original: ChannelView | null,
  taken: ReadonlySet<string>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const isNew = original === null;
  if (!draft.name.trim()) errors.name = 'required';
  if (isNew) {
    const idProblem = idError(draft.id, taken, 'channel');
    if (idProblem) errors.id = idProblem;
  }
  for (const spec of visibleFields(draft)) {
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
        else if (spec.url && text && !isSecretReference(text) && !isHttpUrl(text))
          errors[spec.key] = 'must be an http(s) URL';
        break;
      case 'number': {
        if (!text) break;
        const n = Number(text);
        if (!Number.isInteger(n)) errors[spec.key] = 'must be a whole number';
        else if (n < spec.min || n > spec.max)
          errors[spec.key] = `from ${String(spec.min)} to ${String(spec.max)}`;
        break;
      }
      case 'list': {
        const items = splitList(text, spec.email === true);
        if (spec.required && items.length === 0) errors[spec.key] = 'add at least one';
        const bad = spec.email ? items.find((item) => !/^[^@\s]+@[^@\s]+$/.test(item)) : undefined;
        if (bad !== undefined) errors[spec.key] = `“${bad}” is not an e-mail address`;
        break;
      }
      default:
        break;
    }
  }
  const parsed = channelConfigSchema.safeParse(buildChannel(draft, original));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors[fieldKeyOf(issue.path) ?? 'form'] ??= issue.message;
    }
  }
  return errors;
}

interface ChannelFormProps {
  /** The channel being edited, or null for a new one. */
  original: ChannelView | null;
  /** Ids already in use, so a new channel does not silently replace one. */
  existingIds: readonly string[];
  onSaved: (channel: ChannelView) => void;
  onCancel: () => void;
}

/**
 * Add or edit one notification channel in a modal dialog: the kind's own
 * fields with help, the filters every channel has, checks as the analyst
 * types, and the core's verdict on Save shown next to the field it names.
 */
export function ChannelForm({ original, existingIds, onSaved, onCancel }: ChannelFormProps) {
  const uid = useId();
  const [draft, setDraft] = useState<Draft>(() => initialDraft(original));
  const [saving, setSaving] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const saveChannel = useStore((s) => s.saveChannel);
  // Which secrets are set comes from the live list, so a save elsewhere shows here too.
  const secrets = useStore(
    (s) => s.channels.find((channel) => channel.id === original?.id)?.secrets ?? original?.secrets,
  );

  const isNew = original === null;
  const taken = useMemo(() => new Set(existingIds), [existingIds]);
  const clientErrors = useMemo(() => validate(draft, original, taken), [draft, original, taken]);
  const fields = visibleFields(draft);
  const basicFields = fields.filter((spec) => !spec.advanced);
  const advancedFields = fields.filter((spec) => spec.advanced === true);

  // Keys in the order they appear, so focus lands on the first problem.
  const order = [
    'kind',
    'name',
    'id',
    ...basicFields.map((f) => f.key),
    ...advancedFields.map((f) => f.key),
    'minSeverity',
    'mask',
    'sources',
    'categories',
    'enabled',
  ];
  const shownKeys = new Set([...order, ...COMMON_KEYS]);
  const advancedKeys = new Set(advancedFields.map((f) => f.key));

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
  } = useFieldErrors({ uid, clientErrors, shownKeys, errorTestId: 'channel-field-error' });

  const setValue = (key: string, value: string | boolean): void => {
    clearServerError(key);
    setDraft((d) => ({ ...d, values: { ...d.values, [key]: value } }));
  };

  const setCommon = <K extends 'minSeverity' | 'mask' | 'sources' | 'categories' | 'enabled'>(
    key: K,
    value: Draft[K],
  ): void => {
    clearServerError(key);
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const setName = (name: string): void => {
    clearServerError('name');
    setDraft((d) => ({ ...d, name, id: d.idEdited ? d.id : deriveChannelId(name, d.kind, taken) }));
    if (!draft.idEdited) clearServerError('id');
  };

  const setKind = (kind: Kind): void => {
    clearAll();
    setDraft((d) => ({
      ...d,
      kind,
      id: d.idEdited ? d.id : deriveChannelId(d.name, kind, taken),
      values: defaultValues(kind),
    }));
  };

  const focusFirstError = (errors: Record<string, string>): void => {
    const key = order.find((k) => errors[k]);
    if (!key) return;
    if (advancedKeys.has(key)) setAdvancedOpen(true);
    // An advanced field becomes focusable once its details element has opened.
    requestAnimationFrame(() => document.getElementById(`${uid}-${key}`)?.focus());
  };

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (saving) return;
    if (!beginSubmit()) {
      focusFirstError(clientErrors);
      return;
    }
    setSaving(true);
    void saveChannel(buildChannel(draft, original), isNew).then((outcome) => {
      if (outcome.ok) {
        onSaved(outcome.channel);
        return;
      }
      setSaving(false);
      showFailure(outcome);
      focusFirstError(outcome.fieldErrors);
    });
  };

  const renderSpec = (spec: FieldSpec) => (
    <SpecField
      key={`${draft.kind}-${spec.key}-${spec.label}`}
      spec={spec}
      inputId={`${uid}-${spec.key}`}
      value={draft.values[spec.key]}
      // A new channel has nothing stored, so "not set" would only be noise there.
      secretState={isNew ? null : secrets?.[spec.key] === true ? 'set' : 'unset'}
      required={
        ((spec.type === 'text' || spec.type === 'url' || spec.type === 'list') && spec.required === true) ||
        (spec.type === 'secret' && spec.requiredOnCreate === true && isNew)
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
  );

  const advancedHasError = advancedFields.some((spec) => errorFor(spec.key) !== undefined);
  const title = isNew ? 'Add channel' : `Edit ${original.name}`;

  return (
    <FormDialog
      uid={uid}
      testIdPrefix="channel"
      dialogClassName="modal source-dialog channel-dialog"
      formClassName="source-form channel-form"
      title={title}
      savedId={isNew ? null : original.id}
      initialFocusId={`${uid}-${isNew ? 'kind' : 'name'}`}
      addLabel="Add channel"
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
            aria-describedby={`${uid}-kind-help`}
            disabled={saving}
            data-testid="channel-kind"
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
            value={CHANNEL_KIND_LABEL[draft.kind]}
            readOnly
            aria-describedby={`${uid}-kind-help`}
            data-testid="channel-kind"
          />
        )}
        <p id={`${uid}-kind-help`} className="field-help">
          {KIND_INTRO[draft.kind]}
          {!isNew && ' The kind of a saved channel cannot change; add a new channel instead.'}
        </p>
      </div>

      <NameIdFields
        uid={uid}
        testIdPrefix="channel"
        name={draft.name}
        id={draft.id}
        isNew={isNew}
        saving={saving}
        nameHelp="Shown in the console and the delivery log."
        idHelp={
          isNew
            ? 'Made from the name; letters, digits, “-” and “_”. Routing rules name the channel by it; it cannot change later.'
            : 'The id of a saved channel cannot change.'
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

      {basicFields.map(renderSpec)}

      {advancedFields.length > 0 && (
        <details
          className="channel-advanced"
          open={advancedOpen || advancedHasError}
          onToggle={(e) => {
            setAdvancedOpen(e.currentTarget.open);
          }}
        >
          <summary className="field-label">Advanced</summary>
          <div className="channel-advanced-body">{advancedFields.map(renderSpec)}</div>
        </details>
      )}

      <fieldset className="channel-fieldset">
        <legend className="field-label">What this channel gets</legend>
        <div className="form-grid">
          <div className="field">
            <label className="field-label" htmlFor={`${uid}-minSeverity`}>
              Minimum severity
            </label>
            <select
              id={`${uid}-minSeverity`}
              className="input"
              value={draft.minSeverity}
              disabled={saving}
              aria-invalid={describe('minSeverity', true).invalid}
              aria-describedby={describe('minSeverity', true).describedBy}
              onChange={(e) => {
                setCommon('minSeverity', e.target.value as Severity);
              }}
              data-testid="channel-field-minSeverity"
            >
              {SEVERITY_CHOICES.map((severity) => (
                <option key={severity} value={severity}>
                  {SEVERITY_LABEL[severity]}
                  {severity === 'critical' ? '' : ' and above'}
                </option>
              ))}
            </select>
            <p id={`${uid}-minSeverity-help`} className="field-help">
              Quieter incidents are not sent here, unless a routing rule says so.
            </p>
            {fieldError('minSeverity')}
          </div>

          <CheckField
            id={`${uid}-mask`}
            label="Mask sensitive values"
            checked={draft.mask}
            disabled={saving}
            describedBy={`${uid}-mask-help${draft.mask ? '' : ` ${uid}-mask-warning`}`}
            onChange={(mask) => {
              setCommon('mask', mask);
            }}
            testId="channel-field-mask"
            help="Host names, users, IPs and similar are replaced by stable pseudonyms before sending."
          >
            <div role="status" aria-live="polite">
              {!draft.mask && (
                <p id={`${uid}-mask-warning`} className="channel-warning" data-testid="channel-mask-warning">
                  Masking is off: real host names, users and IPs will be sent to this channel.
                </p>
              )}
            </div>
            {fieldError('mask')}
          </CheckField>

          <div className="field">
            <label className="field-label" htmlFor={`${uid}-sources`}>
              Only from sources
            </label>
            <input
              id={`${uid}-sources`}
              className="input mono"
              value={draft.sources}
              placeholder="all sources"
              spellCheck={false}
              autoComplete="off"
              disabled={saving}
              aria-invalid={describe('sources', true).invalid}
              aria-describedby={describe('sources', true).describedBy}
              onChange={(e) => {
                setCommon('sources', e.target.value);
              }}
              onBlur={() => {
                touch('sources');
              }}
              data-testid="channel-field-sources"
            />
            <p id={`${uid}-sources-help`} className="field-help">
              Source kinds or ids, separated by commas (e.g. sentinelone, zabbix). Empty: all.
            </p>
            {fieldError('sources')}
          </div>

          <div className="field">
            <label className="field-label" htmlFor={`${uid}-categories`}>
              Only categories
            </label>
            <input
              id={`${uid}-categories`}
              className="input mono"
              value={draft.categories}
              placeholder="all categories"
              spellCheck={false}
              autoComplete="off"
              disabled={saving}
              aria-invalid={describe('categories', true).invalid}
              aria-describedby={describe('categories', true).describedBy}
              onChange={(e) => {
                setCommon('categories', e.target.value);
              }}
              onBlur={() => {
                touch('categories');
              }}
              data-testid="channel-field-categories"
            />
            <p id={`${uid}-categories-help`} className="field-help">
              Incident categories, separated by commas (e.g. malware, bruteforce). Empty: all.
            </p>
            {fieldError('categories')}
          </div>
        </div>
      </fieldset>

      <CheckField
        id={`${uid}-enabled`}
        label="Enabled"
        checked={draft.enabled}
        disabled={saving}
        describedBy={`${uid}-enabled-help`}
        onChange={(enabled) => {
          setCommon('enabled', enabled);
        }}
        testId="channel-field-enabled"
        help="A disabled channel queues nothing; Send test still works."
      >
        {fieldError('enabled')}
      </CheckField>
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
  const testId = `channel-field-${spec.key}`;
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
    className: spec.type === 'text' || spec.type === 'select' ? 'input' : 'input mono',
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
      control = (
        <SecretInput
          {...common}
          state={secretState}
          placeholder={spec.placeholder}
          value={text}
          onValue={onChange}
        />
      );
      break;
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          inputMode="numeric"
          min={spec.min}
          max={spec.max}
          step={1}
          value={text}
          placeholder={spec.defaultValue !== undefined ? String(spec.defaultValue) : undefined}
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
          inputMode={spec.type === 'url' ? 'url' : spec.type === 'list' && spec.email ? 'email' : undefined}
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
          <SecretStateBadge state={secretState} field={spec.key} testId="channel-secret-state" />
        )
      }
      help={spec.help}
      error={children}
    >
      {control}
    </FieldRow>
  );
}
