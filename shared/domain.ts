/**
 * The domain model shared by the core and the renderer. Pure TypeScript + zod:
 * nothing here may touch Node, Electron or the DOM.
 */
import { z } from 'zod';
import './validation';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

/** Higher is worse; used for routing thresholds and "highest open severity". */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export const STATUSES = [
  'new',
  'acknowledged',
  'in_progress',
  'resolved',
  'closed',
  'false_positive',
] as const;
export const statusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof statusSchema>;

/** Statuses in which an incident still needs an analyst. */
export const OPEN_STATUSES: readonly Status[] = ['new', 'acknowledged', 'in_progress'];
export function isOpenStatus(status: Status): boolean {
  return OPEN_STATUSES.includes(status);
}

export const SOURCE_KINDS = ['sentinelone', 'maxpatrol', 'deepinstinct', 'webhook', 'demo'] as const;
export const sourceKindSchema = z.enum(SOURCE_KINDS);
export type SourceKind = z.infer<typeof sourceKindSchema>;

export const CHANNEL_KINDS = ['telegram', 'teams', 'mattermost', 'email', 'whatsapp', 'desktop'] as const;
export const channelKindSchema = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof channelKindSchema>;

/** Where an incident came from: the kind of product, the configured source id and its name. */
export const sourceRefSchema = z.object({
  kind: sourceKindSchema,
  id: z.string(),
  name: z.string(),
});
export type SourceRef = z.infer<typeof sourceRefSchema>;

export const fileEntitySchema = z.object({
  path: z.string(),
  sha256: z.string().optional(),
  sha1: z.string().optional(),
  md5: z.string().optional(),
});
export type FileEntity = z.infer<typeof fileEntitySchema>;

export const entitiesSchema = z.object({
  hosts: z.array(z.string()),
  users: z.array(z.string()),
  ips: z.array(z.string()),
  files: z.array(fileEntitySchema),
  processes: z.array(z.string()),
  urls: z.array(z.string()),
  domains: z.array(z.string()),
});
export type Entities = z.infer<typeof entitiesSchema>;

export function emptyEntities(): Entities {
  return { hosts: [], users: [], ips: [], files: [], processes: [], urls: [], domains: [] };
}

export const mitreSchema = z.object({
  tactics: z.array(z.string()),
  techniques: z.array(z.string()),
});
export type Mitre = z.infer<typeof mitreSchema>;

export const incidentSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  source: sourceRefSchema,
  vendorId: z.string().nullable(),
  consoleUrl: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  severity: severitySchema,
  status: statusSchema,
  category: z.string().nullable(),
  mitre: mitreSchema,
  entities: entitiesSchema,
  firstSeen: z.string(),
  lastSeen: z.string(),
  count: z.number().int(),
  vendorStatus: z.string().nullable(),
  assignee: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Incident = z.infer<typeof incidentSchema>;

/** The row the incident list shows: small enough to page through 100k of them. */
export const incidentListItemSchema = incidentSchema
  .pick({
    id: true,
    source: true,
    title: true,
    severity: true,
    status: true,
    category: true,
    firstSeen: true,
    lastSeen: true,
    count: true,
    assignee: true,
  })
  .extend({
    host: z.string().nullable(),
  });
export type IncidentListItem = z.infer<typeof incidentListItemSchema>;

export function toListItem(incident: Incident): IncidentListItem {
  return {
    id: incident.id,
    source: incident.source,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    category: incident.category,
    firstSeen: incident.firstSeen,
    lastSeen: incident.lastSeen,
    count: incident.count,
    assignee: incident.assignee,
    host: incident.entities.hosts[0] ?? null,
  };
}

/** Through what an action was taken: every timeline entry names it. */
export const VIAS = ['ui', 'api', 'webhook', 'poller', 'telegram', 'rule', 'system'] as const;
export const viaSchema = z.enum(VIAS);
export type Via = z.infer<typeof viaSchema>;

export const timelineEntrySchema = z.object({
  id: z.number().int(),
  incidentId: z.string(),
  at: z.string(),
  actor: z.string(),
  via: viaSchema,
  action: z.string(),
  detail: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** A raw event as received, linked to the incident it produced. */
export const rawEventSchema = z.object({
  id: z.string(),
  receivedAt: z.string(),
  sourceKind: sourceKindSchema,
  sourceId: z.string(),
  route: z.string(),
  incidentId: z.string().nullable(),
  body: z.string(),
});
export type RawEvent = z.infer<typeof rawEventSchema>;

export const sourceHealthSchema = z.object({
  state: z.enum(['idle', 'running', 'ok', 'error', 'disabled']),
  lastSuccess: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  nextRun: z.string().nullable(),
  eventsTotal: z.number().int(),
});
export type SourceHealth = z.infer<typeof sourceHealthSchema>;

/** An LLM triage of one incident, stored with how it was made; shown with real values restored. */
export const analysisSchema = z.object({
  state: z.enum(['pending', 'done', 'failed', 'skipped']),
  summary: z.string().nullable(),
  severityAssessment: z.object({ severity: severitySchema, rationale: z.string() }).nullable(),
  mitigationSteps: z.array(z.string()),
  investigationSteps: z.array(z.string()),
  /** 0 (a guess) to 1 (certain), as the model judged it. */
  confidence: z.number().min(0).max(1).nullable(),
  model: z.string().nullable(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  /** True when the answer was reused from an earlier incident with the same fingerprint. */
  cached: z.boolean(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
export type Analysis = z.infer<typeof analysisSchema>;
