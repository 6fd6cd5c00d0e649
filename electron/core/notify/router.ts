/**
 * Which channels an incident goes to, and when: the channel's own filters
 * (minimum severity, sources, categories), routing rules that add or
 * suppress channels, silences that hold everything back while they last, and
 * quiet hours that delay non-critical incidents until they end.
 */
import type { ChannelConfig, Config, RoutingRule, Silence } from '../../../shared/config';
import type { Incident } from '../../../shared/domain';
import { severityRank } from '../../../shared/domain';

export interface Route {
  channelId: string;
  /** 'held' waits for quiet hours to end. */
  state: 'pending' | 'held';
  notBefore: number;
  reason: string;
}

export interface RoutingDecision {
  routes: Route[];
  /** The silence that held this incident back, if one did. */
  silencedBy: Silence | null;
}

type Match = RoutingRule['match'];

export function matches(incident: Incident, match: Match): boolean {
  if (match.minSeverity && severityRank(incident.severity) < severityRank(match.minSeverity)) return false;
  if (
    match.sources.length > 0 &&
    !match.sources.some((s) => s === incident.source.kind || s === incident.source.id)
  ) {
    return false;
  }
  if (match.categories.length > 0 && !match.categories.includes(incident.category ?? '')) return false;
  if (match.hosts.length > 0) {
    const hosts = incident.entities.hosts.map((h) => h.toLowerCase());
    if (!match.hosts.some((h) => hosts.includes(h.toLowerCase()))) return false;
  }
  if (match.titleContains && !incident.title.toLowerCase().includes(match.titleContains.toLowerCase()))
    return false;
  return true;
}

function channelWants(channel: ChannelConfig, incident: Incident): boolean {
  if (severityRank(incident.severity) < severityRank(channel.minSeverity)) return false;
  if (
    channel.sources.length > 0 &&
    !channel.sources.some((s) => s === incident.source.kind || s === incident.source.id)
  ) {
    return false;
  }
  return channel.categories.length === 0 || channel.categories.includes(incident.category ?? '');
}

/** Minutes since local midnight in a zone ('local' = this machine's). */
function minutesOfDay(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    ...(timeZone === 'local' ? {} : { timeZone }),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** When the quiet hours that `at` falls into end, or null when `at` is not in quiet hours. */
export function quietUntil(
  at: number,
  quiet: Config['routing']['quietHours'],
  timeZone: string,
): number | null {
  if (!quiet) return null;
  const now = minutesOfDay(at, timeZone);
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const wait = (end - now + 24 * 60) % (24 * 60);
  // Round to the start of the end minute: the clock's seconds are not known to the minute maths.
  return at + wait * 60_000 - (at % 60_000);
}

export function route(incident: Incident, config: Config, now: number): RoutingDecision {
  const silencedBy =
    config.routing.silences.find((s) => Date.parse(s.expiresAt) > now && matches(incident, s.match)) ?? null;
  if (silencedBy) return { routes: [], silencedBy };

  const rules = config.routing.rules.filter((r) => r.enabled && matches(incident, r.match));
  const appliesTo = (rule: RoutingRule, channel: ChannelConfig) =>
    rule.channels.length === 0 || rule.channels.includes(channel.id);
  const quietEnd =
    incident.severity === 'critical' ? null : quietUntil(now, config.routing.quietHours, config.ui.timeZone);

  const routes: Route[] = [];
  for (const channel of config.channels) {
    if (!channel.enabled) continue;
    if (rules.some((r) => r.action === 'suppress' && appliesTo(r, channel))) continue;
    const forced = rules.find((r) => r.action === 'notify' && appliesTo(r, channel));
    if (!forced && !channelWants(channel, incident)) continue;
    const reason = forced ? `rule ${forced.name}` : `severity ${incident.severity} >= ${channel.minSeverity}`;
    routes.push(
      quietEnd === null
        ? { channelId: channel.id, state: 'pending', notBefore: now, reason }
        : {
            channelId: channel.id,
            state: 'held',
            notBefore: quietEnd,
            reason: `${reason}; held for quiet hours until ${new Date(quietEnd).toISOString()}`,
          },
    );
  }
  return { routes, silencedBy: null };
}
