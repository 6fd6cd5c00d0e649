/**
 * Seed-config import: the `config/config.json` of the scripts Vigil replaces
 * (a SentinelOne poller, a MaxPatrol bot, a Deep Instinct cron job, chat
 * senders, a small dashboard) becomes sources, channels and settings.
 *
 * Those scripts grew their keys one at a time, so one setting shows up nested
 * (`telegram: {bot_token}`), flat with a prefix (`telegram_token`,
 * `TELEGRAM_TOKEN`) or bare (`base_url` and `token` of the first SentinelOne
 * poller). Every key either lands in a Vigil setting or is reported with the
 * reason it did not. The import is one `ConfigStore.update`, which validates
 * and seals literal secrets into the encrypted store: it is written entirely
 * or not at all.
 */
import type { z } from 'zod';

import type { ChannelConfig, Config, SourceConfig } from '../../../shared/config';
import {
  ConfigError,
  channelConfigSchema,
  configSchema,
  formatIssues,
  sourceConfigSchema,
} from '../../../shared/config';
import type { ConfigStore } from './config-store';

export interface SeedImportResult {
  /** `seed key -> vigil key` for each key written (secrets marked, never shown). */
  imported: string[];
  /** Each key that was not written, with the reason. */
  unmapped: { key: string; reason: string }[];
}

type Read = { ok: true; value: unknown } | { ok: false; reason: string };
type Reader = (value: unknown) => Read;

interface Field {
  /** The setting it fills in the built source, channel or settings block. */
  target: string;
  /** Seed spellings, normalised (see `normalise`), most specific first. */
  names: readonly string[];
  read: Reader;
  secret?: boolean;
}

type Place = { area: 'sources' | 'channels'; id: string } | { area: 'ai' | 'ui' | 'webhook' };

interface Section {
  /** How a reason names it: "SentinelOne needs …". */
  label: string;
  /** Section keys, also used as flat-key prefixes (`telegram_token`). */
  names: readonly string[];
  place: Place;
  fields: readonly Field[];
  /** Values of a new source or channel (id, kind, name…); an existing one keeps its own. */
  base?: Readonly<Record<string, unknown>>;
  /** The target a source or channel cannot do without (in the seed or already configured). */
  required?: { target: string; description: string };
  /** Known keys that are deliberately not imported, with the reason. */
  ignored?: Readonly<Record<string, string>>;
  /** Last adjustments once the fields are read; returns moved targets (from -> to). */
  finish?: (item: Record<string, unknown>) => Record<string, string>;
}

/** One key of the seed, already routed to a section. */
interface Entry {
  key: string;
  name: string;
  value: unknown;
}

const EMPTY = 'empty';
const UNKNOWN = 'unknown key';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** `Telegram-Bot Token` and `TELEGRAM_BOT_TOKEN` both become `telegram_bot_token`. */
function normalise(key: string): string {
  return key
    .trim()
    .toLowerCase()
    .replace(/[\s.-]+/g, '_');
}

const ok = (value: unknown): Read => ({ ok: true, value });
const no = (reason: string): Read => ({ ok: false, reason });

function readText(value: unknown): Read {
  if (isBlank(value)) return no(EMPTY);
  if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
  if (typeof value !== 'string') return no('expected text');
  return ok(value.trim());
}

function readUrl(value: unknown): Read {
  if (isBlank(value)) return no(EMPTY);
  if (typeof value !== 'string') return no('not a URL');
  const text = value.trim();
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return no('not a URL (http or https)');
  } catch {
    return no('not a URL');
  }
  return ok(text);
}

function readBool(value: unknown): Read {
  if (typeof value === 'boolean') return ok(value);
  const text =
    typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : '';
  if (['true', 'yes', 'on', '1'].includes(text)) return ok(true);
  if (['false', 'no', 'off', '0'].includes(text)) return ok(false);
  return isBlank(value) ? no(EMPTY) : no('expected true or false');
}

function readInt(min: number, max: number, unit: string): Reader {
  return (value) => {
    if (isBlank(value)) return no(EMPTY);
    const number = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof number !== 'number' || !Number.isInteger(number))
      return no(`expected a whole number of ${unit}`);
    if (number < min || number > max) return no(`out of range (${min}-${max} ${unit})`);
    return ok(number);
  };
}

function readOneOf(...allowed: string[]): Reader {
  return (value) => {
    const text = readText(value);
    if (!text.ok) return text;
    const lower = String(text.value).toLowerCase();
    return allowed.includes(lower) ? ok(lower) : no(`expected one of ${allowed.join(', ')}`);
  };
}

function readTimeZone(value: unknown): Read {
  const text = readText(value);
  if (!text.ok) return text;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: String(text.value) });
  } catch {
    return no('not a known time zone (use an IANA name such as Europe/Moscow)');
  }
  return ok(text.value);
}

const field = (target: string, names: string[], read: Reader, secret = false): Field => ({
  target,
  names,
  read,
  secret,
});
const secret = (target: string, names: string[]): Field => field(target, names, readText, true);
const interval = field(
  'pollIntervalSec',
  ['poll_interval', 'poll_interval_sec', 'poll_seconds', 'interval', 'check_interval'],
  readInt(5, 86_400, 'seconds'),
);
const verifyTls = field('verifyTls', ['verify_ssl', 'verify_tls', 'ssl_verify', 'verify'], readBool);
const enabled = field('enabled', ['enabled', 'enable'], readBool);

const SECTIONS: readonly Section[] = [
  {
    label: 'SentinelOne',
    names: ['sentinelone', 'sentinel_one', 's1'],
    place: { area: 'sources', id: 'sentinelone' },
    base: { id: 'sentinelone', kind: 'sentinelone', name: 'SentinelOne' },
    required: { target: 'baseUrl', description: 'a console URL (base_url)' },
    fields: [
      field('baseUrl', ['base_url', 'url', 'console_url', 'management_url', 'api_url', 'host'], readUrl),
      secret('apiToken', ['api_token', 'token', 'apitoken', 'api_key']),
      interval,
      verifyTls,
      enabled,
    ],
    ignored: {
      site_ids: 'not needed: Vigil reads every site the API token can see',
      site_id: 'not needed: Vigil reads every site the API token can see',
      account_id: 'not needed: Vigil reads every account the API token can see',
    },
  },
  {
    label: 'MaxPatrol',
    names: ['maxpatrol', 'max_patrol', 'mpsiem', 'mp_siem', 'mp'],
    place: { area: 'sources', id: 'maxpatrol' },
    base: { id: 'maxpatrol', kind: 'maxpatrol', name: 'MaxPatrol SIEM' },
    required: { target: 'baseUrl', description: 'a Core URL (base_url)' },
    fields: [
      field('baseUrl', ['base_url', 'url', 'core_url', 'siem_url', 'host'], readUrl),
      field('username', ['username', 'user', 'login'], readText),
      secret('password', ['password', 'pass']),
      field('clientId', ['client_id'], readOneOf('mpx', 'ptkb')),
      secret('clientSecret', ['client_secret']),
      field('tokenPort', ['token_port', 'auth_port'], readInt(1, 65_535, 'port')),
      interval,
      verifyTls,
      enabled,
    ],
  },
  {
    label: 'Deep Instinct',
    names: ['deepinstinct', 'deep_instinct', 'di'],
    place: { area: 'sources', id: 'deepinstinct' },
    base: { id: 'deepinstinct', kind: 'deepinstinct', name: 'Deep Instinct' },
    required: { target: 'baseUrl', description: 'a server URL (base_url)' },
    fields: [
      field('baseUrl', ['base_url', 'url', 'server', 'management_url', 'host'], readUrl),
      secret('apiKey', ['api_key', 'token', 'key', 'api_token']),
      interval,
      verifyTls,
      enabled,
    ],
  },
  {
    label: 'Telegram',
    names: ['telegram', 'tg'],
    place: { area: 'channels', id: 'telegram' },
    base: { id: 'telegram', kind: 'telegram', name: 'Telegram' },
    required: { target: 'botToken', description: 'a bot token (bot_token)' },
    fields: [
      secret('botToken', ['bot_token', 'token', 'api_token']),
      field('adminChatId', ['admin_chat_id', 'admin_id', 'admin_chat'], readText),
      field('chatId', ['chat_id', 'chat', 'group_id', 'channel_id'], readText),
      field('apiRoot', ['api_root', 'api_url', 'base_url'], readUrl),
      enabled,
    ],
    // The scripts with one chat sent everything there and took commands from it: that is the admin chat.
    finish: (item): Record<string, string> => {
      if (item.adminChatId !== undefined || item.chatId === undefined) return {};
      item.adminChatId = item.chatId;
      delete item.chatId;
      return { chatId: 'adminChatId' };
    },
  },
  {
    label: 'WhatsApp',
    names: ['whatsapp', 'wa'],
    place: { area: 'channels', id: 'whatsapp' },
    base: { id: 'whatsapp', kind: 'whatsapp', name: 'WhatsApp', provider: 'gateway' },
    required: { target: 'bridgeUrl', description: 'a gateway URL (bridge_url)' },
    fields: [
      field('bridgeUrl', ['bridge_url', 'gateway_url', 'api_url', 'base_url', 'url'], readUrl),
      // The session that sends notifications is the one a channel needs.
      field('session', ['notify_session', 'session_name', 'session'], readText),
      field(
        'target',
        ['notify_number', 'notify_to', 'number', 'phone', 'target', 'to', 'group_id'],
        readText,
      ),
      secret('apiKey', ['api_key', 'token', 'api_token']),
      enabled,
    ],
  },
  {
    label: 'Microsoft Teams',
    names: ['teams', 'msteams', 'ms_teams'],
    place: { area: 'channels', id: 'teams' },
    base: { id: 'teams', kind: 'teams', name: 'Microsoft Teams' },
    required: { target: 'webhookUrl', description: 'a webhook URL (webhook_url)' },
    fields: [field('webhookUrl', ['webhook_url', 'webhook', 'url'], readUrl, true), enabled],
  },
  {
    label: 'Mattermost',
    names: ['mattermost', 'mm'],
    place: { area: 'channels', id: 'mattermost' },
    base: { id: 'mattermost', kind: 'mattermost', name: 'Mattermost' },
    required: { target: 'webhookUrl', description: 'a webhook URL (webhook_url)' },
    fields: [
      field('webhookUrl', ['webhook_url', 'webhook', 'url'], readUrl, true),
      field('channel', ['channel'], readText),
      field('username', ['username'], readText),
      enabled,
    ],
  },
  {
    label: 'AI',
    names: ['ai', 'openai', 'llm', 'gpt'],
    place: { area: 'ai' },
    fields: [
      secret('apiKey', ['api_key', 'key', 'token']),
      field('baseUrl', ['base_url', 'url', 'api_base', 'endpoint', 'api_url'], readUrl),
      field('model', ['model'], readText),
      field('timeoutSec', ['timeout', 'timeout_sec'], readInt(1, 600, 'seconds')),
      enabled,
    ],
    // The scripts called the LLM whenever they had a key or an endpoint; so does Vigil after import.
    finish: (item) => {
      if (item.enabled === undefined && (item.apiKey !== undefined || item.baseUrl !== undefined)) {
        item.enabled = true;
      }
      return {};
    },
  },
  {
    label: 'Dashboard',
    names: ['dashboard', 'webui', 'web', 'flask', 'ui'],
    place: { area: 'ui' },
    fields: [
      secret('pin', ['pin', 'dashboard_pin', 'web_pin', 'access_pin', 'password']),
      field('timeZone', ['timezone', 'time_zone', 'tz'], readTimeZone),
    ],
    ignored: {
      secret_key: 'not needed: Vigil keeps its own web sessions',
      port: 'not imported: the web UI port is set with --port (8787 by default)',
      host: 'not imported: the web UI address is set with --host (127.0.0.1 by default)',
      debug: 'not needed: Vigil has no debug server mode',
    },
  },
  {
    label: 'Webhook',
    names: ['webhook', 'alert_webhook'],
    place: { area: 'webhook' },
    fields: [secret('token', ['token', 'api_token', 'secret', 'auth_token'])],
    ignored: {
      port: 'not imported: Vigil listens on webhook.port (8788 by default); point forwarders at it',
      host: 'not imported: Vigil listens on webhook.host (127.0.0.1 by default)',
    },
  },
];

/** Bare top-level keys that belong to a section (the oldest scripts had no sections). */
const BARE_KEYS: ReadonlyMap<string, { section: string; name: string }> = new Map([
  ['base_url', { section: 'SentinelOne', name: 'base_url' }],
  ['token', { section: 'SentinelOne', name: 'token' }],
  ['api_token', { section: 'SentinelOne', name: 'api_token' }],
  ['pin', { section: 'Dashboard', name: 'pin' }],
  ['timezone', { section: 'Dashboard', name: 'timezone' }],
  ['time_zone', { section: 'Dashboard', name: 'time_zone' }],
  ['tz', { section: 'Dashboard', name: 'tz' }],
]);

/** Sections and top-level keys Vigil knows but does not import. */
const NOT_IMPORTED: ReadonlyMap<string, string> = new Map([
  ['abuseipdb', 'no Vigil setting for threat intelligence yet'],
  ['virustotal', 'no Vigil setting for threat intelligence yet'],
  ['ip_api', 'no Vigil setting for threat intelligence yet'],
  ['ipapi', 'no Vigil setting for threat intelligence yet'],
  ['smtp', 'not imported: add an e-mail channel in Vigil'],
  ['email', 'not imported: add an e-mail channel in Vigil'],
  ['mail', 'not imported: add an e-mail channel in Vigil'],
  ['log_level', 'not needed: Vigil keeps its own logs (logs/ in the data dir)'],
  ['log_file', 'not needed: Vigil keeps its own logs (logs/ in the data dir)'],
  ['logging', 'not needed: Vigil keeps its own logs (logs/ in the data dir)'],
  ['debug', 'not needed: Vigil keeps its own logs (logs/ in the data dir)'],
  ['poll_interval', 'not imported: set the poll interval per source (sources.*.pollIntervalSec)'],
]);

const SECTION_BY_NAME = new Map(SECTIONS.flatMap((s) => s.names.map((name) => [name, s] as const)));
const SECTION_BY_LABEL = new Map(SECTIONS.map((s) => [s.label, s] as const));
/** Longest first, so `mp_siem_url` is read as MaxPatrol's `url`, not as `siem_url` of `mp`. */
const PREFIXES = [...SECTION_BY_NAME.keys()].sort((a, b) => b.length - a.length);

/** Where a key of a section goes in the report: `channels.telegram.botToken`. */
function placeKey(place: Place, target: string): string {
  return 'id' in place ? `${place.area}.${place.id}.${target}` : `${place.area}.${target}`;
}

/**
 * Splits the seed into per-section entries; keys no section takes are
 * reported at once. `order` records where each key stands in the document.
 */
function route(
  document: Record<string, unknown>,
  unmapped: SeedImportResult['unmapped'],
  order: Map<string, number>,
): Map<Section, Entry[]> {
  const bySection = new Map<Section, Entry[]>();
  const add = (section: Section, entry: Entry) => {
    const list = bySection.get(section) ?? [];
    list.push(entry);
    bySection.set(section, list);
  };
  const notImported = (name: string): string | undefined => {
    for (const [known, reason] of NOT_IMPORTED) {
      if (name === known || name.startsWith(`${known}_`)) return reason;
    }
    return undefined;
  };

  for (const [key, value] of Object.entries(document)) {
    order.set(key, order.size);
    const name = normalise(key);
    const section = SECTION_BY_NAME.get(name);
    if (section) {
      if (isPlainObject(value)) {
        const inner = Object.entries(value);
        if (inner.length === 0) unmapped.push({ key, reason: EMPTY });
        for (const [sub, subValue] of inner) {
          order.set(`${key}.${sub}`, order.size);
          add(section, { key: `${key}.${sub}`, name: normalise(sub), value: subValue });
        }
      } else {
        unmapped.push({ key, reason: isBlank(value) ? EMPTY : 'expected an object of settings' });
      }
      continue;
    }
    const bare = BARE_KEYS.get(name);
    if (bare) {
      add(SECTION_BY_LABEL.get(bare.section)!, { key, name: bare.name, value });
      continue;
    }
    const reason = notImported(name);
    if (reason) {
      unmapped.push({ key, reason });
      continue;
    }
    const prefix = PREFIXES.find((p) => name.startsWith(`${p}_`));
    if (prefix) {
      add(SECTION_BY_NAME.get(prefix)!, { key, name: name.slice(prefix.length + 1), value });
      continue;
    }
    unmapped.push({ key, reason: UNKNOWN });
  }
  return bySection;
}

/** A section read into one change, or the reasons its keys were left out. */
interface Built {
  section: Section;
  item: Record<string, unknown>;
  /** Keys written, with the target each one filled. */
  accepted: { entry: Entry; field: Field; target: string }[];
}

function build(section: Section, entries: Entry[], unmapped: SeedImportResult['unmapped']): Built | null {
  const chosen = new Map<string, { entry: Entry; field: Field; rank: number; value: unknown }>();
  const candidates: { entry: Entry; field: Field; rank: number; value: unknown }[] = [];
  for (const entry of entries) {
    const index = section.fields.findIndex((f) => f.names.includes(entry.name));
    const fieldSpec = section.fields[index];
    if (!fieldSpec) {
      unmapped.push({ key: entry.key, reason: section.ignored?.[entry.name] ?? UNKNOWN });
      continue;
    }
    const read = fieldSpec.read(entry.value);
    if (!read.ok) {
      unmapped.push({ key: entry.key, reason: read.reason });
      continue;
    }
    const rank = index * 100 + fieldSpec.names.indexOf(entry.name);
    candidates.push({ entry, field: fieldSpec, rank, value: read.value });
  }
  // One value per setting: the most specific spelling wins; a different value under another spelling is reported.
  for (const candidate of [...candidates].sort((a, b) => a.rank - b.rank)) {
    const winner = chosen.get(candidate.field.target);
    if (!winner) chosen.set(candidate.field.target, candidate);
    else if (winner.value !== candidate.value) {
      unmapped.push({
        key: candidate.entry.key,
        reason: `conflicts with ${winner.entry.key}, which is imported`,
      });
      candidates.splice(candidates.indexOf(candidate), 1);
    }
  }
  if (candidates.length === 0) return null;

  const item: Record<string, unknown> = {};
  for (const [target, { value }] of chosen) item[target] = value;
  const moved = section.finish?.(item) ?? {};
  const accepted = candidates.map(({ entry, field: f }) => ({
    entry,
    field: f,
    target: moved[f.target] ?? f.target,
  }));
  return { section, item, accepted };
}

type Merged =
  | { area: 'sources'; value: SourceConfig }
  | { area: 'channels'; value: ChannelConfig }
  | { area: 'ai'; value: Config['ai'] }
  | { area: 'ui'; value: Config['ui'] }
  | { area: 'webhook'; value: Config['webhook'] };

/** The built change merged over what is configured now, validated by the config schema. */
function merge(built: Built, current: Config): { merged: Merged } | { reason: string } {
  const { place } = built.section;
  const issues = (error: z.ZodError) => ({ reason: `not imported: ${formatIssues(error)}` });
  if (place.area === 'sources' || place.area === 'channels') {
    const list: readonly { id: string; kind: string }[] = current[place.area];
    const existing = list.find((item) => item.id === place.id);
    if (existing && existing.kind !== built.section.base?.kind) {
      return {
        reason: `not imported: ${place.area}.${place.id} exists with another kind (${existing.kind})`,
      };
    }
    // What is configured already counts: a seed may add a chat id to a channel that has its token.
    const candidate: Record<string, unknown> = { ...built.section.base, ...existing, ...built.item };
    const required = built.section.required;
    if (required && candidate[required.target] === undefined) {
      return { reason: `not imported: ${built.section.label} needs ${required.description}` };
    }
    if (place.area === 'sources') {
      const parsed = sourceConfigSchema.safeParse(candidate);
      return parsed.success ? { merged: { area: 'sources', value: parsed.data } } : issues(parsed.error);
    }
    const parsed = channelConfigSchema.safeParse(candidate);
    return parsed.success ? { merged: { area: 'channels', value: parsed.data } } : issues(parsed.error);
  }
  if (place.area === 'ai') {
    const parsed = configSchema.shape.ai.safeParse({ ...current.ai, ...built.item });
    return parsed.success ? { merged: { area: 'ai', value: parsed.data } } : issues(parsed.error);
  }
  if (place.area === 'ui') {
    const parsed = configSchema.shape.ui.safeParse({ ...current.ui, ...built.item });
    return parsed.success ? { merged: { area: 'ui', value: parsed.data } } : issues(parsed.error);
  }
  const parsed = configSchema.shape.webhook.safeParse({ ...current.webhook, ...built.item });
  return parsed.success ? { merged: { area: 'webhook', value: parsed.data } } : issues(parsed.error);
}

function upsert<T extends { id: string }>(list: T[], item: T): void {
  const index = list.findIndex((existing) => existing.id === item.id);
  if (index === -1) list.push(item);
  else list[index] = item;
}

function apply(draft: Config, change: Merged): void {
  switch (change.area) {
    case 'sources':
      upsert(draft.sources, change.value);
      break;
    case 'channels':
      upsert(draft.channels, change.value);
      break;
    case 'ai':
      draft.ai = change.value;
      break;
    case 'ui':
      draft.ui = change.value;
      break;
    case 'webhook':
      draft.webhook = change.value;
      break;
  }
}

/**
 * Imports a seed-style config document into the config store. Keys that
 * cannot be mapped (unknown, empty, not a URL, incomplete section…) are
 * reported with the reason and the rest is written in one validated update;
 * if that update is refused, nothing is written and every key is reported.
 */
export function importSeedConfig(document: unknown, config: ConfigStore): SeedImportResult {
  const unmapped: SeedImportResult['unmapped'] = [];
  if (!isPlainObject(document)) {
    return { imported: [], unmapped: [{ key: '(document)', reason: 'not a JSON object' }] };
  }
  const current = config.get();
  const order = new Map<string, number>();
  const changes: { built: Built; merged: Merged }[] = [];
  for (const [section, entries] of route(document, unmapped, order)) {
    const built = build(section, entries, unmapped);
    if (!built) continue;
    const result = merge(built, current);
    if ('reason' in result) {
      for (const { entry } of built.accepted) unmapped.push({ key: entry.key, reason: result.reason });
      continue;
    }
    changes.push({ built, merged: result.merged });
  }

  // Reported in the order of the document, whichever section a key went to.
  const byOrder = (a: { key: string }, b: { key: string }) =>
    (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0);
  unmapped.sort(byOrder);
  const accepted = changes
    .flatMap(({ built }) =>
      built.accepted.map((a) => ({ ...a, key: a.entry.key, place: built.section.place })),
    )
    .sort(byOrder);
  if (accepted.length === 0) return { imported: [], unmapped };
  try {
    config.update((draft) => {
      for (const { merged } of changes) apply(draft, merged);
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const reason = `not imported: the resulting config is not valid (${error.message})`;
    const refused = accepted.map(({ key }) => ({ key, reason }));
    return { imported: [], unmapped: [...unmapped, ...refused].sort(byOrder) };
  }
  const imported = accepted.map(
    ({ key, field: f, target, place }) =>
      `${key} -> ${placeKey(place, target)}${f.secret ? ' (secret)' : ''}`,
  );
  return { imported, unmapped };
}
