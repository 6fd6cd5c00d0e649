/**
 * Mattermost through an incoming webhook (`/hooks/<key>`, the key being the
 * credential): one post with a Slack-style attachment coloured by severity.
 * Mattermost answers 200 "ok" as text/plain. `username`, `icon_url` and
 * `channel` are only honoured when the server and the hook allow overrides.
 */
import type { MattermostChannelConfig } from '../../../../shared/config';
import { SourceError } from '../../sources/source-error';
import type { ChannelFactory, OutgoingMessage, SendContext } from '../channel-adapter';
import {
  SEVERITY_STYLES,
  analysisView,
  defuseMarkdownLinks,
  descriptionText,
  eventLines,
  incidentFacts,
  messageLinks,
  postJson,
  purposeLabel,
  titleWithHost,
  truncate,
} from './format';

type Json = Record<string, unknown>;

/**
 * Outside text for Mattermost Markdown: no live links, no channel-wide
 * mentions (an alert titled "@channel" must not page everyone), and no
 * closing of the code fence the events sit in.
 */
export function mattermostText(value: string): string {
  return defuseMarkdownLinks(value)
    .replace(/@(channel|here|all)\b/gi, '@\u200b$1')
    .replaceAll('```', '`\u200b``');
}

/** The incoming-webhook body for a message. */
export function mattermostPayload(channel: MattermostChannelConfig, message: OutgoingMessage): Json {
  const { incident } = message;
  const style = SEVERITY_STYLES[incident.severity];
  const parts: string[] = [];
  const description = descriptionText(incident);
  if (description) parts.push(mattermostText(description));
  const events = eventLines(message.events, message.timeZone);
  if (events.length > 0)
    parts.push(
      `**Recent events**\n\`\`\`\n${events.map((e) => mattermostText(`${e.at}  ${e.text}`)).join('\n')}\n\`\`\``,
    );
  const analysis = analysisView(message.analysis);
  if (analysis) {
    const lines = [`**AI summary**`, mattermostText(analysis.summary)];
    if (analysis.assessment) lines.push(`_Assessed severity:_ ${mattermostText(analysis.assessment)}`);
    lines.push(...analysis.steps.map((s, i) => `${i + 1}. ${mattermostText(s)}`));
    parts.push(lines.join('\n'));
  }
  const links = messageLinks(message);
  if (links.length > 1) parts.push(links.map((l) => `[${l.title}](${l.url})`).join(' · '));
  const lastSeen = Date.parse(incident.lastSeen);
  const attachment: Json = {
    fallback: truncate(`[${style.label}] ${titleWithHost(incident)}`, 300),
    color: style.hex,
    title: truncate(mattermostText(incident.title), 250),
    text: parts.join('\n\n'),
    fields: incidentFacts(incident, message.timeZone).map((f) => ({
      short: f.short,
      title: f.title,
      value: mattermostText(f.value),
    })),
    footer: truncate(`Vigil · ${incident.source.name} · ${incident.id}`, 300),
    ts: Number.isFinite(lastSeen) ? Math.floor(lastSeen / 1000) : undefined,
  };
  if (links[0]) attachment.title_link = links[0].url;
  const payload: Json = {
    username: channel.username,
    text: `${style.emoji} **${style.label}** · ${purposeLabel(message.purpose)}: ${mattermostText(titleWithHost(incident))}`,
    attachments: [attachment],
  };
  if (channel.iconUrl) payload.icon_url = channel.iconUrl;
  if (channel.channel) payload.channel = channel.channel;
  return payload;
}

/** Sends to a Mattermost incoming webhook; sends no updates (a webhook cannot edit its post). */
export const createMattermostAdapter: ChannelFactory<'mattermost'> = (channel: MattermostChannelConfig) => ({
  sendsUpdates: false,
  async send(message: OutgoingMessage, ctx: SendContext) {
    const url = ctx.secret(channel.webhookUrl);
    if (!url) throw new SourceError('config', 'set the incoming webhook URL for this Mattermost channel');
    const answer = await postJson(url, mattermostPayload(channel, message), {
      label: 'Mattermost webhook',
      signal: ctx.signal,
      clock: ctx.clock,
    });
    const said = answer.text.trim();
    return { refs: [], detail: said === 'ok' ? `HTTP ${answer.status} ok` : `HTTP ${answer.status}` };
  },
});
