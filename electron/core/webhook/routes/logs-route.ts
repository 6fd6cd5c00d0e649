/**
 * `POST /api/logs` (DESIGN.md §4): log records in, detections out. Every
 * record is kept as a raw event; a record that makes a detection rule fire
 * also opens (or groups into) an incident. One request is one transaction: all
 * of its records are stored, or none, and the rule windows roll back with it.
 */
import { isIP } from 'node:net';

import { z } from 'zod';

import { emptyEntities } from '../../../../shared/domain';
import type { Detection, LogRecord } from '../../detection/engine';
import { DetectionEngine } from '../../detection/engine';
import type { IngestInput, NormalizedIncident } from '../../ingest/ingestor';
import type { WebhookRoute } from '../webhook-service';
import type { RouteDeps } from './route-deps';

const SOURCE = { kind: 'webhook', id: 'api-logs', name: 'Webhook /api/logs' } as const;
const ROUTE = '/api/logs';
/** Most records one request may carry; the body size cap usually binds first. */
const MAX_RECORDS = 10_000;
const MAX_REPORTED_RECORDS = 10;
/** Latest instant Date can print as ISO 8601 with a four-digit year. */
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const TIME_FORMS = 'an ISO 8601 time or epoch seconds/milliseconds';
const timestampInput = z
  .union([z.string().max(64), z.number()], {
    error: (issue) => (issue.input === undefined ? `required: ${TIME_FORMS}` : `must be ${TIME_FORMS}`),
  })
  .transform((value, ctx) => {
    const numeric = typeof value === 'number' ? value : /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : null;
    // Numbers below 1e12 are epoch seconds, larger ones epoch milliseconds.
    const ms =
      numeric !== null ? Math.round(numeric < 1e12 ? numeric * 1000 : numeric) : Date.parse(value as string);
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
      ctx.addIssue({ code: 'custom', message: `must be ${TIME_FORMS}` });
      return z.NEVER;
    }
    return ms;
  });

const statusInput = z
  .union([z.number(), z.string().regex(/^\d{1,3}$/, 'must be an HTTP status code')])
  .transform(Number)
  .pipe(z.number().int('must be an HTTP status code').min(0).max(999));

const optionalText = (max: number) => z.string().trim().max(max).nullish();

export const logRecordSchema = z
  .object({
    service: z.string().trim().min(1).max(200),
    /** Absent or null for records without one (auth logs). */
    status_code: statusInput.nullish(),
    message: z.string().max(100_000),
    timestamp: timestampInput,
    source_ip: z
      .string()
      .trim()
      .max(64)
      .refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address')
      .nullish(),
    host: optionalText(300),
    user: optionalText(300),
    /** The request URL of an access-log record; scanned like the message. */
    url: optionalText(8192),
  })
  .loose();

type ParsedRecord = z.output<typeof logRecordSchema>;

interface LogsPayload {
  records: { record: ParsedRecord; original: unknown }[];
  /** One record posted on its own: its raw event is the body exactly as received. */
  single: boolean;
}

/** Re-reports a nested parse's issues under `prefix`, so the listener names the full key. */
function forward(ctx: z.RefinementCtx, error: z.ZodError, prefix: (string | number)[]): void {
  for (const issue of error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: [...prefix, ...issue.path] });
  }
}

const recordList = z.array(z.unknown()).min(1, 'must hold at least one record').max(MAX_RECORDS);

/**
 * One record, an array of them, or `{records: [...]}`. The shape is chosen
 * from the input so a bad record's key is named precisely (`message`,
 * `3.timestamp`, `records.0.service`) rather than as a failed union.
 */
export const logsPayloadSchema = z.unknown().transform((input, ctx): LogsPayload => {
  const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
  const wrapped = isObject && Object.hasOwn(input, 'records');
  if (!Array.isArray(input) && !isObject) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a log record, an array of records or {records: [...]}',
    });
    return z.NEVER;
  }
  if (!Array.isArray(input) && !wrapped) {
    const one = logRecordSchema.safeParse(input);
    if (!one.success) {
      forward(ctx, one.error, []);
      return z.NEVER;
    }
    return { records: [{ record: one.data, original: input }], single: true };
  }
  const prefix = wrapped ? ['records'] : [];
  const list = recordList.safeParse(wrapped ? (input as { records: unknown }).records : input);
  if (!list.success) {
    forward(ctx, list.error, prefix);
    return z.NEVER;
  }
  const records: LogsPayload['records'] = [];
  let failed = 0;
  for (const [index, item] of list.data.entries()) {
    const one = logRecordSchema.safeParse(item);
    if (one.success) {
      records.push({ record: one.data, original: item });
      continue;
    }
    forward(ctx, one.error, [...prefix, index]);
    // Naming the first few bad records is enough to fix a shipper; a 400 need not list ten thousand.
    if (++failed === MAX_REPORTED_RECORDS) break;
  }
  return failed > 0 ? z.NEVER : { records, single: false };
});

function toLogRecord(record: ParsedRecord): LogRecord {
  return {
    service: record.service,
    message: record.message,
    time: record.timestamp,
    statusCode: record.status_code ?? null,
    sourceIp: record.source_ip || null,
    host: record.host || null,
    user: record.user || null,
    url: record.url || null,
  };
}

/** The incident a detection opens (or groups into, by its fingerprint). */
export function detectionIncident(detection: Detection): NormalizedIncident {
  const entities = emptyEntities();
  if (detection.host) entities.hosts.push(detection.host);
  entities.users.push(...detection.users);
  if (detection.ip) entities.ips.push(detection.ip);
  if (detection.url) entities.urls.push(detection.url);
  const evidence = detection.evidence.length > 0 ? `\n\nEvidence:\n${detection.evidence.join('\n')}` : '';
  return {
    fingerprint: detection.fingerprint,
    vendorId: null,
    consoleUrl: null,
    title: detection.title,
    description: `${detection.summary}${evidence}`,
    severity: detection.severity,
    category: detection.rule,
    mitre: detection.mitre,
    entities,
    occurredAt: new Date(detection.time).toISOString(),
    fingerprintScope: 'window',
    vendorStatus: null,
    tags: ['detection', `service:${detection.service}`],
  };
}

/**
 * `POST /api/logs`: one record, an array, or `{records: [...]}`. Always answers
 * with `results`, one per record in the order posted, so a shipper can match them.
 */
export function logsRoute(deps: RouteDeps): WebhookRoute {
  const engine = new DetectionEngine({
    settings: () => {
      const config = deps.config.get();
      return { detection: config.detection, timeZone: config.ui.timeZone };
    },
    clock: deps.clock,
    logger: deps.logger.child('detection'),
  });
  return {
    method: 'POST',
    path: ROUTE,
    schema: logsPayloadSchema,
    handle: (payload, rawBody) => {
      const { records, single } = payload as LogsPayload;
      return engine.transaction(() => {
        const inputs: IngestInput[] = [];
        const primary: number[] = [];
        for (const { record, original } of records) {
          const body = single ? rawBody : JSON.stringify(original);
          const [first, ...more] = engine.evaluate(toLogRecord(record));
          primary.push(inputs.length);
          const input = (incident: NormalizedIncident | null): IngestInput => ({
            source: SOURCE,
            route: ROUTE,
            body,
            incident,
            via: 'webhook',
          });
          inputs.push(input(first ? detectionIncident(first) : null));
          // The ingestor links a raw event to one incident: each further rule the record set off
          // gets its own copy of the record, so no finding is dropped.
          for (const detection of more) inputs.push(input(detectionIncident(detection)));
        }
        const results = deps.ingestor.ingestMany(inputs);
        return primary.map((index) => results[index]!);
      });
    },
  };
}
