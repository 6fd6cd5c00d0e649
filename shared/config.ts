/**
 * The configuration document (DESIGN.md §4). One JSON document, validated here
 * so that the core, the headless shell's --config seed and the renderer's forms
 * all agree on it. Unknown keys are refused so that a typo names itself.
 */
import { z } from 'zod';

import { severitySchema } from './domain';

/**
 * A secret as it stands in the config document: a literal (only on input; the
 * core moves it into the SecretStore), `${ENV_NAME}` (read from the
 * environment at use), or `secret:<ref>` (a SecretStore entry).
 */
export const secretValueSchema = z.string();

/**
 * A secret that is a URL (a webhook whose path is the credential): a literal
 * must be http(s); references are checked when they resolve.
 */
export const secretUrlSchema = secretValueSchema.refine(
  (value) =>
    value === '' ||
    /^\$\{\w+\}$/.test(value) ||
    value.startsWith('secret:') ||
    /^https?:\/\/[^/\s]+/i.test(value),
  'must be an http(s) URL',
);

const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "-" and "_" only');

const sourceBase = {
  id: idSchema,
  name: z.string().min(1).max(120),
  enabled: z.boolean().default(true),
  pollIntervalSec: z.number().int().min(5).max(86_400).default(60),
};

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const demoSourceSchema = z
  .object({
    ...sourceBase,
    kind: z.literal('demo'),
    /** Incidents generated per minute. */
    ratePerMinute: z.number().min(0.1).max(6000).default(6),
    /** Seed for the generator; fixed seeds give the same feed (tests, screenshots). */
    seed: z.number().int().optional(),
  })
  .strict();

export const sentinelOneSourceSchema = z
  .object({
    ...sourceBase,
    kind: z.literal('sentinelone'),
    baseUrl: httpUrl,
    apiToken: secretValueSchema.optional(),
    /** Also poll cloud-detection (STAR / custom rule) alerts besides threats. */
    pollAlerts: z.boolean().default(true),
    verifyTls: z.boolean().default(true),
  })
  .strict();

export const maxPatrolSourceSchema = z
  .object({
    ...sourceBase,
    kind: z.literal('maxpatrol'),
    baseUrl: httpUrl,
    username: z.string().optional(),
    password: secretValueSchema.optional(),
    clientId: z.enum(['mpx', 'ptkb']).default('mpx'),
    clientSecret: secretValueSchema.optional(),
    /** Port of the token service (IdentityServer) on the Core host. */
    tokenPort: z.number().int().min(1).max(65_535).default(3334),
    /** Port of /api on the Core host; defaults to the port in baseUrl. */
    apiPort: z.number().int().min(1).max(65_535).optional(),
    /** Most incident events attached to an incident (and shown in a message). */
    maxEvents: z.number().int().min(0).max(500).default(10),
    /** Core often has a self-signed certificate; verification can be turned off per source. */
    verifyTls: z.boolean().default(true),
  })
  .strict();

export const deepInstinctSourceSchema = z
  .object({
    ...sourceBase,
    kind: z.literal('deepinstinct'),
    baseUrl: httpUrl,
    apiKey: secretValueSchema.optional(),
    /** Also poll suspicious events (the suspicious-events endpoint) besides events. */
    pollSuspicious: z.boolean().default(true),
    verifyTls: z.boolean().default(true),
  })
  .strict();

export const webhookSourceSchema = z
  .object({
    ...sourceBase,
    kind: z.literal('webhook'),
    token: secretValueSchema.optional(),
    /** Field mapping from the posted JSON to incident fields (dot paths). */
    mapping: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export const sourceConfigSchema = z.discriminatedUnion('kind', [
  demoSourceSchema,
  sentinelOneSourceSchema,
  maxPatrolSourceSchema,
  deepInstinctSourceSchema,
  webhookSourceSchema,
]);
export type SourceConfig = z.infer<typeof sourceConfigSchema>;

const channelBase = {
  id: idSchema,
  name: z.string().min(1).max(120),
  enabled: z.boolean().default(true),
  /** Incidents below this severity are not sent here (unless a routing rule says so). */
  minSeverity: severitySchema.default('high'),
  /** Mask sensitive values before sending (DESIGN.md §2: masked unless explicitly off). */
  mask: z.boolean().default(true),
  /** Only incidents from these source kinds or source ids (empty = all). */
  sources: z.array(z.string()).default([]),
  /** Only incidents of these categories (empty = all). */
  categories: z.array(z.string()).default([]),
};

export const telegramChannelSchema = z
  .object({
    ...channelBase,
    kind: z.literal('telegram'),
    botToken: secretValueSchema.optional(),
    /** The Bot API root; a test or air-gapped user points it elsewhere. */
    apiRoot: httpUrl.default('https://api.telegram.org'),
    /** The chat that approves new chats and may run admin commands. */
    adminChatId: z.string().max(64).optional(),
    /** A chat incidents go to besides the approved ones (kept from the old scripts). */
    chatId: z.string().max(64).optional(),
    /** Raw events listed in a message. */
    eventsInMessage: z.number().int().min(0).max(20).default(5),
  })
  .strict();

export const teamsChannelSchema = z
  .object({
    ...channelBase,
    kind: z.literal('teams'),
    webhookUrl: secretUrlSchema.optional(),
    /** 'adaptive': a Workflows (Power Automate) webhook; 'legacy': an Office 365 connector card. */
    format: z.enum(['adaptive', 'legacy']).default('adaptive'),
  })
  .strict();

export const mattermostChannelSchema = z
  .object({
    ...channelBase,
    kind: z.literal('mattermost'),
    webhookUrl: secretUrlSchema.optional(),
    channel: z.string().max(200).optional(),
    username: z.string().max(100).default('Vigil'),
    iconUrl: httpUrl.optional(),
  })
  .strict();

export const emailChannelSchema = z
  .object({
    ...channelBase,
    kind: z.literal('email'),
    smtp: z
      .object({
        host: z.string().min(1).default('localhost'),
        port: z.number().int().min(1).max(65_535).default(587),
        /** True for implicit TLS (465); otherwise STARTTLS when offered. */
        secure: z.boolean().default(false),
        user: z.string().optional(),
        password: secretValueSchema.optional(),
        verifyTls: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    from: z.string().min(3).default('vigil@localhost'),
    to: z.array(z.string().min(3)).default([]),
  })
  .strict();

export const whatsappChannelSchema = z
  .object({
    ...channelBase,
    kind: z.literal('whatsapp'),
    /** 'gateway': a QR-linked multi-session bridge; 'cloud': Meta's WhatsApp Cloud API. */
    provider: z.enum(['gateway', 'cloud']).default('gateway'),
    bridgeUrl: httpUrl.optional(),
    /** The gateway session that sends. */
    session: z.string().max(100).default('vigil'),
    /** A phone number (digits, country code first) or a group id (…@g.us). */
    target: z.string().max(200).optional(),
    apiKey: secretValueSchema.optional(),
    cloudApiRoot: httpUrl.default('https://graph.facebook.com/v21.0'),
    phoneNumberId: z.string().max(64).optional(),
    accessToken: secretValueSchema.optional(),
  })
  .strict();

export const desktopChannelSchema = z
  .object({
    ...channelBase,
    kind: z.literal('desktop'),
  })
  .strict();

export type TelegramChannelConfig = z.infer<typeof telegramChannelSchema>;
export type TeamsChannelConfig = z.infer<typeof teamsChannelSchema>;
export type MattermostChannelConfig = z.infer<typeof mattermostChannelSchema>;
export type EmailChannelConfig = z.infer<typeof emailChannelSchema>;
export type WhatsAppChannelConfig = z.infer<typeof whatsappChannelSchema>;
export type DesktopChannelConfig = z.infer<typeof desktopChannelSchema>;

export const channelConfigSchema = z.discriminatedUnion('kind', [
  telegramChannelSchema,
  teamsChannelSchema,
  mattermostChannelSchema,
  emailChannelSchema,
  whatsappChannelSchema,
  desktopChannelSchema,
]);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM');

/** 'local' or an IANA time zone name the runtime knows. */
export const timeZoneSchema = z.string().refine((zone) => {
  if (zone === 'local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "must be 'local' or an IANA time zone such as Europe/Moscow or UTC");

/** What a routing rule or a silence applies to; every given field must match (empty = any). */
export const incidentMatchSchema = z
  .object({
    minSeverity: severitySchema.optional(),
    /** Source kinds or source ids. */
    sources: z.array(z.string()).default([]),
    categories: z.array(z.string()).default([]),
    hosts: z.array(z.string()).default([]),
    /** Case-insensitive substring of the title. */
    titleContains: z.string().max(200).optional(),
  })
  .strict()
  .prefault({});

export const routingRuleSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(120),
    enabled: z.boolean().default(true),
    match: incidentMatchSchema,
    /** 'notify' sends to `channels` even below their minimum severity; 'suppress' keeps matches away from them. */
    action: z.enum(['notify', 'suppress']),
    /** Channel ids; empty = every channel. */
    channels: z.array(z.string()).default([]),
  })
  .strict();
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const silenceSchema = z
  .object({
    id: idSchema,
    /** Who silenced it, for the timeline and the Channels view. */
    owner: z.string().min(1).max(120),
    reason: z.string().max(500).default(''),
    /** ISO time the silence ends; expired silences are ignored. */
    expiresAt: z.iso.datetime({ offset: true }),
    match: incidentMatchSchema,
  })
  .strict();
export type Silence = z.infer<typeof silenceSchema>;

function ruleThreshold(count: number, windowSec: number) {
  return z
    .object({
      enabled: z.boolean().default(true),
      count: z.number().int().min(1).max(100_000).default(count),
      windowSec: z.number().int().min(1).max(86_400).default(windowSec),
    })
    .strict()
    .prefault({});
}

export const configSchema = z
  .object({
    version: z.number().int().default(1),
    webhook: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8788),
        token: secretValueSchema.optional(),
        maxBodyBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        rateLimitPerMin: z.number().int().min(1).default(600),
      })
      .strict()
      .prefault({}),
    sources: z.array(sourceConfigSchema).default([]),
    channels: z.array(channelConfigSchema).default([]),
    routing: z
      .object({
        rules: z.array(routingRuleSchema).default([]),
        /** Non-critical incidents wait until the quiet hours end (in ui.timeZone). */
        quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable().default(null),
        dedupWindowSec: z
          .number()
          .int()
          .min(0)
          .max(30 * 86_400)
          .default(3600),
        silences: z.array(silenceSchema).default([]),
      })
      .strict()
      .prefault({}),
    detection: z
      .object({
        /** Log-record rules of POST /api/logs; each fires at `count` hits inside `windowSec`. */
        sshBruteForce: ruleThreshold(3, 60),
        rapidAttempts: ruleThreshold(10, 30),
        sudoFailures: ruleThreshold(3, 300),
        userEnumeration: ruleThreshold(5, 120),
        http5xxBurst: ruleThreshold(10, 60),
        /** Logins in these local hours (start inclusive, end exclusive) are off-hours. */
        offHours: z
          .object({
            enabled: z.boolean().default(true),
            start: hhmm.default('22:00'),
            end: hhmm.default('06:00'),
          })
          .strict()
          .prefault({}),
        injection: z
          .object({ enabled: z.boolean().default(true) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    ai: z
      .object({
        enabled: z.boolean().default(false),
        baseUrl: httpUrl.default('https://api.openai.com/v1'),
        apiKey: secretValueSchema.optional(),
        model: z.string().default('gpt-4o-mini'),
        minSeverity: severitySchema.default('medium'),
        timeoutSec: z.number().int().min(1).max(600).default(60),
        /** Most tokens one answer may use. */
        maxTokens: z.number().int().min(64).max(32_000).default(1200),
        dailyTokenBudget: z.number().int().min(0).default(200_000),
      })
      .strict()
      .prefault({}),
    sanitizer: z
      .object({
        enabled: z.boolean().default(true),
        classes: z.array(z.string()).default([]),
        allow: z.array(z.string()).default([]),
      })
      .strict()
      .prefault({}),
    backup: z
      .object({
        retentionDays: z.number().int().min(1).max(3650).default(30),
        dbSnapshotHour: z.number().int().min(0).max(23).default(3),
      })
      .strict()
      .prefault({}),
    ui: z
      .object({
        /** PIN or passphrase for the browser UI; stored as a secret. */
        pin: secretValueSchema.optional(),
        /** IANA zone (e.g. Europe/Moscow) times are shown and off-hours judged in; 'local' = this machine's. */
        timeZone: timeZoneSchema.default('local'),
        setupDone: z.boolean().default(false),
        /** Desktop app: start when the user logs in (off by default). */
        startAtLogin: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/**
 * Every place a secret may stand in the document. `*` matches an array index.
 * The core uses this list to move literals into the SecretStore, to resolve
 * them at use, and to strip them from anything the renderer or a log sees.
 */
export const SECRET_PATHS = [
  'webhook.token',
  'sources.*.apiToken',
  'sources.*.password',
  'sources.*.clientSecret',
  'sources.*.apiKey',
  'sources.*.token',
  'channels.*.botToken',
  'channels.*.webhookUrl',
  'channels.*.password',
  'channels.*.smtp.password',
  'channels.*.accessToken',
  'channels.*.apiKey',
  'ai.apiKey',
  'ui.pin',
] as const;

/** Formats zod issues as "key.path: message" lines, so the bad key names itself. */
export function formatIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${key || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses a config document, throwing an Error whose message names every bad key. */
export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(formatIssues(result.error));
  }
  return result.data;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
