/**
 * `POST /hooks/<sourceId>` (DESIGN.md §4): alerts from any tool that can call
 * a webhook, one configured source (kind 'webhook') per sender. Each source
 * has its own token and a field mapping from incident fields to dot paths in
 * the posted JSON, e.g. `{"title": "alert.name", "host": "device.hostname"}`;
 * a field left unmapped is read from the top-level key of its own name. An
 * alert with an id is a vendor incident: re-sent, it is stored once.
 */
import { isIP } from 'node:net';

import { z } from 'zod';

import type { SourceConfig } from '../../../../shared/config';
import type { Severity } from '../../../../shared/domain';
import { SEVERITIES, emptyEntities } from '../../../../shared/domain';
import { HttpError } from '../../http';
import type { IngestInput, NormalizedIncident } from '../../ingest/ingestor';
import type { WebhookRoute } from '../webhook-service';
import type { RouteDeps } from './route-deps';

type WebhookSource = Extract<SourceConfig, { kind: 'webhook' }>;

/** Incident fields a mapping may name. */
export const MAPPABLE_FIELDS = [
  'id',
  'title',
  'description',
  'severity',
  'category',
  'timestamp',
  'host',
  'ip',
  'user',
  'url',
  'domain',
  'process',
  'file',
  'status',
  'consoleUrl',
  'tags',
] as const;
type MappableField = (typeof MAPPABLE_FIELDS)[number];

/** Other names a mapping may use for a field (the incident's own property names). */
const FIELD_ALIASES: Partial<Record<MappableField, string>> = {
  id: 'vendorId',
  status: 'vendorStatus',
  timestamp: 'occurredAt',
};
const KNOWN_KEYS = new Set<string>([...MAPPABLE_FIELDS, ...Object.values(FIELD_ALIASES)]);

/** Most alerts one request may carry; the body size cap usually binds first. */
const MAX_ALERTS = 1000;
const MAX_TEXT = 20_000;
/** Latest instant Date can print as ISO 8601 with a four-digit year. */
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const SEVERITY_WORDS: Record<string, Severity> = {
  debug: 'info',
  info: 'info',
  informational: 'info',
  information: 'info',
  none: 'info',
  notice: 'low',
  low: 'low',
  minor: 'low',
  medium: 'medium',
  moderate: 'medium',
  warn: 'medium',
  warning: 'medium',
  high: 'high',
  major: 'high',
  error: 'high',
  err: 'high',
  severe: 'high',
  critical: 'critical',
  crit: 'critical',
  fatal: 'critical',
  alert: 'critical',
  emerg: 'critical',
  emergency: 'critical',
  urgent: 'critical',
};

/**
 * A vendor severity as ours. Words are matched case-insensitively (syslog
 * levels included). Numbers: 0-5 as a 1-5 scale (1 info ... 5 critical),
 * above 5 or fractional up to 10 as CVSS v3 bands, above 10 as a 0-100 risk
 * score in Elastic's bands (22 medium, 48 high, 74 critical).
 */
export function mapSeverity(value: unknown): Severity | null {
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (/^\d+(?:\.\d+)?$/.test(word)) return mapSeverity(Number(word));
    return SEVERITY_WORDS[word] ?? null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  if (value <= 5 && Number.isInteger(value)) return SEVERITIES[Math.max(0, value - 1)]!;
  if (value <= 10) {
    if (value >= 9) return 'critical';
    if (value >= 7) return 'high';
    if (value >= 4) return 'medium';
    return value > 0 ? 'low' : 'info';
  }
  if (value >= 74) return 'critical';
  if (value >= 48) return 'high';
  if (value >= 22) return 'medium';
  return 'low';
}

/** The value at a dot path (`alert.name`, `items.0.id`); own properties only. */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.split('.')) {
    if (part === '' || node === null || typeof node !== 'object') return undefined;
    if (!Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim().slice(0, MAX_TEXT);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function texts(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => text(v) ?? []);
}

/** An ISO time or epoch seconds/milliseconds (numbers below 1e12 are seconds); null when unreadable. */
function timestamp(value: unknown): string | null {
  let ms = Number.NaN;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) {
    const numeric = Number(value);
    ms = numeric < 1e12 ? numeric * 1000 : numeric;
  } else if (typeof value === 'string') {
    ms = Date.parse(value);
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) return null;
  return new Date(ms).toISOString();
}

const alertsSchema = z.unknown().transform((input, ctx) => {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(input)) return { alerts: [input], single: true };
  if (!Array.isArray(input)) {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object or an array of objects' });
    return z.NEVER;
  }
  if (input.length === 0 || input.length > MAX_ALERTS) {
    ctx.addIssue({ code: 'custom', message: `must hold 1 to ${MAX_ALERTS} alerts` });
    return z.NEVER;
  }
  const bad = input.findIndex((item) => !isObject(item));
  if (bad >= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object', path: [bad] });
    return z.NEVER;
  }
  return { alerts: input as Record<string, unknown>[], single: false };
});

type Alerts = z.output<typeof alertsSchema>;

/** Maps one posted alert to an incident with the source's mapping. */
export function mapHookAlert(
  source: Pick<WebhookSource, 'id' | 'name' | 'mapping'>,
  alert: Record<string, unknown>,
): { incident: NormalizedIncident; dedupKey: string | null } {
  const pathOf = (field: MappableField): string => {
    const alias = FIELD_ALIASES[field];
    return source.mapping[field] ?? (alias ? source.mapping[alias] : undefined) ?? field;
  };
  const get = (field: MappableField): unknown => valueAt(alert, pathOf(field));
  const id = text(get('id'));
  const host = texts(get('host'));
  const ips = texts(get('ip'));
  const category = text(get('category'));
  const rawSeverity = get('severity');
  const severity = mapSeverity(rawSeverity);
  const rawDescription = get('description');

  const entities = emptyEntities();
  for (const value of host) (isIP(value) !== 0 ? entities.ips : entities.hosts).push(value);
  for (const value of ips) if (isIP(value) !== 0 && !entities.ips.includes(value)) entities.ips.push(value);
  entities.users.push(...texts(get('user')));
  entities.urls.push(...texts(get('url')));
  entities.domains.push(...texts(get('domain')));
  entities.processes.push(...texts(get('process')));
  entities.files.push(...texts(get('file')).map((path) => ({ path })));

  const on = entities.hosts[0] ?? entities.ips[0];
  const title =
    text(get('title')) ??
    `${category ? `${category} alert` : 'Alert'} from ${source.name}${on ? ` on ${on}` : ''}`;
  const description =
    text(rawDescription) ??
    (rawDescription !== undefined && rawDescription !== null
      ? JSON.stringify(rawDescription, null, 2).slice(0, MAX_TEXT)
      : `Received from ${source.name} through /hooks/${source.id}.`);
  const tags = texts(get('tags'));
  // A severity we cannot read is kept as a tag, so the analyst sees what the sender meant.
  const unread = severity === null ? text(rawSeverity) : null;
  if (unread) tags.push(`vendor-severity:${unread}`);

  return {
    incident: {
      fingerprint: id
        ? `webhook|${source.id}|${id}`
        : ['hook', source.id, category ?? title, entities.hosts[0] ?? '', entities.ips[0] ?? ''].join('|'),
      fingerprintScope: id ? 'vendor' : 'window',
      vendorId: id,
      consoleUrl: text(get('consoleUrl')),
      title: title.slice(0, 500),
      description,
      severity: severity ?? 'medium',
      category,
      mitre: { tactics: [], techniques: [] },
      entities,
      occurredAt: timestamp(get('timestamp')),
      vendorStatus: text(get('status')),
      tags,
    },
    dedupKey: id,
  };
}

function webhookSource(deps: RouteDeps, id: string): WebhookSource {
  const source = deps.config.get().sources.find((s) => s.id === id);
  if (!source || source.kind !== 'webhook') {
    throw new HttpError(
      404,
      'not_found',
      `no webhook source "${id}": add a source of kind "webhook" with this id to receive on /hooks/${id}`,
    );
  }
  if (!source.enabled) throw new HttpError(404, 'not_found', `webhook source "${id}" is disabled`);
  return source;
}

/** `POST /hooks/:sourceId`: one alert object or an array of them, for a configured webhook source. */
export function hooksRoute(deps: RouteDeps): WebhookRoute {
  const warned = new Set<string>();
  const checkMapping = (source: WebhookSource) => {
    for (const field of Object.keys(source.mapping)) {
      const key = `${source.id}.${field}`;
      if (KNOWN_KEYS.has(field) || warned.has(key)) continue;
      warned.add(key);
      deps.logger.warn('webhook source maps an unknown incident field; it is ignored', {
        source: source.id,
        field,
        known: [...KNOWN_KEYS].join(', '),
      });
    }
  };
  return {
    method: 'POST',
    path: '/hooks/:sourceId',
    schema: alertsSchema,
    token: ({ sourceId = '' }) => {
      const source = webhookSource(deps, sourceId);
      const token = deps.config.resolveSecret(source.token);
      if (!token) {
        throw new HttpError(
          503,
          'unavailable',
          `webhook source "${source.id}" has no token; set one in its settings before sending`,
        );
      }
      return token;
    },
    handle: async (payload, rawBody, { sourceId = '' }) => {
      const source = webhookSource(deps, sourceId);
      checkMapping(source);
      const { alerts, single } = payload as Alerts;
      const ref = { kind: 'webhook' as const, id: source.id, name: source.name };
      const inputs: IngestInput[] = alerts.map((alert) => {
        const { incident, dedupKey } = mapHookAlert(source, alert);
        return {
          source: ref,
          route: `/hooks/${source.id}`,
          body: single ? rawBody : JSON.stringify(alert),
          dedupKey,
          incident,
          via: 'webhook',
        };
      });
      const results = await deps.ingestor.submit(inputs);
      deps.sources.recordReceived(source.id, results.filter((r) => !r.duplicate).length);
      return single ? results[0]! : results;
    },
  };
}
