/** The contract's handlers: plain async functions over the core's parts, free of any transport. */
import type { Config } from '../../../shared/config';
import { formatIssues, sourceConfigSchema } from '../../../shared/config';
import type { SettingsView, SetupState, SystemStatus } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { Clock } from '../clock';
import type { ConfigStore } from '../config/config-store';
import type { IncidentsRepo } from '../db/repos/incidents-repo';
import type { RawEventsRepo } from '../db/repos/raw-events-repo';
import type { TimelineRepo } from '../db/repos/timeline-repo';
import type { EventBus } from '../event-bus';
import { exposedListeners } from '../http';
import type { Logger } from '../logger';
import type { ServiceHost } from '../service-host';
import type { Db } from '../db/database';
import type { Sanitizer } from '../sanitizer/sanitizer';
import type { AnalystService } from '../ai/analyst-service';
import type { IncidentActions } from '../incidents/incident-actions';
import type { BackupService } from '../backup/backup-service';
import { importSeedConfig } from '../config/seed-import';
import type { SourceManager } from '../sources/source-manager';
import { SOURCE_SECRET_FIELDS } from '../sources/source-manager';
import type { WebhookService } from '../webhook/webhook-service';
import { createDetailHandlers } from './detail-handlers';
import { createIncidentHandlers } from './incident-handlers';
import { createReportHandlers } from './report-handlers';
import type { NotifyHandlerDeps } from './notify-handlers';
import { createNotifyHandlers } from './notify-handlers';
import type { Handlers } from './dispatcher';

const SETTINGS_SECTIONS = ['webhook', 'ai', 'sanitizer', 'backup', 'routing', 'ui'] as const;
type SettingsSection = (typeof SETTINGS_SECTIONS)[number];
const SETTINGS_SECRET_FIELDS: Partial<Record<SettingsSection, string[]>> = {
  webhook: ['token'],
  ai: ['apiKey'],
  ui: ['pin'],
};

function settingsView(config: ConfigStore, pinFromEnv: boolean): SettingsView {
  const { webhook, ai, sanitizer, backup, routing, ui } = config.get();
  const set = (value: string | undefined) => Boolean(config.resolveSecret(value));
  return {
    webhook: {
      host: webhook.host,
      port: webhook.port,
      maxBodyBytes: webhook.maxBodyBytes,
      rateLimitPerMin: webhook.rateLimitPerMin,
      tokenSet: set(webhook.token),
    },
    ai: {
      enabled: ai.enabled,
      baseUrl: ai.baseUrl,
      model: ai.model,
      minSeverity: ai.minSeverity,
      timeoutSec: ai.timeoutSec,
      maxTokens: ai.maxTokens,
      dailyTokenBudget: ai.dailyTokenBudget,
      apiKeySet: set(ai.apiKey),
    },
    sanitizer: { enabled: sanitizer.enabled, classes: sanitizer.classes, allow: sanitizer.allow },
    backup: { retentionDays: backup.retentionDays, dbSnapshotHour: backup.dbSnapshotHour },
    routing: {
      dedupWindowSec: routing.dedupWindowSec,
      rules: routing.rules,
      quietHours: routing.quietHours,
      silences: routing.silences,
    },
    ui: {
      timeZone: ui.timeZone,
      startAtLogin: ui.startAtLogin,
      pinSet: set(ui.pin) || pinFromEnv,
      pinFromEnv,
    },
  };
}

const DEFAULT_DEMO_RATE = 6;

export interface HandlerDeps {
  version: string;
  shell: 'desktop' | 'headless';
  startedAt: string;
  clock: Clock;
  config: ConfigStore;
  incidents: IncidentsRepo;
  rawEvents: RawEventsRepo;
  timeline: TimelineRepo;
  sources: SourceManager;
  backup: BackupService;
  analyst: AnalystService;
  actions: IncidentActions;
  webhook: WebhookService;
  host: ServiceHost;
  bus: EventBus;
  onCountsChanged: () => void;
  withTransaction: <T>(fn: () => T) => T;
  /** For the repositories the handlers open themselves (dashboard, reports). */
  db: Db;
  /**
   * A new read-only connection to the same database (db/database.ts
   * openReader), for reads that yield between pages; null for an in-memory one.
   */
  openReader: (() => Db) | null;
  /** Masks even when sanitizer.enabled is off (Sanitizer.alwaysOn): masked views, exports, reports. */
  masker: Sanitizer;
  /** The directory of all.log / error.log / success.log; null when logging to files is off. */
  logDir: string | null;
  /** Renders an HTML document to PDF (Electron's printToPDF, or a local Chromium); null when neither exists. */
  renderPdf: ((html: string) => Promise<Buffer>) | null;
  /** The headless shell's UI/API base URL once listening; null in the desktop shell. */
  uiUrl: () => string | null;
  /** The headless shell's PIN is VIGIL_PIN's value (settings show it as set, by the environment). */
  pinFromEnv: boolean;
  /** For audit lines of handlers (a revealed or rotated token, a generated report); never given secrets. */
  logger: Logger;
}

export function createHandlers(deps: HandlerDeps & NotifyHandlerDeps): Handlers {
  const setupState = (config: Config): SetupState => ({
    setupDone: config.ui.setupDone,
    demoRunning: config.sources.some((s) => s.kind === 'demo' && s.enabled),
    sourceCount: config.sources.length,
  });

  return {
    ...createNotifyHandlers(deps),
    ...createIncidentHandlers(deps),
    ...createDetailHandlers(deps),
    ...createReportHandlers(deps),
    'system.status': (): SystemStatus => {
      const { highestOpenSeverity, ...counts } = deps.incidents.counts();
      return {
        version: deps.version,
        shell: deps.shell,
        startedAt: deps.startedAt,
        timeZone: deps.config.get().ui.timeZone,
        webhook: {
          url: deps.webhook.url,
          listening: deps.webhook.state === 'running',
          tokenSet: Boolean(deps.config.resolveSecret(deps.config.get().webhook.token)),
        },
        counts,
        highestOpenSeverity,
        services: deps.host.list(),
        exposed: exposedListeners({ ui: deps.uiUrl(), webhook: deps.webhook.url }),
      };
    },

    'setup.get': () => setupState(deps.config.get()),

    'setup.startDemo': ({ ratePerMinute }) => {
      const config = deps.config.update((draft) => {
        const existing = draft.sources.find((s) => s.kind === 'demo');
        if (existing && existing.kind === 'demo') {
          existing.enabled = true;
          if (ratePerMinute !== undefined) existing.ratePerMinute = ratePerMinute;
        } else {
          const id = draft.sources.some((s) => s.id === 'demo') ? `demo-${draft.sources.length}` : 'demo';
          draft.sources.push({
            id,
            kind: 'demo',
            name: 'Demo feed',
            enabled: true,
            pollIntervalSec: 60,
            ratePerMinute: ratePerMinute ?? DEFAULT_DEMO_RATE,
          });
        }
        draft.ui.setupDone = true;
      });
      const demo = config.sources.find((s) => s.kind === 'demo')!;
      return deps.sources.view(demo);
    },

    'setup.finish': () =>
      setupState(
        deps.config.update((draft) => {
          draft.ui.setupDone = true;
        }),
      ),

    'incidents.setStatus': ({ id, status, note }, ctx) => deps.actions.setStatus(id, status, ctx, note),

    'sources.list': () => deps.sources.list(),

    'sources.setEnabled': ({ id, enabled }) => {
      if (!deps.config.get().sources.some((s) => s.id === id)) {
        throw new ContractError('not_found', `no source ${id}`);
      }
      const config = deps.config.update((draft) => {
        const source = draft.sources.find((s) => s.id === id);
        if (source) source.enabled = enabled;
      });
      return deps.sources.view(config.sources.find((s) => s.id === id)!);
    },

    'sources.upsert': ({ source: input, create }) => {
      const existing = deps.config.get().sources.find((s) => s.id === input.id) as
        Record<string, unknown> | undefined;
      if (create && existing) {
        throw new ContractError('bad_request', 'source.id: another source already uses this id');
      }
      const merged: Record<string, unknown> = { ...input };
      for (const field of SOURCE_SECRET_FIELDS) {
        // A form never sees stored secrets, so an empty field means "keep it".
        if ((merged[field] === undefined || merged[field] === '') && existing?.[field] !== undefined) {
          merged[field] = existing[field];
        }
      }
      const parsed = sourceConfigSchema.safeParse(merged);
      if (!parsed.success) throw new ContractError('bad_request', formatIssues(parsed.error, 'source'));
      const config = deps.config.update((draft) => {
        const index = draft.sources.findIndex((s) => s.id === parsed.data.id);
        if (index >= 0) draft.sources[index] = parsed.data;
        else draft.sources.push(parsed.data);
      });
      return deps.sources.view(config.sources.find((s) => s.id === parsed.data.id)!);
    },

    'sources.remove': ({ id }) => {
      if (!deps.config.get().sources.some((s) => s.id === id)) {
        throw new ContractError('not_found', `no source ${id}`);
      }
      deps.config.update((draft) => {
        draft.sources = draft.sources.filter((s) => s.id !== id);
      });
      return { removed: true };
    },

    'sources.test': async ({ id }) => {
      const source = deps.config.get().sources.find((s) => s.id === id);
      if (!source) throw new ContractError('not_found', `no source ${id}`);
      return deps.sources.test(source);
    },

    'sources.pollNow': async ({ id }) => {
      if (!deps.config.get().sources.some((s) => s.id === id)) {
        throw new ContractError('not_found', `no source ${id}`);
      }
      return deps.sources.pollNow(id);
    },

    'backup.run': () => deps.backup.run(),
    'backup.list': () => deps.backup.list(),
    'backup.restore': ({ name }) => deps.backup.restore(name),
    'config.importSeed': ({ document }) => importSeedConfig(document, deps.config),

    'settings.get': () => settingsView(deps.config, deps.pinFromEnv),

    'settings.update': ({ patch }) => {
      for (const [section, values] of Object.entries(patch)) {
        if (!SETTINGS_SECTIONS.includes(section as SettingsSection)) {
          throw new ContractError(
            'bad_request',
            `patch.${section}: not a settings section (${SETTINGS_SECTIONS.join(', ')})`,
          );
        }
        for (const field of SETTINGS_SECRET_FIELDS[section as SettingsSection] ?? []) {
          // The UI never holds a stored secret: an empty field means "keep it".
          if (values[field] === '') delete values[field];
        }
      }
      deps.config.update((draft) => {
        for (const [section, values] of Object.entries(patch)) {
          Object.assign(draft[section as SettingsSection], values);
        }
      });
      return settingsView(deps.config, deps.pinFromEnv);
    },

    'ai.analyze': ({ id, force }) => deps.analyst.analyze(id, force ?? false),
    'ai.test': () => deps.analyst.test(),
    'ai.status': () => deps.analyst.status(),
  };
}
