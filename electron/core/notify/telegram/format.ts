/**
 * How an incident reads in Telegram: HTML (every value escaped, long values
 * cut before escaping so no entity is split), within the 4096-character
 * limit, with the buttons its status allows. Button data stays under
 * Telegram's 64-byte limit.
 */
import type { Incident, RawEvent, Severity, Status } from '../../../../shared/domain';
import { formatZoned, zonedFormat } from '../../../../shared/time';
import type { OutgoingMessage } from '../channel-adapter';

export interface InlineButton {
  text: string;
  callback_data: string;
}

export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

export interface RenderedMessage {
  text: string;
  replyMarkup: InlineKeyboard | null;
}

/** What a button does; the prefix of its callback data (`ack:<incident id>`). */
export type CallbackAction = 'ack' | 'fp' | 'ref' | 'allow' | 'ignore' | 'block';
const ACTIONS: readonly CallbackAction[] = ['ack', 'fp', 'ref', 'allow', 'ignore', 'block'];

/** Telegram's limit for callback_data, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Telegram's limit for a message text (after entity parsing; the HTML source is never shorter). */
export const TEXT_LIMIT = 4096;

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🟢',
  info: '⚪',
};

const STATUS_LABEL: Record<Status, string> = {
  new: '🆕 New',
  acknowledged: '👀 Acknowledged',
  in_progress: '🛠 In progress',
  resolved: '✅ Resolved',
  closed: '🔒 Closed',
  false_positive: '🚫 False positive',
};

/** Statuses from which "Close as false positive" makes no sense any more. */
const FINAL_STATUSES: readonly Status[] = ['closed', 'false_positive', 'resolved'];

const MAX_TITLE = 300;
const MAX_FIELD = 200;
const MAX_EVENT = 220;
const MAX_SUMMARY = 1500;
const MAX_STEPS = 3;

/** Escapes text for Telegram's HTML parse mode (and for attribute values). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Cuts a raw value to `max` characters (before escaping, so no entity is split). */
export function clip(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

const esc = (value: string, max = MAX_FIELD) => escapeHtml(clip(value, max));

/** The colour dot shown before the severity. */
export function severityEmoji(severity: Severity): string {
  return SEVERITY_EMOJI[severity];
}

/** The status as people read it, with an emoji. */
export function statusLabel(status: Status): string {
  return STATUS_LABEL[status];
}

/** The zone's name as shown next to times: the configured IANA name, or this machine's for 'local'. */
export function zoneName(timeZone: string): string {
  return timeZone === 'local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : timeZone;
}

/** One formatter per time zone (a shift report formats thousands of times). */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:mm:ss` in `timeZone` ('local' or an IANA name). */
export function formatTime(iso: string, timeZone: string): string {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return iso;
  let format = formatters.get(timeZone);
  if (!format) formatters.set(timeZone, (format = zonedFormat(timeZone)));
  return formatZoned(format, at);
}

/** `ack:<id>`; refuses data Telegram would reject rather than send a dead button. */
export function callbackData(action: CallbackAction, id: string): string {
  const data = `${action}:${id}`;
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) {
    throw new Error(`callback data over ${CALLBACK_DATA_MAX_BYTES} bytes: ${data}`);
  }
  return data;
}

/** The action and id in a button's callback data, or null for data that is not ours. */
export function parseCallback(data: string | undefined): { action: CallbackAction; id: string } | null {
  if (!data) return null;
  const colon = data.indexOf(':');
  if (colon <= 0) return null;
  const action = data.slice(0, colon) as CallbackAction;
  const id = data.slice(colon + 1);
  return ACTIONS.includes(action) && id !== '' ? { action, id } : null;
}

/** The buttons an incident's status allows: Acknowledge (new), Close as false positive (still open), Refresh. */
export function incidentKeyboard(incident: Pick<Incident, 'id' | 'status'>): InlineKeyboard {
  const actions: InlineButton[] = [];
  if (incident.status === 'new') {
    actions.push({ text: '✅ Acknowledge', callback_data: callbackData('ack', incident.id) });
  }
  if (!FINAL_STATUSES.includes(incident.status)) {
    actions.push({ text: '🚫 Close as false positive', callback_data: callbackData('fp', incident.id) });
  }
  const rows = actions.length > 0 ? [actions] : [];
  rows.push([{ text: '🔄 Refresh', callback_data: callbackData('ref', incident.id) }]);
  return { inline_keyboard: rows };
}

/** Allow / Ignore / Block under an admin's "wants incidents" message. */
export function decisionKeyboard(chatId: string): InlineKeyboard {
  return {
    inline_keyboard: [
      [
        { text: '✅ Allow', callback_data: callbackData('allow', chatId) },
        { text: '🙈 Ignore', callback_data: callbackData('ignore', chatId) },
        { text: '⛔ Block', callback_data: callbackData('block', chatId) },
      ],
    ],
  };
}

/** Only http(s) links become links; anything else (javascript:, a masked value) stays text. */
function safeUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** A raw event in one line: its time and its top-level (and one level nested) scalar fields. */
export function summarizeEvent(event: RawEvent, timeZone: string): string {
  const time = formatTime(event.receivedAt, timeZone).slice(11);
  let summary: string;
  try {
    summary = describeValue(JSON.parse(event.body) as unknown);
  } catch {
    summary = event.body.replace(/\s+/g, ' ');
  }
  return `<code>${time}</code> ${esc(summary || '(empty)', MAX_EVENT)}`;
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const pairs: string[] = [];
  const visit = (record: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [key, item] of Object.entries(record)) {
      if (pairs.join(', ').length > MAX_EVENT) return;
      if (item === null || item === undefined || item === '') continue;
      if (typeof item === 'object') {
        if (depth === 0 && !Array.isArray(item))
          visit(item as Record<string, unknown>, `${prefix}${key}.`, 1);
        continue;
      }
      const scalar =
        typeof item === 'string'
          ? item
          : typeof item === 'number' || typeof item === 'boolean' || typeof item === 'bigint'
            ? String(item)
            : null;
      if (scalar !== null) pairs.push(`${prefix}${key}=${scalar}`);
    }
  };
  visit(Array.isArray(value) ? { items: value.length } : (value as Record<string, unknown>), '', 0);
  return pairs.join(', ');
}

export interface RenderOptions {
  timeZone: string;
  eventsInMessage: number;
}

/** The incident message with its buttons (a test message has none). */
export function renderIncident(message: OutgoingMessage, options: RenderOptions): RenderedMessage {
  const { incident } = message;
  const head: string[] = [];
  const test = message.purpose === 'test';
  head.push(
    `${test ? '🧪' : severityEmoji(incident.severity)} <b>${escapeHtml(incident.severity.toUpperCase())}</b> · <b>${esc(incident.title, MAX_TITLE)}</b>`,
  );
  head.push(`ID: <code>${esc(incident.id)}</code>`);
  const count =
    incident.count > 1
      ? ` (×${incident.count}, last ${formatTime(incident.lastSeen, options.timeZone)})`
      : '';
  head.push(
    `Time: ${formatTime(incident.firstSeen, options.timeZone)} ${esc(zoneName(options.timeZone))}${count}`,
  );
  head.push(`Status: ${statusLabel(incident.status)}`);
  if (incident.category) head.push(`Type: ${esc(incident.category)}`);
  const host = incident.entities.hosts[0];
  if (host) head.push(`Host: <code>${esc(host)}</code>`);
  head.push(`Source: ${esc(incident.source.name)} (${esc(incident.source.kind)})`);
  const links: string[] = [];
  const consoleUrl = safeUrl(incident.consoleUrl);
  if (consoleUrl) links.push(`<a href="${escapeHtml(consoleUrl)}">Open in ${esc(incident.source.name)}</a>`);
  const appUrl = safeUrl(message.appUrl);
  if (appUrl) links.push(`<a href="${escapeHtml(appUrl)}">Open in Vigil</a>`);
  if (links.length > 0) head.push(links.join(' · '));
  if (test) head.push('', esc(incident.description, 500));

  const analysis = analysisSection(message);
  const events = message.events.slice(0, options.eventsInMessage);
  // Events go first when the text is too long: the incident and its summary matter more.
  for (let shown = events.length; ; shown--) {
    const sections = [head.join('\n')];
    if (shown > 0) {
      const more = message.events.length > shown ? ` (latest ${shown})` : '';
      sections.push(
        [
          `<b>Events</b>${more}`,
          ...events.slice(0, shown).map((e) => `• ${summarizeEvent(e, options.timeZone)}`),
        ].join('\n'),
      );
    }
    if (analysis) sections.push(analysis);
    const text = sections.join('\n\n');
    if (renderedLength(text) <= TEXT_LIMIT || shown === 0) {
      return {
        // Every value is clipped, so the head alone always fits; a huge analysis is what gets dropped.
        text: renderedLength(text) <= TEXT_LIMIT ? text : head.join('\n'),
        replyMarkup: test ? null : incidentKeyboard(incident),
      };
    }
  }
}

/** The length Telegram counts: the text after entity parsing (tags gone, entities one character). */
export function renderedLength(html: string): number {
  return html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot);/g, '_').length;
}

function analysisSection(message: OutgoingMessage): string | null {
  const { analysis } = message;
  if (!analysis) return null;
  if (analysis.state === 'pending') return '🤖 <i>AI analysis in progress…</i>';
  if (analysis.state !== 'done' || !analysis.summary) return null;
  const lines = [`🤖 <b>AI summary</b>`, esc(analysis.summary, MAX_SUMMARY)];
  if (analysis.severityAssessment) {
    const { severity, rationale } = analysis.severityAssessment;
    lines.push(`AI severity: ${severityEmoji(severity)} ${escapeHtml(severity)} — ${esc(rationale, 300)}`);
  }
  const steps = analysis.mitigationSteps.slice(0, MAX_STEPS);
  if (steps.length > 0) lines.push('Next steps:', ...steps.map((step) => `• ${esc(step, 300)}`));
  return lines.join('\n');
}

/** A chat's name for people: its title, the person's name, or its @username. */
export function chatTitle(chat: {
  id: number | string;
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}): string {
  const name = chat.title ?? [chat.first_name, chat.last_name].filter(Boolean).join(' ');
  if (name) return clip(name, 120);
  return chat.username ? `@${chat.username}` : String(chat.id);
}

/** `Telegram: @username (Full Name)` — how a Telegram user appears on the timeline. */
export function telegramActor(user: {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
}): string {
  const name = clip([user.first_name, user.last_name].filter(Boolean).join(' '), 80);
  if (user.username) return `Telegram: @${user.username}${name ? ` (${name})` : ''}`;
  return `Telegram: ${name || 'user'} (id ${user.id})`;
}
