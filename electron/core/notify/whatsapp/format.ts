/**
 * The text of a WhatsApp alert. WhatsApp has no markup language, only
 * inline markers (*bold*, _italic_, ```mono```) and no way to escape them, so
 * values are wrapped only when they contain no marker of their own, and
 * underscores in our own words (false_positive) become spaces.
 */
import type { Severity } from '../../../../shared/domain';
import { formatTime } from '../channels/format';
import type { OutgoingMessage } from '../channel-adapter';

/** WhatsApp's (and the Cloud API's) limit on a text message body. */
export const MAX_TEXT = 4096;
/** Raw events shown at most; a phone screen is small. */
export const EVENTS_SHOWN = 3;
const EVENT_CHARS = 400;
const DESCRIPTION_CHARS = 300;

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🟢',
  info: '🔵',
};

/**
 * Whether a value can be wrapped in `marker` without WhatsApp misreading it:
 * no line break, no edge space, no copy of the marker, and no pair of
 * another marker that would open a second style inside.
 */
function wrappable(value: string, marker: string): boolean {
  if (value === '' || value.includes('\n') || value.trim() !== value || value.includes(marker)) return false;
  return ['*', '_', '~'].every((other) => value.split(other).length <= 2) && !value.includes('```');
}

function bold(value: string): string {
  return wrappable(value, '*') ? `*${value}*` : value;
}

function italic(value: string): string {
  return wrappable(value, '_') ? `_${value}_` : value;
}

function mono(value: string): string {
  return '```' + value.replaceAll('```', "'''") + '```';
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function words(value: string): string {
  return value.replaceAll('_', ' ');
}

function list(values: string[], max = 3): string {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown} (+${String(values.length - max)} more)` : shown;
}

function compactEvent(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body) as unknown);
  } catch {
    return body.replace(/\s+/g, ' ').trim();
  }
}

/** The message text for one incident, at most `limit` characters: events are dropped first to fit. */
export function formatWhatsAppText(message: OutgoingMessage, limit = MAX_TEXT): string {
  const { incident, analysis, events, appUrl, purpose } = message;
  const at = (iso: string) => formatTime(iso, message.timeZone);
  const severity = `${SEVERITY_EMOJI[incident.severity]} ${bold(incident.severity.toUpperCase())}`;
  const lead = purpose === 'update' ? `🔁 ${bold('Update')} · ` : purpose === 'test' ? '🧪 ' : '';
  const lines = [`${lead}${severity} · ${bold(incident.title)}`];
  if (incident.description.trim() !== '')
    lines.push(italic(clip(incident.description.trim(), DESCRIPTION_CHARS)));
  lines.push('');
  const { hosts, ips, users } = incident.entities;
  if (hosts.length > 0) lines.push(`*Host:* ${list(hosts)}`);
  else if (ips.length > 0) lines.push(`*IP:* ${list(ips)}`);
  if (users.length > 0) lines.push(`*User:* ${list(users)}`);
  lines.push(`*Source:* ${incident.source.name} (${incident.source.kind})`);
  lines.push(`*Status:* ${words(incident.status)}${incident.assignee ? ` · ${incident.assignee}` : ''}`);
  lines.push(`*Time:* ${at(incident.lastSeen)}`);
  if (incident.count > 1) {
    lines.push(`*Count:* ${String(incident.count)} (since ${at(incident.firstSeen)})`);
  } else {
    lines.push(`*Count:* 1`);
  }
  if (incident.consoleUrl) lines.push(`*Console:* ${incident.consoleUrl}`);
  if (appUrl) lines.push(`*Vigil:* ${appUrl}`);
  if (analysis?.state === 'done' && analysis.summary) {
    const confidence =
      analysis.confidence === null ? '' : ` (confidence ${String(Math.round(analysis.confidence * 100))} %)`;
    lines.push('', `🤖 ${bold('AI summary')}${confidence}`, clip(analysis.summary.trim(), 1200));
  }
  let text = lines.join('\n');
  if (text.length > limit) return clip(text, limit);

  const shown = events.slice(0, EVENTS_SHOWN);
  if (shown.length > 0) {
    const of =
      incident.count > shown.length ? ` (latest ${String(shown.length)} of ${String(incident.count)})` : '';
    let section = `\n\n${bold('Last events')}${of}`;
    for (const event of shown) {
      const entry = `\n${at(event.receivedAt)}\n${mono(clip(compactEvent(event.body), EVENT_CHARS))}`;
      if (text.length + section.length + entry.length > limit) break;
      section += entry;
    }
    if (section.includes('```')) text += section;
  }
  return text;
}
