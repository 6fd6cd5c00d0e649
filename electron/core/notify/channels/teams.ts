/**
 * Microsoft Teams through an incoming webhook. 'adaptive' posts an Adaptive
 * Card message to a Workflows (Power Automate) webhook, which accepts it
 * asynchronously (202, empty body; card errors only show in the flow's run
 * history). 'legacy' posts an Office 365 connector MessageCard, which
 * answers "1" and used to report throttling inside a 200 body. The webhook
 * URL carries its own signature, so it is stored as a secret and errors name
 * only its origin.
 */
import type { TeamsChannelConfig } from '../../../../shared/config';
import { SourceError } from '../../sources/source-error';
import type { ChannelFactory, OutgoingMessage, SendContext } from '../channel-adapter';
import {
  SEVERITY_STYLES,
  analysisView,
  defuseMarkdownLinks,
  descriptionText,
  escapeHtml,
  eventLines,
  incidentFacts,
  messageLinks,
  postJson,
  purposeLabel,
  serverSaid,
} from './format';

const ADAPTIVE_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Teams renders 1.5 on desktop but not everywhere on mobile; 1.4 has all this card needs. */
const ADAPTIVE_VERSION = '1.4';
/** How long to hold off when a legacy connector says it is throttled without a Retry-After. */
const LEGACY_THROTTLE_MS = 30_000;

type Json = Record<string, unknown>;

/** Text for an Adaptive Card: Teams renders no HTML there, but Markdown links would be live. */
const md = (value: string) => defuseMarkdownLinks(value);

/** The Adaptive Card (the `content` of the attachment) for a message. */
export function adaptiveCard(message: OutgoingMessage): Json {
  const { incident } = message;
  const style = SEVERITY_STYLES[incident.severity];
  const body: Json[] = [
    {
      type: 'Container',
      style: style.adaptive,
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          text: `${style.emoji} ${style.label} · ${purposeLabel(message.purpose)}`,
          weight: 'Bolder',
          color: style.adaptive,
          wrap: true,
        },
        { type: 'TextBlock', text: md(incident.title), size: 'Large', weight: 'Bolder', wrap: true },
      ],
    },
    {
      type: 'FactSet',
      facts: incidentFacts(incident, message.timeZone).map((f) => ({ title: f.title, value: md(f.value) })),
    },
  ];
  const description = descriptionText(incident);
  if (description) body.push({ type: 'TextBlock', text: md(description), wrap: true });
  const events = eventLines(message.events, message.timeZone);
  if (events.length > 0) {
    body.push({
      type: 'Container',
      separator: true,
      items: [
        { type: 'TextBlock', text: 'Recent events', weight: 'Bolder', wrap: true },
        ...events.map((e) => ({
          type: 'TextBlock',
          text: md(`${e.at} — ${e.text}`),
          fontType: 'Monospace',
          size: 'Small',
          wrap: true,
        })),
      ],
    });
  }
  const analysis = analysisView(message.analysis);
  if (analysis) {
    const items: Json[] = [
      { type: 'TextBlock', text: 'AI summary', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: md(analysis.summary), wrap: true },
    ];
    if (analysis.assessment)
      items.push({ type: 'TextBlock', text: md(`Assessed severity: ${analysis.assessment}`), wrap: true });
    if (analysis.steps.length > 0)
      items.push({
        type: 'TextBlock',
        text: analysis.steps.map((s, i) => `${i + 1}. ${md(s)}`).join('\r'),
        wrap: true,
      });
    body.push({ type: 'Container', style: 'emphasis', separator: true, items });
  }
  const card: Json = {
    $schema: ADAPTIVE_SCHEMA,
    type: 'AdaptiveCard',
    version: ADAPTIVE_VERSION,
    msteams: { width: 'Full' },
    body,
  };
  const links = messageLinks(message);
  if (links.length > 0)
    card.actions = links.map((l) => ({ type: 'Action.OpenUrl', title: l.title, url: l.url }));
  return card;
}

/** The Workflows webhook message: the card wrapped as a message attachment. */
export function adaptiveMessage(message: OutgoingMessage): Json {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: adaptiveCard(message),
      },
    ],
  };
}

/** Text for a connector card, which renders Markdown and some HTML: both are neutralised. */
const html = (value: string) => defuseMarkdownLinks(escapeHtml(value));

/** The Office 365 connector MessageCard for a message. */
export function legacyCard(message: OutgoingMessage): Json {
  const { incident } = message;
  const style = SEVERITY_STYLES[incident.severity];
  const sections: Json[] = [
    {
      activityTitle: html(incident.title),
      activitySubtitle: html(`${incident.source.name} (${incident.source.kind})`),
      facts: incidentFacts(incident, message.timeZone).map((f) => ({ name: f.title, value: html(f.value) })),
      text: html(descriptionText(incident)),
      markdown: true,
    },
  ];
  const events = eventLines(message.events, message.timeZone);
  if (events.length > 0)
    sections.push({
      title: 'Recent events',
      text: events.map((e) => `${html(e.at)} — ${html(e.text)}`).join('\n\n'),
      markdown: true,
    });
  const analysis = analysisView(message.analysis);
  if (analysis) {
    const parts = [html(analysis.summary)];
    if (analysis.assessment) parts.push(`Assessed severity: ${html(analysis.assessment)}`);
    parts.push(...analysis.steps.map((s, i) => `${i + 1}. ${html(s)}`));
    sections.push({ title: 'AI summary', text: parts.join('\n\n'), markdown: true });
  }
  const card: Json = {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: style.hex.slice(1),
    summary: html(`[${style.label}] ${incident.title}`),
    title: `${style.emoji} ${style.label} · ${purposeLabel(message.purpose)}`,
    sections,
  };
  const links = messageLinks(message);
  if (links.length > 0)
    card.potentialAction = links.map((l) => ({
      '@type': 'OpenUri',
      name: l.title,
      targets: [{ os: 'default', uri: l.url }],
    }));
  return card;
}

/** Sends to a Teams webhook; sends no updates (a webhook cannot edit what it posted). */
export const createTeamsAdapter: ChannelFactory<'teams'> = (channel: TeamsChannelConfig) => ({
  sendsUpdates: false,
  async send(message: OutgoingMessage, ctx: SendContext) {
    const url = ctx.secret(channel.webhookUrl);
    if (!url)
      throw new SourceError(
        'config',
        channel.format === 'legacy'
          ? 'set the connector webhook URL for this Teams channel'
          : 'set the Workflows webhook URL for this Teams channel ("Post to a channel when a webhook request is received")',
      );
    const label = channel.format === 'legacy' ? 'Teams connector' : 'Teams Workflows webhook';
    const payload = channel.format === 'legacy' ? legacyCard(message) : adaptiveMessage(message);
    const answer = await postJson(url, payload, { label, signal: ctx.signal, clock: ctx.clock });
    if (channel.format === 'legacy') checkLegacyAnswer(answer.text, answer.contentType, label);
    return {
      refs: [],
      detail: answer.status === 202 ? 'HTTP 202 (accepted by the workflow)' : `HTTP ${answer.status}`,
    };
  },
});

/**
 * A connector says "1" on success; it reported throttling and delivery
 * failures in a 200 body ("Microsoft Teams endpoint returned HTTP error 429").
 */
function checkLegacyAnswer(text: string, contentType: string, label: string): void {
  const body = text.trim();
  if (body === '' || body === '1') return;
  if (/HTTP error 429/i.test(body))
    throw new SourceError(
      'rate_limited',
      `${label}: throttled by Teams (${body.slice(0, 200)})`,
      LEGACY_THROTTLE_MS,
    );
  if (/fail|error/i.test(body))
    throw new SourceError(
      'http',
      `${label}: ${serverSaid({ contentType, text: body }) ?? 'delivery failed'}`,
    );
}
