/**
 * MaxPatrol SIEM (Positive Technologies, MP 10) incidents: the answers of
 * `POST /api/v2/incidents/`, `GET /api/incidentsReadModel/incidents/{id}` and
 * `GET /api/incidents/{id}/events`, and the mapping of one incident card with
 * its first events to a NormalizedIncident.
 *
 * No captured vendor answer is public; the shapes follow the fields public
 * clients read (tests/fixtures/maxpatrol/README.md), so everything beyond the
 * incident id is read tolerantly: a field of an unexpected type is skipped,
 * never a reason to refuse the incident.
 */
import { isIP } from 'node:net';

import { z } from 'zod';

import type { Entities, Mitre, Severity } from '../../../../shared/domain';
import { emptyEntities } from '../../../../shared/domain';
import type { NormalizedIncident } from '../ingestor';

/** One row of the incidents list; `created` drives the polling cursor, so it is required. */
export const maxPatrolListItemSchema = z.looseObject({
  id: z.string().min(1),
  created: z.string().min(1),
});
export type MaxPatrolListItem = z.infer<typeof maxPatrolListItemSchema>;

export const maxPatrolListSchema = z.looseObject({
  incidents: z.array(maxPatrolListItemSchema),
  totalItems: z.number().int().nonnegative().optional(),
});

export const maxPatrolCardSchema = z.looseObject({ id: z.string().min(1) });
export type MaxPatrolCard = z.infer<typeof maxPatrolCardSchema>;

export const maxPatrolEventsSchema = z.array(z.looseObject({}));
export type MaxPatrolEvent = z.infer<typeof maxPatrolEventsSchema>[number];

export interface MaxPatrolTime {
  /** The instant at millisecond precision, ISO 8601 UTC. */
  iso: string;
  /**
   * The instant at the vendor's full 100 ns precision as a fixed-width UTC
   * string (`2024-05-01T10:15:30.1234567Z`): two keys compare like their
   * instants, so the poller's cursor never confuses incidents a fraction of a
   * millisecond apart.
   */
  key: string;
}

const TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses a MaxPatrol timestamp. Core writes GMT+0 with seven fractional
 * digits, sometimes without a zone suffix; a missing zone is therefore UTC,
 * never the local zone of the machine Vigil runs on (which is what
 * `Date.parse` would assume). Returns null for anything that is not a time.
 */
export function parseMaxPatrolTime(value: unknown): MaxPatrolTime | null {
  if (typeof value !== 'string') return null;
  const match = TIME_PATTERN.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  // Date.UTC rolls 2024-02-31 over into March; a rolled-over date is not the time the vendor meant.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute
  ) {
    return null;
  }
  const ticks = Number(fraction.padEnd(7, '0').slice(0, 7));
  const ms = wall - zoneOffsetMinutes(zone) * 60_000 + Math.floor(ticks / 10_000);
  const iso = new Date(ms).toISOString();
  const key = `${iso.slice(0, 23)}${String(ticks % 10_000).padStart(4, '0')}Z`;
  return { iso, key };
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

export interface MaxPatrolMapOptions {
  /** The Core web UI (the source's baseUrl); the incident link points there. */
  consoleBaseUrl: string;
  /** The list row the card was fetched for: fills fields a (trimmed) card lacks. */
  listItem?: MaxPatrolListItem;
}

const SEVERITIES: Record<string, Severity> = { low: 'low', medium: 'medium', high: 'high' };
const EVENT_TEXT_MAX = 200;

/**
 * Maps an incident card and its first events to a NormalizedIncident.
 *
 * Severity: MaxPatrol has Low / Medium / High. High on an incident an analyst
 * has already confirmed on the Core (`isConfirmed`) becomes critical: it is a
 * verified attack of the vendor's top grade, and nothing else in the card
 * justifies a grade above the vendor's own. A missing or unknown severity is
 * medium, so an incident is never silently ranked below everything.
 */
export function mapMaxPatrolIncident(
  card: MaxPatrolCard,
  events: MaxPatrolEvent[],
  options: MaxPatrolMapOptions,
): NormalizedIncident {
  const item: Record<string, unknown> = options.listItem ?? {};
  const field = (name: string): string | null => text(card[name]) ?? text(item[name]);
  const key = field('key');
  const category = field('category');
  const type = field('type');
  const confirmed = card.isConfirmed === true || item.isConfirmed === true;
  const created = parseMaxPatrolTime(card.created) ?? parseMaxPatrolTime(item.created);
  const detected = parseMaxPatrolTime(card.detected);
  const ruleNames = correlationNames(card);

  const tags: string[] = [];
  if (key) tags.push(key);
  if (type && type !== category) tags.push(`type:${type}`);
  if (confirmed) tags.push('confirmed');
  const origin = field('source');
  if (origin && /^\S{1,40}$/.test(origin)) tags.push(`origin:${origin}`);

  return {
    fingerprint: `maxpatrol|${card.id}`,
    fingerprintScope: 'vendor',
    vendorId: card.id,
    consoleUrl: `${options.consoleBaseUrl.replace(/\/+$/, '')}/#/incident/incidents/view/${encodeURIComponent(card.id)}`,
    title: field('name') ?? ruleNames[0] ?? key ?? `MaxPatrol incident ${card.id}`,
    description: describe(card, field('description'), ruleNames, events),
    severity: severity(field('severity'), confirmed),
    category: category ?? type,
    mitre: mitre(card, ruleNames),
    entities: entities(card, events),
    occurredAt: (detected ?? created)?.iso ?? null,
    vendorStatus: field('status'),
    tags,
  };
}

/** Text for the incident's description: the card's own, the rules, the assignee, then the events. */
function describe(
  card: MaxPatrolCard,
  ownDescription: string | null,
  ruleNames: string[],
  events: MaxPatrolEvent[],
): string {
  const parts: string[] = [];
  if (ownDescription) parts.push(ownDescription);
  if (ruleNames.length > 0) parts.push(`Correlation rules: ${ruleNames.join(', ')}`);
  const assigned = record(card.assigned);
  const assignee = [text(assigned?.firstName), text(assigned?.lastName)].filter(Boolean).join(' ');
  if (assignee) parts.push(`Assigned on the Core to: ${assignee}`);
  if (events.length > 0) {
    const lines = events.map((event) => {
      const at = parseMaxPatrolTime(event.date)?.iso ?? text(event.date) ?? 'unknown time';
      const what = text(event.description) ?? text(event.id) ?? '(no description)';
      const short = what.length > EVENT_TEXT_MAX ? `${what.slice(0, EVENT_TEXT_MAX - 1)}…` : what;
      return `- ${at}: ${short}`;
    });
    parts.push(`Events (first ${events.length}):\n${lines.join('\n')}`);
  }
  return parts.join('\n\n') || 'MaxPatrol incident';
}

function severity(value: string | null, confirmed: boolean): Severity {
  const mapped = SEVERITIES[value?.toLowerCase() ?? ''] ?? 'medium';
  return mapped === 'high' && confirmed ? 'critical' : mapped;
}

/**
 * `correlationRules[].correlationName` on R27.6; older cores are reported to
 * return `correlationRuleNames` (string[]) instead.
 */
function correlationNames(card: MaxPatrolCard): string[] {
  const names = new Set<string>();
  for (const rule of array(card.correlationRules)) {
    const name = text(record(rule)?.correlationName);
    if (name) names.add(name);
  }
  for (const name of array(card.correlationRuleNames)) {
    const value = text(name);
    if (value) names.add(value);
  }
  return [...names];
}

// Not \b: rule names join words with "_", which \b counts as part of a word.
const TECHNIQUE = /(?<![A-Za-z0-9])T\d{4}(?:\.\d{3})?(?!\d)/g;
const TACTIC = /(?<![A-Za-z0-9])TA\d{4}(?!\d)/g;

/**
 * No public client reads a MITRE field from the card, so this takes explicit
 * `mitre` / `tactics` / `techniques` fields when a Core sends them, and ATT&CK
 * ids written into the rule names or the description (PT content often names
 * the technique there).
 */
function mitre(card: MaxPatrolCard, ruleNames: string[]): Mitre {
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  const nested = record(card.mitre);
  for (const value of [...array(card.tactics), ...array(nested?.tactics)]) {
    const name = text(value) ?? text(record(value)?.name) ?? text(record(value)?.id);
    if (name) tactics.add(name);
  }
  for (const value of [...array(card.techniques), ...array(nested?.techniques)]) {
    const id = text(value) ?? text(record(value)?.id) ?? text(record(value)?.name);
    if (id) techniques.add(id);
  }
  const prose = [text(card.name), text(card.description), ...ruleNames].filter(Boolean).join('\n');
  for (const match of prose.matchAll(TACTIC)) tactics.add(match[0]);
  for (const match of prose.matchAll(TECHNIQUE)) techniques.add(match[0]);
  return { tactics: [...tactics], techniques: [...techniques] };
}

/** The MaxPatrol taxonomy names an event may carry (flat `src.ip` or nested), by entity kind. */
const EVENT_FIELDS = {
  ips: ['src.ip', 'dst.ip'],
  hosts: ['src.host', 'dst.host', 'src.hostname', 'dst.hostname', 'src.fqdn', 'dst.fqdn', 'event_src.host'],
  users: ['subject.account.name', 'subject.name', 'object.account.name'],
  processes: ['object.process.name', 'object.process.path', 'subject.process.name'],
  files: ['object.path', 'object.fullpath'],
} as const;

const IPV4_IN_TEXT = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;

/**
 * Entities from the card's attackers (sources) and targets (destinations) and
 * from the events: assets are hosts, addresses IPs, and the free-form
 * "others" are sorted by their look (an account, a path, a URL).
 */
function entities(card: MaxPatrolCard, events: MaxPatrolEvent[]): Entities {
  const out = emptyEntities();
  for (const side of [record(card.attackers), record(card.targets)]) {
    if (!side) continue;
    for (const asset of array(side.assets)) {
      const name = entryName(asset);
      if (name) addHostOrIp(out, name);
    }
    for (const address of array(side.addresses)) {
      const name = entryName(address);
      if (name && isIP(name) !== 0) add(out.ips, name);
    }
    for (const other of array(side.others)) {
      const name = entryName(other);
      if (name) addOther(out, name);
    }
  }
  for (const event of events) {
    for (const name of EVENT_FIELDS.ips) {
      const value = text(path(event, name));
      if (value && isIP(value) !== 0) add(out.ips, value);
    }
    for (const name of EVENT_FIELDS.hosts) {
      const value = text(path(event, name));
      if (value) addHostOrIp(out, value);
    }
    for (const name of EVENT_FIELDS.users) {
      const value = text(path(event, name));
      if (value) add(out.users, value);
    }
    for (const name of EVENT_FIELDS.processes) {
      const value = text(path(event, name));
      if (value) add(out.processes, value);
    }
    for (const name of EVENT_FIELDS.files) {
      const value = text(path(event, name));
      if (value && !out.files.some((f) => f.path === value)) out.files.push({ path: value });
    }
    for (const match of (text(event.description) ?? '').matchAll(IPV4_IN_TEXT)) {
      if (isIP(match[0]) !== 0) add(out.ips, match[0]);
    }
  }
  return out;
}

function entryName(entry: unknown): string | null {
  const value = record(entry);
  return value ? (text(value.name) ?? text(value.id)) : text(entry);
}

function addHostOrIp(out: Entities, value: string): void {
  if (isIP(value) !== 0) add(out.ips, value);
  else add(out.hosts, value);
}

function addOther(out: Entities, value: string): void {
  if (isIP(value) !== 0) add(out.ips, value);
  else if (/^https?:\/\//i.test(value)) add(out.urls, value);
  else if (/^(?:[A-Za-z]:\\|\\\\|\/)/.test(value)) {
    if (!out.files.some((f) => f.path === value)) out.files.push({ path: value });
  } else if (/^[^\s@\\/]+@[^\s@\\/]+$/.test(value) || /^[^\s\\/]+\\[^\s\\/]+$/.test(value)) {
    add(out.users, value);
  }
}

function add(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** A dotted field of an event, written flat (`"src.ip": …`) or nested (`src: {ip: …}`). */
function path(event: Record<string, unknown>, dotted: string): unknown {
  if (dotted in event) return event[dotted];
  let current: unknown = event;
  for (const part of dotted.split('.')) {
    const next = record(current);
    if (!next) return undefined;
    current = next[part];
  }
  return current;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
