/**
 * The one contract between the core and every UI transport (Electron IPC and
 * the headless shell's HTTP + SSE). Each method maps to a zod request and
 * response schema; each push event to a payload schema. Handlers, the preload,
 * the HTTP client and the renderer are all typed from this file, and the core
 * validates requests (and shapes responses) against it at run time, so a
 * field that is not declared here never crosses the boundary.
 *
 * Method names are `domain.action`. Over IPC the channel is `rpc:<method>`,
 * over HTTP the route is `POST /api/rpc/<method>`; events travel as
 * `event:<name>` over IPC and as SSE `event: <name>` over HTTP.
 */
import { z } from 'zod';

import {
  analysisSchema,
  channelKindSchema,
  incidentListItemSchema,
  incidentSchema,
  rawEventSchema,
  severitySchema,
  sourceHealthSchema,
  sourceKindSchema,
  statusSchema,
  timelineEntrySchema,
} from '../domain';

const empty = z.object({}).strict();
const idArg = z.object({ id: z.string().min(1).max(200) }).strict();

export const sourceViewSchema = z.object({
  id: z.string(),
  kind: sourceKindSchema,
  name: z.string(),
  enabled: z.boolean(),
  pollIntervalSec: z.number().int(),
  health: sourceHealthSchema,
  /** The source's settings without its secrets (baseUrl, clientId, mapping, ...). */
  settings: z.record(z.string(), z.unknown()),
  /** Which secret fields are set; their values never leave the core. */
  secrets: z.record(z.string(), z.boolean()),
});
export type SourceView = z.infer<typeof sourceViewSchema>;

export const channelViewSchema = z.object({
  id: z.string(),
  kind: channelKindSchema,
  name: z.string(),
  enabled: z.boolean(),
  minSeverity: severitySchema,
  mask: z.boolean(),
  /** The channel's settings without its secrets. */
  settings: z.record(z.string(), z.unknown()),
  /** Which secret fields are set; their values never leave the core. */
  secrets: z.record(z.string(), z.boolean()),
  health: z.object({
    lastDelivery: z.string().nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
    deliveredTotal: z.number().int(),
    pending: z.number().int(),
    held: z.number().int(),
    dead: z.number().int(),
  }),
});
export type ChannelView = z.infer<typeof channelViewSchema>;

export const outboxEntrySchema = z.object({
  id: z.number().int(),
  incidentId: z.string().nullable(),
  incidentTitle: z.string().nullable(),
  purpose: z.enum(['incident', 'update', 'test']),
  state: z.enum(['pending', 'sending', 'sent', 'dead', 'held']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type OutboxEntryView = z.infer<typeof outboxEntrySchema>;

export const whatsappSessionSchema = z.object({
  name: z.string(),
  /** e.g. connecting, qr, open, close, logged_out — as the gateway reports it. */
  status: z.string(),
  /** The pairing QR payload while the session waits to be linked. */
  qr: z.string().nullable(),
  /** The linked phone, once open. */
  phone: z.string().nullable(),
});
export type WhatsAppSession = z.infer<typeof whatsappSessionSchema>;

export const systemStatusSchema = z.object({
  version: z.string(),
  shell: z.enum(['desktop', 'headless']),
  startedAt: z.string(),
  /** The configured display time zone: 'local' or an IANA name. */
  timeZone: z.string(),
  webhook: z.object({
    url: z.string().nullable(),
    listening: z.boolean(),
    tokenSet: z.boolean(),
  }),
  counts: z.object({
    total: z.number().int(),
    open: z.number().int(),
    unacknowledged: z.number().int(),
    bySeverity: z.record(severitySchema, z.number().int()),
  }),
  highestOpenSeverity: severitySchema.nullable(),
  services: z.array(z.object({ name: z.string(), state: z.string() })),
  /** Listeners bound beyond loopback, so reachable from other machines (the UI warns); empty when all are local. */
  exposed: z.array(z.object({ listener: z.enum(['ui', 'webhook']), address: z.string() })),
});
export type SystemStatus = z.infer<typeof systemStatusSchema>;

export const setupStateSchema = z.object({
  setupDone: z.boolean(),
  demoRunning: z.boolean(),
  sourceCount: z.number().int(),
});
export type SetupState = z.infer<typeof setupStateSchema>;

export const backupFileSchema = z.object({
  name: z.string(),
  bytes: z.number().int(),
  createdAt: z.string(),
});
export type BackupFile = z.infer<typeof backupFileSchema>;

export const backupListSchema = z.object({
  /** Database snapshots in backup/db, newest first. */
  snapshots: z.array(backupFileSchema),
  /** Raw-event day files in backup/events (YYYY-MM-DD.jsonl, .jsonl.gz once the day closed), newest first. */
  eventDays: z.array(backupFileSchema.extend({ day: z.string(), gzipped: z.boolean() })),
  /** Whether raw-event day files are being written, and the last snapshot. */
  health: z.object({
    events: z.object({
      ok: z.boolean(),
      lastError: z.string().nullable(),
      lastErrorAt: z.string().nullable(),
      linesLost: z.number().int(),
    }),
    lastSnapshot: z.string().nullable(),
    lastSnapshotError: z.string().nullable(),
  }),
});
export type BackupList = z.infer<typeof backupListSchema>;

export const incidentDetailSchema = z.object({
  incident: incidentSchema,
  timeline: z.array(timelineEntrySchema),
  events: z.array(rawEventSchema),
  /** The latest AI analysis, with real values restored (or masked with `masked`); null when none was made. */
  analysis: analysisSchema.nullable(),
  /** Whether users, hosts, IPs and paths are masked in this answer. */
  masked: z.boolean(),
  /** Indicators worth a lookup (hashes, IPs, domains, URLs) with where to look them up. */
  intel: z.array(
    z.object({
      kind: z.enum(['sha256', 'sha1', 'md5', 'ip', 'domain', 'url']),
      value: z.string(),
      /** What the source product said of it, if anything (e.g. "malicious", "suspicious"). */
      verdict: z.string().nullable(),
      links: z.array(z.object({ label: z.string(), url: z.string() })),
    }),
  ),
});

/**
 * The settings the UI may read and change: the config minus sources and
 * channels (they have their own methods), with every secret replaced by
 * whether it is set.
 */
export const settingsViewSchema = z.object({
  webhook: z.object({
    host: z.string(),
    port: z.number().int(),
    maxBodyBytes: z.number().int(),
    rateLimitPerMin: z.number().int(),
    tokenSet: z.boolean(),
  }),
  ai: z.object({
    enabled: z.boolean(),
    baseUrl: z.string(),
    model: z.string(),
    minSeverity: severitySchema,
    timeoutSec: z.number().int(),
    maxTokens: z.number().int(),
    dailyTokenBudget: z.number().int(),
    apiKeySet: z.boolean(),
  }),
  sanitizer: z.object({ enabled: z.boolean(), classes: z.array(z.string()), allow: z.array(z.string()) }),
  backup: z.object({ retentionDays: z.number().int(), dbSnapshotHour: z.number().int() }),
  routing: z.object({
    dedupWindowSec: z.number().int(),
    rules: z.array(z.record(z.string(), z.unknown())),
    quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
    silences: z.array(z.record(z.string(), z.unknown())),
  }),
  ui: z.object({
    timeZone: z.string(),
    startAtLogin: z.boolean(),
    pinSet: z.boolean(),
    /** The headless shell's PIN comes from VIGIL_PIN, which wins over a stored one. */
    pinFromEnv: z.boolean(),
  }),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

export const aiStatusSchema = z.object({
  enabled: z.boolean(),
  model: z.string(),
  baseUrl: z.string(),
  apiKeySet: z.boolean(),
  tokensToday: z.number().int(),
  dailyTokenBudget: z.number().int(),
  /** Analyses waiting or running. */
  queued: z.number().int(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
});
export type AiStatus = z.infer<typeof aiStatusSchema>;
export type IncidentDetail = z.infer<typeof incidentDetailSchema>;

/** Sort keys the incident list offers; each is backed by an index (see migration 0004). */
export const INCIDENT_SORTS = ['lastSeen', 'firstSeen', 'severity'] as const;
export type IncidentSort = (typeof INCIDENT_SORTS)[number];

const isoTime = z.iso.datetime({ offset: true });
const filterText = z.string().trim().min(1).max(200);

/**
 * The filters shared by the list, the export and the renderer's URL. Every
 * field is optional; empty arrays mean "any". `q` is full-text search (SQLite
 * FTS5) over title, hosts, IPs, users, tags and the AI summary; host, ip,
 * user and tag match one entity of that kind (whole value, or a prefix when
 * it ends in `*`). `from` / `to` bound lastSeen (inclusive / exclusive).
 */
export const incidentQuerySchema = z
  .object({
    q: filterText.optional(),
    severity: z.array(severitySchema).max(5).optional(),
    status: z.array(statusSchema).max(6).optional(),
    sourceKind: z.array(sourceKindSchema).max(5).optional(),
    sourceId: z.array(z.string().min(1).max(64)).max(50).optional(),
    host: filterText.optional(),
    ip: filterText.optional(),
    user: filterText.optional(),
    tag: filterText.optional(),
    assignee: filterText.optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    sort: z.enum(INCIDENT_SORTS).optional(),
    order: z.enum(['desc', 'asc']).optional(),
  })
  .strict();
export type IncidentQuery = z.input<typeof incidentQuerySchema>;

/** Above this many matches the list says "100,000+" instead of counting on. */
export const LIST_TOTAL_CAP = 100_000;

const listRequest = incidentQuerySchema
  .extend({
    limit: z.number().int().min(1).max(500).default(100),
    /** Opaque keyset cursor from a previous page's `nextCursor` (valid for the same filters and sort). */
    cursor: z.string().max(400).optional(),
  })
  .strict();

export const dashboardStatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** Incidents last seen in the window. */
  total: z.number().int(),
  bySeverity: z.record(severitySchema, z.number().int()),
  byStatus: z.record(statusSchema, z.number().int()),
  /** One bucket per hour of the window (oldest first), by first sighting. */
  perHour: z.array(z.object({ hour: z.string(), total: z.number().int(), critical: z.number().int() })),
  topHosts: z.array(z.object({ value: z.string(), count: z.number().int() })),
  topIps: z.array(z.object({ value: z.string(), count: z.number().int() })),
  /** Most frequent titles (detection rules / alert names). */
  topRules: z.array(z.object({ value: z.string(), count: z.number().int() })),
  /** Mean seconds from first sighting to the first status change, over incidents acknowledged in the window. */
  mttaSec: z.number().nullable(),
  /** Mean seconds from first sighting to resolution, over incidents resolved in the window. */
  mttrSec: z.number().nullable(),
  acknowledged: z.number().int(),
  resolved: z.number().int(),
});
export type DashboardStats = z.infer<typeof dashboardStatsSchema>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const logRecordSchema = z.object({
  time: z.string(),
  level: z.enum(LOG_LEVELS),
  scope: z.string(),
  message: z.string(),
  success: z.boolean().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type LogRecordView = z.infer<typeof logRecordSchema>;

export const exportFileSchema = z.object({
  filename: z.string(),
  mimeType: z.string(),
  /** Text for csv / json / html; base64 for pdf. */
  content: z.string(),
  encoding: z.enum(['utf8', 'base64']),
  rows: z.number().int(),
  /** True when more rows matched than an export holds (EXPORT_MAX_ROWS). */
  truncated: z.boolean(),
});
export type ExportFile = z.infer<typeof exportFileSchema>;
export const EXPORT_MAX_ROWS = 100_000;

const idString = z.string().min(1).max(200);

function method<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const methods = {
  /** Versions, counts for the tray and header, webhook address and service states. */
  'system.status': method(empty, systemStatusSchema),
  /** Whether first-run setup is done and whether the demo feed runs. */
  'setup.get': method(empty, setupStateSchema),
  /** Adds (or re-enables) the demo feed source and marks setup done. */
  'setup.startDemo': method(
    z.object({ ratePerMinute: z.number().min(0.1).max(6000).optional() }).strict(),
    sourceViewSchema,
  ),
  /** Marks setup done without the demo feed. */
  'setup.finish': method(empty, setupStateSchema),
  /** A page of incidents, most recently seen first, with optional filters. */
  'incidents.list': method(
    listRequest,
    z.object({
      items: z.array(incidentListItemSchema),
      /** Matches of the filters, counted up to LIST_TOTAL_CAP. */
      total: z.number().int(),
      /** True when there are more than `total` (the count stopped at the cap). */
      totalCapped: z.boolean(),
      nextCursor: z.string().nullable(),
    }),
  ),
  /** One incident with its timeline and most recent raw events; `masked` shows it as channels and the LLM see it. */
  'incidents.get': method(
    z.object({ id: idString, masked: z.boolean().optional() }).strict(),
    incidentDetailSchema,
  ),
  /** Changes an incident's status; a timeline entry records who and through what. */
  'incidents.setStatus': method(
    z
      .object({
        id: z.string().min(1).max(200),
        status: statusSchema,
        note: z.string().max(2000).optional(),
      })
      .strict(),
    incidentSchema,
  ),
  /** Assigns an incident to an analyst (null clears it); recorded on the timeline. */
  'incidents.assign': method(
    z.object({ id: idString, assignee: z.string().trim().min(1).max(120).nullable() }).strict(),
    incidentSchema,
  ),
  /**
   * Sets the status and / or assignee of many incidents at once (at least one
   * of the two). Each incident is its own change with its own timeline entry;
   * one that fails does not stop the others.
   */
  'incidents.bulkUpdate': method(
    z
      .object({
        ids: z.array(idString).min(1).max(1000),
        status: statusSchema.optional(),
        assignee: z.string().trim().min(1).max(120).nullable().optional(),
        note: z.string().max(2000).optional(),
      })
      .strict(),
    z.object({
      updated: z.array(z.string()),
      unchanged: z.array(z.string()),
      failed: z.array(z.object({ id: z.string(), message: z.string() })),
    }),
  ),
  /**
   * The incidents matching the filters as a CSV or JSON file (at most
   * EXPORT_MAX_ROWS), as they were when the export started. With a
   * progressId, incidents.exportProgress events report how far it got.
   */
  'incidents.export': method(
    incidentQuerySchema
      .extend({
        format: z.enum(['csv', 'json']),
        masked: z.boolean().optional(),
        progressId: z.string().min(1).max(64).optional(),
      })
      .strict(),
    exportFileSchema,
  ),
  /**
   * A shift report: the incidents first seen in [from, to) with what became
   * of them, as PDF (Electron's printToPDF or a local Chromium) or as HTML.
   */
  'reports.shift': method(
    z
      .object({
        from: isoTime,
        to: isoTime,
        format: z.enum(['pdf', 'html']).default('pdf'),
        masked: z.boolean().optional(),
      })
      .strict(),
    exportFileSchema,
  ),
  /** Counts, rates, top entities and response times over the last `hours`. */
  'dashboard.stats': method(
    z
      .object({
        hours: z
          .number()
          .int()
          .min(1)
          .max(24 * 90)
          .default(24),
      })
      .strict(),
    dashboardStatsSchema,
  ),
  /** The newest lines of a log file (all, error or success), newest last, filtered by level and text. */
  'logs.tail': method(
    z
      .object({
        file: z.enum(['all', 'error', 'success']).default('all'),
        levels: z.array(z.enum(LOG_LEVELS)).max(4).optional(),
        q: filterText.optional(),
        limit: z.number().int().min(1).max(2000).default(500),
      })
      .strict(),
    z.object({ records: z.array(logRecordSchema), truncated: z.boolean() }),
  ),
  /**
   * The webhook token, for the analyst to copy into the sending system. The
   * one secret the UI may read, and only on this explicit request (logged).
   */
  'webhook.revealToken': method(empty, z.object({ token: z.string() })),
  /** Replaces the webhook token with a new random one and returns it; senders must be updated. */
  'webhook.rotateToken': method(empty, z.object({ token: z.string() })),
  /** Configured sources with their health. */
  'sources.list': method(empty, z.array(sourceViewSchema)),
  /** Enables or disables a source; its service starts or stops at once. */
  'sources.setEnabled': method(
    z.object({ id: z.string().min(1).max(64), enabled: z.boolean() }).strict(),
    sourceViewSchema,
  ),
  /**
   * Adds or replaces a source (validated by the config schema; errors name the
   * key). A secret field left out or empty keeps the stored secret. With
   * `create`, an id already in use is refused instead of replaced.
   */
  'sources.upsert': method(
    z.object({ source: z.record(z.string(), z.unknown()), create: z.boolean().optional() }).strict(),
    sourceViewSchema,
  ),
  /** Removes a source; its incidents and raw events stay. */
  'sources.remove': method(idArg, z.object({ removed: z.boolean() })),
  /** Checks a saved source's address and credentials without ingesting anything. */
  'sources.test': method(
    idArg,
    z.object({ ok: z.boolean(), message: z.string(), latencyMs: z.number().int() }),
  ),
  /** Polls a source now, out of schedule. */
  'sources.pollNow': method(
    idArg,
    z.object({ ok: z.boolean(), events: z.number().int(), message: z.string() }),
  ),
  /** Takes a database snapshot now (progress arrives as backup.progress events). */
  'backup.run': method(empty, z.object({ snapshot: backupFileSchema })),
  /** Snapshots and raw-event day files on disk. */
  'backup.list': method(empty, backupListSchema),
  /** Replaces the database with a snapshot; the current one is snapshotted first. */
  'backup.restore': method(
    z.object({ name: z.string().min(1).max(200) }).strict(),
    z.object({ restored: z.string(), safetySnapshot: z.string() }),
  ),
  /** The editable settings, secrets shown only as set / not set. */
  'settings.get': method(empty, settingsViewSchema),
  /**
   * Changes settings: `patch` holds whole sections or single keys of
   * webhook, ai, sanitizer, backup, routing, ui (e.g. {ai: {model: 'x'}}),
   * validated by the config schema (errors name the key). A secret given as
   * an empty string keeps the stored one.
   */
  'settings.update': method(
    z.object({ patch: z.record(z.string(), z.record(z.string(), z.unknown())) }).strict(),
    settingsViewSchema,
  ),
  /** Configured notification channels with their delivery health. */
  'channels.list': method(empty, z.array(channelViewSchema)),
  /**
   * Adds or replaces a channel (validated by the config schema; errors name
   * the key). A secret left out or empty keeps the stored one; `create`
   * refuses an id in use.
   */
  'channels.upsert': method(
    z.object({ channel: z.record(z.string(), z.unknown()), create: z.boolean().optional() }).strict(),
    channelViewSchema,
  ),
  /** Removes a channel; its delivery log stays. */
  'channels.remove': method(idArg, z.object({ removed: z.boolean() })),
  /** Sends a test message now and says what happened. */
  'channels.test': method(
    idArg,
    z.object({ ok: z.boolean(), message: z.string(), latencyMs: z.number().int() }),
  ),
  /** A channel's recent outbox entries and delivery log. */
  'channels.outbox': method(
    z.object({ id: z.string().min(1).max(64), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    z.object({
      entries: z.array(outboxEntrySchema),
      deliveries: z.array(
        z.object({ at: z.string(), ok: z.boolean(), detail: z.string(), outboxId: z.number().int() }),
      ),
    }),
  ),
  /** Puts a dead outbox entry back in the queue. */
  'channels.retry': method(
    z.object({ outboxId: z.number().int().min(1) }).strict(),
    z.object({ retried: z.boolean() }),
  ),
  /** Silences matching incidents on every channel until `minutes` from now. */
  'silences.add': method(
    z
      .object({
        owner: z.string().min(1).max(120),
        reason: z.string().max(500).optional(),
        minutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60),
        match: z.record(z.string(), z.unknown()),
      })
      .strict(),
    z.object({ id: z.string(), expiresAt: z.string() }),
  ),
  /** Ends a silence. */
  'silences.remove': method(idArg, z.object({ removed: z.boolean() })),
  /** A WhatsApp gateway channel's sessions, with the QR of any that waits to be linked. */
  'whatsapp.sessions': method(
    z.object({ channelId: z.string().min(1).max(64) }).strict(),
    z.array(whatsappSessionSchema),
  ),
  /** Creates (if needed) and connects a gateway session; its QR arrives with whatsapp.status events. */
  'whatsapp.connect': method(
    z.object({ channelId: z.string().min(1).max(64), session: z.string().min(1).max(100) }).strict(),
    whatsappSessionSchema,
  ),
  /** The current QR (and status) of a session. */
  'whatsapp.qr': method(
    z.object({ channelId: z.string().min(1).max(64), session: z.string().min(1).max(100) }).strict(),
    whatsappSessionSchema,
  ),
  /** Groups the session's phone is in, to pick the notification target. */
  'whatsapp.groups': method(
    z
      .object({
        channelId: z.string().min(1).max(64),
        session: z.string().min(1).max(100),
        refresh: z.boolean().optional(),
      })
      .strict(),
    z.array(z.object({ id: z.string(), name: z.string(), participants: z.number().int().nullable() })),
  ),
  /** Telegram chats that asked for this channel's messages, and what was decided. */
  'telegram.chats': method(
    z.object({ channelId: z.string().min(1).max(64) }).strict(),
    z.array(
      z.object({
        chatId: z.string(),
        title: z.string(),
        state: z.enum(['pending', 'approved', 'ignored', 'blocked']),
        requestedAt: z.string(),
        decidedAt: z.string().nullable(),
        decidedBy: z.string().nullable(),
      }),
    ),
  ),
  /** Approves, ignores or blocks a Telegram chat from the console. */
  'telegram.decide': method(
    z
      .object({
        channelId: z.string().min(1).max(64),
        chatId: z.string().min(1).max(64),
        decision: z.enum(['approved', 'ignored', 'blocked']),
      })
      .strict(),
    z.object({ ok: z.boolean() }),
  ),
  /** Queues an AI analysis of an incident now (even below the minimum severity). */
  'ai.analyze': method(
    z.object({ id: z.string().min(1).max(200), force: z.boolean().optional() }).strict(),
    z.object({ state: z.enum(['queued', 'cached', 'skipped']), message: z.string() }),
  ),
  /** Sends one tiny request to the configured endpoint and says what came back. */
  'ai.test': method(
    empty,
    z.object({ ok: z.boolean(), message: z.string(), model: z.string(), latencyMs: z.number().int() }),
  ),
  /** Whether AI analysis is on, today's token use against the budget, the last failure. */
  'ai.status': method(empty, aiStatusSchema),
  /**
   * Imports a seed-style config (the scripts Vigil replaces: config/config.json
   * with sentinelone, telegram, whatsapp, teams, ai sections). Reports each key
   * it could not map and why.
   */
  'config.importSeed': method(
    z.object({ document: z.unknown() }).strict(),
    z.object({
      imported: z.array(z.string()),
      unmapped: z.array(z.object({ key: z.string(), reason: z.string() })),
    }),
  ),
} as const;

export const events = {
  /** An incident was created, updated, or hit again by a duplicate. */
  'incidents.changed': z.object({
    item: incidentListItemSchema,
    change: z.enum(['created', 'updated', 'duplicate']),
  }),
  /** A source's health or settings changed. */
  'sources.changed': sourceViewSchema,
  /** Counts changed (tray badge, header). */
  'system.counts': systemStatusSchema.shape.counts.extend({
    highestOpenSeverity: severitySchema.nullable(),
  }),
  /** An incident's AI analysis changed state (pending, done, failed, skipped); fetch the detail to see it. */
  'incidents.analysis': z.object({
    incidentId: z.string(),
    state: z.enum(['pending', 'done', 'failed', 'skipped']),
  }),
  /** A channel's settings or delivery health changed; fetch channels.list. */
  'channels.changed': z.object({ id: z.string() }),
  /** A WhatsApp gateway session changed status or has a new QR. */
  'whatsapp.status': z.object({ channelId: z.string(), session: whatsappSessionSchema }),
  /** How far an incidents.export that named this progressId got: `rows` written of `total`. */
  'incidents.exportProgress': z.object({
    progressId: z.string(),
    rows: z.number().int().min(0),
    total: z.number().int().min(0),
  }),
  /** Progress of a backup or restore. */
  'backup.progress': z.object({
    operation: z.enum(['backup', 'restore']),
    percent: z.number().min(0).max(100),
    message: z.string(),
  }),
  /** The database was restored from a snapshot: every view reloads. */
  'backup.restored': z.object({ name: z.string() }),
  /** The desktop shell asks the UI to show an incident (a notification was clicked). */
  'ui.focusIncident': z.object({ id: z.string() }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodRequest<M extends MethodName> = z.input<Methods[M]['request']>;
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['request']>;
export type MethodResponse<M extends MethodName> = z.output<Methods[M]['response']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
