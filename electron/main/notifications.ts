/**
 * Which push events become a desktop notification, and what it says. Pure so
 * the rule is tested without Electron; main only shows the result.
 */
import type { Severity } from '../../shared/domain';

/** Severities loud enough to interrupt an analyst with a native notification. */
const NOTIFY_SEVERITIES: ReadonlySet<Severity> = new Set<Severity>(['high', 'critical']);
/** Notification centres truncate anyway; a bounded body keeps a hostile title from flooding them. */
const MAX_TEXT = 180;

export interface IncidentNotice {
  title: string;
  body: string;
  incidentId: string;
  severity: Severity;
}

interface ChangedPayload {
  change: string;
  item: { id: string; title: string; severity: Severity; host: string | null };
}

function isChangedPayload(payload: unknown): payload is ChangedPayload {
  if (typeof payload !== 'object' || payload === null) return false;
  const { change, item } = payload as { change?: unknown; item?: unknown };
  if (typeof change !== 'string' || typeof item !== 'object' || item === null) return false;
  const { id, title, severity, host } = item as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    typeof title === 'string' &&
    typeof severity === 'string' &&
    (host === null || host === undefined || typeof host === 'string')
  );
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/**
 * The notification for an `incidents.changed` payload, or null when it does
 * not warrant one (not newly created, or below high severity).
 */
export function incidentNotice(payload: unknown): IncidentNotice | null {
  if (!isChangedPayload(payload)) return null;
  const { change, item } = payload;
  if (change !== 'created' || !NOTIFY_SEVERITIES.has(item.severity)) return null;
  return {
    title: `Vigil: ${item.severity} incident`,
    body: `${clip(item.title)}\nHost: ${clip(item.host ?? 'unknown')}`,
    incidentId: item.id,
    severity: item.severity,
  };
}

/** The part of the config the built-in rule depends on. */
export interface ChannelsConfig {
  channels: readonly { kind: string; enabled: boolean }[];
}

/**
 * Whether the shell's built-in rule (a native notification for every new high
 * or critical incident) applies. It does only while no enabled desktop channel
 * exists: such a channel sends desktop notifications through the outbox, where
 * routing rules, quiet hours and silences apply, and both at once would show
 * every incident twice (the second one ignoring any silence).
 */
export function builtInNotificationsActive(config: ChannelsConfig): boolean {
  return !config.channels.some((channel) => channel.kind === 'desktop' && channel.enabled);
}
