/**
 * What the chat and mail channels (Teams, Mattermost, e-mail) say about an
 * incident, and the one small HTTP POST they share. Every channel shows the
 * same facts, events and AI summary; each adapter only dresses them in its
 * own markup and escapes values on the way in, because incident titles and
 * raw events come from the outside and may carry markup of their own.
 *
 * Times are shown in the console's time zone (ui.timeZone), which the outbox
 * puts on each message, with the zone's name beside them; UTC without one.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { Analysis, Incident, RawEvent, Severity } from '../../../../shared/domain';
import type { Clock } from '../../clock';
import { describeNetworkError, parseRetryAfter } from '../../sources/http-client';
import { SourceError } from '../../sources/source-error';
import type { OutgoingMessage } from '../channel-adapter';
import { formatTime as formatZonedTime, zoneName } from '../telegram/format';

export interface SeverityStyle {
  /** Upper-case name for subjects and headers: "HIGH". */
  label: string;
  emoji: string;
  /** `#RRGGBB`, the attachment colour in Mattermost and the theme colour of a legacy Teams card. */
  hex: string;
  /** The Adaptive Card colour/container style. */
  adaptive: 'attention' | 'warning' | 'good' | 'accent';
}

/** How each severity looks in every channel; Mattermost colours are fixed by the product spec. */
export const SEVERITY_STYLES: Readonly<Record<Severity, SeverityStyle>> = {
  critical: { label: 'CRITICAL', emoji: '🔴', hex: '#FF0000', adaptive: 'attention' },
  high: { label: 'HIGH', emoji: '🟠', hex: '#FF6600', adaptive: 'attention' },
  medium: { label: 'MEDIUM', emoji: '🟡', hex: '#FFD700', adaptive: 'warning' },
  low: { label: 'LOW', emoji: '🟢', hex: '#00FF00', adaptive: 'good' },
  info: { label: 'INFO', emoji: '🔵', hex: '#0099FF', adaptive: 'accent' },
};

/** Raw events shown in one message at most. */
export const EVENTS_SHOWN = 5;
const DESCRIPTION_MAX = 1500;
const EVENT_MAX = 300;
const SUMMARY_MAX = 1500;
const STEPS_SHOWN = 3;

/** Cuts a text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes a value for HTML text and attribute (double-quoted) positions. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Keeps an outside value from becoming a Markdown link (`[text](url)`) in a
 * chat message: a zero-width space between `]` and `(` reads the same but is
 * no longer link syntax, so an alert title cannot dress a phishing URL up
 * as a console button.
 */
export function defuseMarkdownLinks(value: string): string {
  return value.replaceAll('](', ']\u200b(');
}

/** The URL when it is http(s), else null: only such links go into buttons and hrefs. */
export function safeLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/** An ISO time as "2026-11-20 13:00:00 Europe/Moscow" (UTC by default); anything unparsable is shown as given. */
export function formatTime(iso: string, timeZone = 'UTC'): string {
  if (!Number.isFinite(Date.parse(iso))) return iso;
  return `${formatZonedTime(iso, timeZone)} ${zoneName(timeZone)}`;
}

/** What kind of message this is, for headers and subjects. */
export function purposeLabel(purpose: OutgoingMessage['purpose']): string {
  switch (purpose) {
    case 'incident':
      return 'New incident';
    case 'update':
      return 'Incident updated';
    case 'test':
      return 'Test message';
  }
}

/** The first host of the incident, if any. */
export function primaryHost(incident: Incident): string | null {
  return incident.entities.hosts[0] ?? null;
}

/** The incident title, with " on <host>" added when the title does not already name the host. */
export function titleWithHost(incident: Incident): string {
  const host = primaryHost(incident);
  if (!host || incident.title.toLowerCase().includes(host.toLowerCase())) return incident.title;
  return `${incident.title} on ${host}`;
}

/** "[Vigil][HIGH] <title> on <host>", on one line (no header injection through a title). */
export function subjectLine(message: OutgoingMessage): string {
  const { incident, purpose } = message;
  const prefix = purpose === 'update' ? 'Updated: ' : '';
  const subject = `[Vigil][${SEVERITY_STYLES[incident.severity].label}] ${prefix}${titleWithHost(incident)}`;
  return truncate(subject.replace(/[\r\n\t]+/g, ' '), 200);
}

export interface Fact {
  title: string;
  value: string;
  /** Short enough to sit beside another fact (Mattermost's two columns). */
  short: boolean;
}

/** The incident's facts in display order; empty ones are left out. */
export function incidentFacts(incident: Incident, timeZone?: string): Fact[] {
  const facts: Fact[] = [];
  const add = (title: string, value: string | null | undefined, short = true) => {
    if (value !== null && value !== undefined && value !== '') facts.push({ title, value, short });
  };
  add('Severity', SEVERITY_STYLES[incident.severity].label);
  add('Status', incident.status.replaceAll('_', ' '));
  add('Source', `${incident.source.name} (${incident.source.kind})`);
  const hosts = incident.entities.hosts;
  add('Host', hosts.length > 3 ? `${hosts.slice(0, 3).join(', ')} +${hosts.length - 3}` : hosts.join(', '));
  add('First seen', formatTime(incident.firstSeen, timeZone));
  add('Last seen', formatTime(incident.lastSeen, timeZone));
  add('Count', String(incident.count));
  add('Category', incident.category);
  const mitre = [...incident.mitre.tactics, ...incident.mitre.techniques];
  add('MITRE ATT&CK', mitre.join(', '), false);
  return facts;
}

/** The description, cut to a size every channel accepts. */
export function descriptionText(incident: Incident): string {
  return truncate(incident.description.trim(), DESCRIPTION_MAX);
}

export interface EventLine {
  at: string;
  text: string;
}

/** The newest raw events (at most EVENTS_SHOWN), each on one line: compacted JSON or collapsed text. */
export function eventLines(events: RawEvent[], timeZone?: string, limit = EVENTS_SHOWN): EventLine[] {
  return events.slice(0, limit).map((event) => ({
    at: formatTime(event.receivedAt, timeZone),
    text: truncate(compactBody(event.body), EVENT_MAX),
  }));
}

function compactBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body));
  } catch {
    return body.replace(/\s+/g, ' ').trim();
  }
}

export interface AnalysisView {
  summary: string;
  /** "HIGH — rationale", when the model assessed the severity. */
  assessment: string | null;
  steps: string[];
  model: string | null;
}

/** The AI analysis worth showing: only a finished one with a summary. */
export function analysisView(analysis: Analysis | null): AnalysisView | null {
  if (!analysis || analysis.state !== 'done' || !analysis.summary) return null;
  const assessed = analysis.severityAssessment;
  return {
    summary: truncate(analysis.summary.trim(), SUMMARY_MAX),
    assessment: assessed
      ? truncate(`${SEVERITY_STYLES[assessed.severity].label} — ${assessed.rationale}`, 500)
      : null,
    steps: analysis.mitigationSteps.slice(0, STEPS_SHOWN).map((s) => truncate(s, 300)),
    model: analysis.model,
  };
}

/** Links a message offers: the incident in Vigil and in the vendor console, http(s) only. */
export function messageLinks(message: OutgoingMessage): { title: string; url: string }[] {
  const links: { title: string; url: string }[] = [];
  const app = safeLink(message.appUrl);
  if (app) links.push({ title: 'Open in Vigil', url: app });
  const vendor = safeLink(message.incident.consoleUrl);
  if (vendor) links.push({ title: `Open in ${message.incident.source.name}`, url: vendor });
  return links;
}

export interface PostResult {
  status: number;
  contentType: string;
  text: string;
}

export interface PostOptions {
  /** Names the endpoint in errors: "Teams webhook". */
  label: string;
  signal: AbortSignal;
  clock: Clock;
  timeoutMs?: number;
}

const POST_TIMEOUT_MS = 15_000;
/** Webhooks answer "1", "ok" or a short error; anything longer is cut, not buffered. */
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * POSTs JSON to a webhook and returns the answer as text, whatever its type
 * (Teams answers "1" or nothing, Mattermost "ok"). Failures become
 * SourceErrors as in http-client.ts: timeouts, refused connections, 401/403
 * ('auth'), 429 with Retry-After ('rate_limited'), other 4xx/5xx ('http',
 * with what the server said). Errors name the endpoint by origin only: the
 * path and query of a webhook URL are its credential.
 */
export async function postJson(url: string, body: unknown, options: PostOptions): Promise<PostResult> {
  const timeoutMs = options.timeoutMs ?? POST_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError('config', `${options.label}: the URL is not valid`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new SourceError('config', `${options.label}: the URL must start with https://`);
  const target = `${options.label} at ${parsed.origin}`;
  let result: RawAnswer;
  try {
    result = await post(parsed, JSON.stringify(body), signal);
  } catch (error) {
    if (timeout.aborted)
      throw new SourceError('timeout', `${target}: no answer within ${timeoutMs / 1000} s`);
    if (options.signal.aborted) throw new SourceError('network', `${target}: cancelled`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceError('network', `${target}: ${describeNetworkError(code, (error as Error).message)}`);
  }
  const { status } = result;
  if (status >= 300 && status < 400)
    throw new SourceError(
      'http',
      `${target}: redirected (HTTP ${status}); check the webhook URL`,
      undefined,
      status,
    );
  if (status >= 400) {
    const said = serverSaid(result);
    const kind = status === 401 || status === 403 ? 'auth' : status === 429 ? 'rate_limited' : 'http';
    throw new SourceError(
      kind,
      `${target}: HTTP ${status}${said ? ` — ${said}` : ''}`,
      parseRetryAfter(result.retryAfter, options.clock),
      status,
    );
  }
  return { status, contentType: result.contentType, text: result.text };
}

type RawAnswer = PostResult & { retryAfter: string | null };

function post(url: URL, payload: string, signal: AbortSignal): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: 'POST',
        signal,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          Accept: 'application/json, text/plain, */*',
          'Content-Length': String(Buffer.byteLength(payload)),
          'User-Agent': 'Vigil',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_ANSWER_BYTES) return;
          size += chunk.length;
          chunks.push(chunk);
        });
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            text: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES),
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          });
        });
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('the answer was cut off')));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The human part of an error answer: a JSON message, an HTML page's title, or the text itself. */
export function serverSaid(answer: { contentType: string; text: string }): string | null {
  const text = answer.text.trim();
  if (!text) return null;
  try {
    const found = messageIn(JSON.parse(text) as unknown);
    if (found) return truncate(found.replace(/\s+/g, ' '), 300);
  } catch {
    // not JSON: fall through to HTML or plain text
  }
  if (answer.contentType.includes('html') || /^<(!doctype|html)/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return title ? `an HTML page: ${truncate(title, 200)}` : 'an HTML page';
  }
  return truncate(text.replace(/\s+/g, ' '), 300);
}

function messageIn(body: unknown): string | null {
  if (typeof body === 'string') return body;
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'error_description', 'detailed_error', 'detail', 'error']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value;
    if (key === 'error' && value && typeof value === 'object') {
      const nested = messageIn(value);
      if (nested) return nested;
    }
  }
  return null;
}
