/**
 * The generic incident format of `POST /api/alert` (DESIGN.md §4):
 * `{ip, type, severity, timestamp, rule, source_log, target}`. Unknown fields
 * are allowed (the raw body keeps them); the known ones are checked so a bad
 * value is answered with a reason instead of becoming a confusing incident.
 */
import { isIP } from 'node:net';

import { z } from 'zod';

import type { Severity } from '../../../../shared/domain';
import { SEVERITIES, emptyEntities } from '../../../../shared/domain';
import type { NormalizedIncident } from '../ingestor';

const SEVERITY_ALIASES: Record<string, Severity> = {
  informational: 'info',
  information: 'info',
  warning: 'medium',
  moderate: 'medium',
  error: 'high',
  severe: 'high',
  emergency: 'critical',
};

const severityInput = z.string().transform((value, ctx) => {
  const lower = value.trim().toLowerCase();
  const severity = (SEVERITIES as readonly string[]).includes(lower)
    ? (lower as Severity)
    : SEVERITY_ALIASES[lower];
  if (!severity) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${SEVERITIES.join(', ')}` });
    return z.NEVER;
  }
  return severity;
});

const timestampInput = z.union([z.string().max(64), z.number()]).transform((value, ctx) => {
  // Numbers below 1e12 are epoch seconds, larger ones epoch milliseconds.
  const ms = typeof value === 'number' ? (value < 1e12 ? value * 1000 : value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch seconds/milliseconds' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

export const genericAlertSchema = z
  .object({
    type: z.string().trim().min(1).max(200),
    severity: severityInput.default('medium'),
    ip: z
      .string()
      .max(64)
      .refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address')
      .optional(),
    timestamp: timestampInput.optional(),
    rule: z.string().max(300).optional(),
    source_log: z.string().max(100_000).optional(),
    target: z.string().max(300).optional(),
  })
  .loose();

export type GenericAlert = z.output<typeof genericAlertSchema>;

/** Whether a rule name already names the target: in full, or by its short host name (`ws-01` of `ws-01.corp`). */
function names(rule: string, target: string): boolean {
  const text = rule.toLowerCase();
  const full = target.toLowerCase();
  if (text.includes(full)) return true;
  if (isIP(target) !== 0) return false;
  const short = full.split('.', 1)[0]!;
  return short.length >= 3 && containsWord(text, short);
}

/**
 * Whether `word` occurs in `text` between characters that cannot continue a
 * host name. A scan rather than a RegExp built per alert: compiling one for
 * every webhook request was a tenth of the ingest path's CPU at saturation.
 */
function containsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!continuesHostName(text.charCodeAt(at - 1)) && !continuesHostName(text.charCodeAt(at + word.length)))
      return true;
  }
  return false;
}

/** a-z, 0-9 and '-' (text is lower-cased); NaN (before the start, past the end) does not. */
function continuesHostName(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 45;
}

export function normalizeGenericAlert(alert: GenericAlert): NormalizedIncident {
  const entities = emptyEntities();
  if (alert.ip) entities.ips.push(alert.ip);
  if (alert.target) {
    if (isIP(alert.target) !== 0) entities.ips.push(alert.target);
    else entities.hosts.push(alert.target);
  }
  const name = alert.rule ?? alert.type;
  const on = alert.target
    ? names(name, alert.target)
      ? ''
      : ` on ${alert.target}`
    : alert.ip && !names(name, alert.ip)
      ? ` from ${alert.ip}`
      : '';
  return {
    fingerprint: ['alert', name, alert.target ?? '', alert.ip ?? ''].join('|'),
    vendorId: null,
    consoleUrl: null,
    title: `${name}${on}`,
    description: alert.source_log ?? `${alert.type} reported by webhook`,
    severity: alert.severity,
    category: alert.type,
    mitre: { tactics: [], techniques: [] },
    entities,
    occurredAt: alert.timestamp ?? null,
    vendorStatus: null,
    tags: [],
  };
}
