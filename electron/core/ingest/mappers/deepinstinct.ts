/**
 * Deep Instinct events (`GET /api/v1/events/`) and suspicious events
 * (`GET /api/v1/suspicious-events/`) as incidents. The payload is read
 * field by field and defensively: consoles of different versions add, drop
 * or retype fields, and none of that may stop an event from being stored.
 * The device record (`GET /api/v1/devices/{id}`), when the client could
 * fetch it, fills in what the event does not carry: IP address, logged-in
 * users and, for events without a recorded host snapshot, the host name.
 */
import { isIP } from 'node:net';

import type { FileEntity, Severity } from '../../../../shared/domain';
import { emptyEntities } from '../../../../shared/domain';
import type { NormalizedIncident } from '../ingestor';

/** The two event feeds; their ids are separate sequences, so keys carry the feed. */
export type DeepInstinctStream = 'events' | 'suspicious';

export interface DeepInstinctMapOptions {
  stream: DeepInstinctStream;
  /** The device record from `GET /devices/{device_id}`, when it could be fetched. */
  device?: Record<string, unknown> | null;
}

/**
 * `threat_severity` to Vigil's scale. Deep Instinct's five graded levels map
 * one to one onto Vigil's five, VERY_LOW being informational. The only value
 * seen in public payloads is `NONE` (static-analysis events carry no graded
 * severity), and the vendor notes give no colours for the levels, so nothing
 * here depends on colour. `NONE`, a missing field and any value not listed
 * fall back to the action (see `fallbackSeverity`).
 */
const SEVERITY_MAP: Readonly<Record<string, Severity>> = {
  VERY_HIGH: 'critical',
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
  VERY_LOW: 'info',
};

/** Event `type` values with a wording of their own; others are humanised. */
const TYPE_LABELS: Readonly<Record<string, string>> = {
  STATIC_ANALYSIS: 'Malicious file',
  RANSOMWARE_FILE_ENCRYPTION: 'Ransomware encryption',
};

const ACTION_VERBS: Readonly<Record<string, string>> = {
  PREVENTED: 'blocked',
  DETECTED: 'detected',
};

const USER_KEYS = ['logged_in_users', 'logged_in_user', 'user_name', 'username', 'user'] as const;
const PROCESS_KEYS = [
  'process_path',
  'process_name',
  'process_command_line',
  'command_line',
  'parent_process_path',
  'parent_process_name',
] as const;

type Fields = Record<string, unknown>;

/** The event's numeric id, or null when it has none usable (such an event cannot be tracked). */
export function deepInstinctEventId(event: Fields): number | null {
  const id = event.id;
  const value = typeof id === 'string' && /^\d+$/.test(id.trim()) ? Number(id) : id;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * The raw-event dedup key: the event id alone. Polling by `after_event_id`
 * hands each id out once; later changes to an event (closing, reoccurrence)
 * never come back through it, so id + version would add nothing.
 */
export function deepInstinctDedupKey(stream: DeepInstinctStream, id: number): string {
  return stream === 'events' ? String(id) : `suspicious:${id}`;
}

/** The incident fingerprint: one incident per vendor event, whatever its age. */
export function deepInstinctFingerprint(stream: DeepInstinctStream, id: number): string {
  return stream === 'events' ? `deepinstinct|${id}` : `deepinstinct|suspicious|${id}`;
}

/**
 * Vigil severity for an event: the graded `threat_severity` when it has one,
 * otherwise from the action. An event that was only DETECTED ran unhindered
 * and needs an analyst now (high); one that was PREVENTED is contained but
 * still means malware reached the host (medium); anything else is medium.
 */
export function deepInstinctSeverity(event: Fields): Severity {
  const graded = text(event.threat_severity)
    ?.toUpperCase()
    .replace(/[\s-]+/g, '_');
  const mapped = graded ? SEVERITY_MAP[graded] : undefined;
  return mapped ?? fallbackSeverity(text(event.action)?.toUpperCase());
}

function fallbackSeverity(action: string | undefined): Severity {
  return action === 'DETECTED' ? 'high' : 'medium';
}

/** Maps one event; null when it has no id to key it by. */
export function mapDeepInstinctEvent(
  event: Fields,
  options: DeepInstinctMapOptions,
): NormalizedIncident | null {
  const id = deepInstinctEventId(event);
  if (id === null) return null;
  const { stream } = options;
  const device = options.device ?? {};
  const recorded = record(event.recorded_device_info);

  const type = text(event.type) ?? text(event.threat_type);
  const action = text(event.action);
  const paths = strings(event.path);
  const fileHash = sha256(event.file_hash);
  const recordedHost = text(recorded.hostname);
  const deviceHost = text(device.hostname);
  const host = recordedHost ?? deviceHost ?? null;

  const entities = emptyEntities();
  entities.hosts = unique([recordedHost, deviceHost]);
  entities.users = unique(
    [event, recorded, device].flatMap((source) => USER_KEYS.flatMap((key) => splitList(source[key]))),
  );
  entities.ips = unique([device.ip_address, recorded.ip_address, event.ip_address].map(text)).filter(
    (ip) => isIP(ip) !== 0,
  );
  entities.files = files(paths, fileHash);
  entities.processes = unique(PROCESS_KEYS.flatMap((key) => strings(event[key])));

  const tags = unique(['deepinstinct', type, stream === 'suspicious' ? 'suspicious' : undefined]);
  return {
    fingerprint: deepInstinctFingerprint(stream, id),
    vendorId: String(id),
    // The console's per-event address is not documented publicly; a guessed link would mislead.
    consoleUrl: null,
    title: title(stream, type, action, paths[0] ?? text(event.file_type), host),
    description: describe(event, recorded, device, { stream, id, type, action, paths, fileHash }),
    severity: deepInstinctSeverity(event),
    category: type ?? null,
    mitre: mitre(event.mitre_classifications),
    entities,
    occurredAt: isoTime(event.insertion_timestamp) ?? isoTime(event.timestamp),
    fingerprintScope: 'vendor',
    vendorStatus: text(event.status) ?? null,
    tags,
  };
}

function title(
  stream: DeepInstinctStream,
  type: string | undefined,
  action: string | undefined,
  file: string | undefined,
  host: string | null,
): string {
  const upperType = type?.toUpperCase();
  const kind =
    (upperType ? TYPE_LABELS[upperType] : undefined) ??
    (type ? humanise(type) : stream === 'suspicious' ? 'Suspicious activity' : 'Threat');
  const upperAction = action?.toUpperCase();
  const verb =
    (upperAction ? ACTION_VERBS[upperAction] : undefined) ??
    (action ? humanise(action).toLowerCase() : 'detected');
  const what = file ? `: ${baseName(file)}` : '';
  const where = host ? ` on ${host}` : '';
  return `${kind} ${verb}${what}${where}`;
}

function describe(
  event: Fields,
  recorded: Fields,
  device: Fields,
  known: {
    stream: DeepInstinctStream;
    id: number;
    type: string | undefined;
    action: string | undefined;
    paths: string[];
    fileHash: string | undefined;
  },
): string {
  const lines: string[] = [];
  const feed = known.stream === 'suspicious' ? 'suspicious event' : 'event';
  const how = joined([known.type, text(event.trigger) && `trigger ${text(event.trigger)}`], ', ');
  lines.push(
    `Deep Instinct ${feed} ${known.id}${how ? ` (${how})` : ''}: ${known.action ?? 'no action recorded'}`,
  );
  pushIf(lines, 'Classification', text(event.deep_classification));
  pushIf(lines, 'Threat severity', text(event.threat_severity));
  pushIf(lines, 'Rule', text(event.rule_trigger));

  for (const path of known.paths) lines.push(`File: ${path}`);
  const size = typeof event.file_size === 'number' ? `${event.file_size} bytes` : undefined;
  pushIf(lines, 'File type', joined([text(event.file_type), size], ', '));
  pushIf(lines, 'SHA-256', known.fileHash);
  const archive = sha256(event.file_archive_hash);
  if (archive && archive !== known.fileHash) lines.push(`Archive SHA-256: ${archive}`);
  const certificate = joined(
    [
      text(event.certificate_vendor_name),
      text(event.certificate_thumbprint) && `thumbprint ${text(event.certificate_thumbprint)}`,
    ],
    ', ',
  );
  pushIf(lines, 'Certificate', certificate);
  pushIf(lines, 'File status', joined([text(event.file_status), text(event.sandbox_status)], ', '));

  const deviceId = text(event.device_id);
  const hostname = text(recorded.hostname) ?? text(device.hostname);
  pushIf(lines, 'Device', joined([hostname, deviceId && `device ${deviceId}`], ', '));
  pushIf(lines, 'OS', joined([text(recorded.os) ?? text(device.os), text(device.osv)], ' '));
  pushIf(lines, 'IP', text(device.ip_address) ?? text(recorded.ip_address));
  pushIf(lines, 'MAC', text(recorded.mac_address) ?? text(device.mac_address));
  pushIf(lines, 'Domain', text(device.domain));
  pushIf(lines, 'Logged-in users', text(device.logged_in_users) ?? text(recorded.logged_in_users));
  pushIf(lines, 'Group', text(recorded.group_name) ?? text(device.group_name));
  pushIf(lines, 'Policy', text(recorded.policy_name) ?? text(device.policy_name));
  pushIf(
    lines,
    'Tenant',
    joined([text(event.msp_name), text(event.tenant_name) ?? text(recorded.tenant_name)], ' / '),
  );

  const closed = joined(
    [text(event.close_trigger), text(event.close_timestamp) && `at ${text(event.close_timestamp)}`],
    ' ',
  );
  pushIf(lines, 'Status', joined([text(event.status), closed && `(${closed})`], ' '));
  const reoccurrences = typeof event.reoccurrence_count === 'number' ? event.reoccurrence_count : 0;
  if (reoccurrences > 0) {
    const last = text(event.last_reoccurrence);
    lines.push(`Reoccurrences: ${reoccurrences}${last ? `, last at ${last}` : ''}`);
  }
  pushIf(lines, 'Last action', text(event.last_action));
  pushIf(lines, 'Remediation', summary(event.remediation));
  pushIf(lines, 'MITRE', summary(event.mitre_classifications));
  pushIf(lines, 'Comment', text(event.comment));
  return lines.join('\n');
}

function files(paths: string[], sha: string | undefined): FileEntity[] {
  // The hash is the indicator worth keeping even when the console recorded no path.
  if (paths.length === 0) return sha ? [{ path: '(path not recorded)', sha256: sha }] : [];
  return paths.map((path) => (sha ? { path, sha256: sha } : { path }));
}

/** ATT&CK ids wherever they stand in `mitre_classifications`, whose shape is not documented. */
function mitre(value: unknown): NormalizedIncident['mitre'] {
  if (value === null || value === undefined) return { tactics: [], techniques: [] };
  const flat = JSON.stringify(value) ?? '';
  return {
    tactics: unique(flat.match(/\bTA\d{4}\b/g) ?? []),
    techniques: unique(flat.match(/\bT\d{4}(?:\.\d{3})?\b/g) ?? []),
  };
}

/** A short one-line rendering of a value of unknown shape. */
function summary(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  const flat = JSON.stringify(value);
  if (!flat || flat === '{}') return undefined;
  return flat.length > 500 ? `${flat.slice(0, 497)}...` : flat;
}

function isoTime(value: unknown): string | null {
  const raw = text(value);
  if (!raw) return null;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function sha256(value: unknown): string | undefined {
  const raw = text(value)?.toLowerCase();
  return raw && /^[0-9a-f]{64}$/.test(raw) ? raw : undefined;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

function humanise(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A non-empty trimmed string (numbers are written out), or undefined. */
function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function record(value: unknown): Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
}

/** A string or an array of strings, as a list. */
function strings(value: unknown): string[] {
  if (Array.isArray(value)) return unique(value.map(text));
  const one = text(value);
  return one ? [one] : [];
}

/** Users come as one string ("a, b") or an array. */
function splitList(value: unknown): string[] {
  return strings(value).flatMap((item) => item.split(/[,;]/).map((part) => part.trim()));
}

function unique(values: readonly (string | undefined | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value !== ''))];
}

function joined(
  parts: readonly (string | undefined | false | null)[],
  separator: string,
): string | undefined {
  const present = parts.filter((part): part is string => typeof part === 'string' && part !== '');
  return present.length > 0 ? present.join(separator) : undefined;
}

function pushIf(lines: string[], label: string, value: string | undefined): void {
  if (value) lines.push(`${label}: ${value}`);
}
