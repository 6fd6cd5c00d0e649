/**
 * createCore: the one composition root (DESIGN.md §1, STYLE.md §10). Both
 * shells call it with what only they can provide (where config lives, how
 * secrets are encrypted, which native SQLite binding to load) and get back the
 * whole product: storage, ingestion, the webhook listener, sources, and the
 * contract dispatcher. No module-level state: two cores can run in one process.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';

import type { EventName } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import type { CallContext } from './call-context';
import type { Clock } from './clock';
import { systemClock } from './clock';
import type { ConfigBackend } from './config/config-backend';
import { ConfigStore } from './config/config-store';
import type { OpenOptions } from './db/database';
import { openDatabase, openReader } from './db/database';
import { trustedProxySet } from './http';
import { createIncidentsRepo } from './db/repos/incidents-repo';
import { createRawEventsRepo } from './db/repos/raw-events-repo';
import { createSourceStatesRepo } from './db/repos/source-states-repo';
import { createTimelineRepo } from './db/repos/timeline-repo';
import { WalCheckpointer } from './db/wal-checkpointer';
import { EventBus } from './event-bus';
import { AnalystService } from './ai/analyst-service';
import { BackupService } from './backup/backup-service';
import { createKvRepo } from './db/repos/kv-repo';
import { createOutboxRepo } from './db/repos/outbox-repo';
import { createTelegramChatsRepo } from './db/repos/telegram-chats-repo';
import { createAdapter } from './notify/channels/index';
import type { DesktopNotifier } from './notify/channels/desktop';
import { createNodeNotifier } from './notify/channels/node-notifier';
import { NotificationService } from './notify/notification-service';
import { TelegramBotService } from './notify/telegram-bots';
import { WhatsAppService } from './notify/whatsapp-sessions';
import { SendThrottle } from './notify/whatsapp/throttle';
import { Sanitizer } from './sanitizer/sanitizer';
import { createIdGenerator } from './ids';
import { IncidentActions } from './incidents/incident-actions';
import { dataPaths } from './paths';
import { Ingestor } from './ingest/ingestor';
import type { LogLevel, Logger } from './logger';
import { LogSink, createLogger } from './logger';
import { createDispatcher } from './rpc/dispatcher';
import { createHandlers } from './rpc/handlers';
import type { SecretCipher } from './secrets/cipher';
import { createFileKeyCipher } from './secrets/file-key-cipher';
import type { SecretStore } from './secrets/secret-store';
import { createSecretStore } from './secrets/secret-store';
import { ServiceHost } from './service-host';
import { SourceManager } from './sources/source-manager';
import { createWebhookRoutes } from './webhook/routes/index';
import { WebhookService } from './webhook/webhook-service';

export type { CallContext } from './call-context';
export type { ConfigBackend } from './config/config-backend';
export { memoryBackend, openConfigStore, storeBackend } from './config/config-backend';
export type { Logger } from './logger';
export type { SecretCipher } from './secrets/cipher';
export type { DesktopNotice, DesktopNotifier } from './notify/channels/desktop';
export { dataPaths, defaultDataDir } from './paths';

export interface CoreOptions {
  dataDir: string;
  shell: 'desktop' | 'headless';
  version: string;
  configBackend: ConfigBackend;
  /** Defaults to AES-256-GCM under a 0600 key file in the data dir. */
  secretCipher?: SecretCipher;
  /** A better_sqlite3.node built for the running ABI when it is not Node's (the Electron shell). */
  sqliteNativeBinding?: string;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  logLevel?: LogLevel;
  /** Also write each log line here (the headless shell's stdout). */
  logEcho?: (line: string) => void;
  /** A config document applied over the stored one at start (the headless shell's --config). */
  seedConfig?: unknown;
  /** How this shell shows desktop notifications; node-notifier by default. */
  desktopNotifier?: DesktopNotifier;
  /** A link to an incident in this shell's UI, for messages (the headless shell's URL). */
  appUrl?: (incidentId: string) => string | null;
  /** Test hook: the outbox's first retry delay (2 s in production). */
  _notifyBackoffBaseMs?: number;
  /** Renders HTML to PDF for the shift report: printToPDF in the desktop shell, a local Chromium headless. */
  renderPdf?: (html: string) => Promise<Buffer>;
  /** The headless shell's UI/API base URL once listening, for system.status' exposure warning. */
  uiUrl?: () => string | null;
  /** The headless shell's web PIN comes from VIGIL_PIN (Settings say so rather than "not set"). */
  pinFromEnv?: boolean;
  /** Per-run overrides of the webhook address that are not saved to the config. */
  webhook?: { host?: string; port?: number };
  /**
   * Reverse proxies in front of the listeners (the headless shell's
   * VIGIL_TRUSTED_PROXIES): their X-Forwarded-For names the client that
   * webhook rate limits count.
   */
  trustedProxies?: readonly string[];
}

export interface Core {
  start(): Promise<void>;
  stop(reason: string): Promise<void>;
  /** Runs a contract method; validates the method name and arguments itself. */
  dispatch(method: string, args: unknown, ctx: CallContext): Promise<Result<unknown>>;
  /** Subscribes to the contract's push events. */
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
  logger: Logger;
  config: ConfigStore;
  secrets: SecretStore;
  /** Registers a value to be masked in every log line (e.g. the shell's API token). */
  redact(value: string): void;
  /** The webhook listener's base URL once started. */
  webhookUrl(): string | null;
  /** True when this start generated the webhook token (the headless shell prints it once). */
  webhookTokenGenerated: boolean;
}

/** Coalesces count pushes: a burst of ingests updates the tray once, not once per event. */
const COUNTS_PUSH_DELAY_MS = 200;

export function createCore(options: CoreOptions): Core {
  const clock = options.clock ?? systemClock;
  const env = options.env ?? process.env;
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });

  const paths = dataPaths(options.dataDir);
  const sink = new LogSink({
    dir: paths.logs,
    level: options.logLevel ?? 'info',
    ...(options.logEcho ? { echo: options.logEcho } : {}),
  });
  const logger = createLogger(sink, 'core', () => clock.now());
  const cipher = options.secretCipher ?? createFileKeyCipher(paths.keyFile);
  const secrets = createSecretStore(paths.secrets, cipher, (value) => sink.addSecret(value));
  const config = new ConfigStore(options.configBackend, secrets, env, logger.child('config'));
  if (options.seedConfig !== undefined) config.applyOver(options.seedConfig);

  const sqlite: OpenOptions = options.sqliteNativeBinding
    ? { nativeBinding: options.sqliteNativeBinding }
    : {};
  const db = openDatabase(paths.db, sqlite);
  const checkpointer = new WalCheckpointer({
    db,
    file: paths.db,
    ...sqlite,
    logger: logger.child('db'),
  });
  const incidents = createIncidentsRepo(db);
  const rawEvents = createRawEventsRepo(db);
  const timeline = createTimelineRepo(db);
  const states = createSourceStatesRepo(db);
  const bus = new EventBus();
  const ids = createIdGenerator(clock);

  let countsTimer: NodeJS.Timeout | undefined;
  const onCountsChanged = () => {
    countsTimer ??= setTimeout(() => {
      countsTimer = undefined;
      bus.emit('system.counts', incidents.counts());
    }, COUNTS_PUSH_DELAY_MS);
  };

  // Routing runs inside the ingest transaction; the service exists once the core is assembled.
  let notifications: NotificationService | null = null;
  const ingestor = new Ingestor({
    db,
    incidents,
    rawEvents,
    timeline,
    ids,
    clock,
    bus,
    dedupWindowSec: () => config.get().routing.dedupWindowSec,
    onCountsChanged,
    inTransaction: (changes) => notifications?.enqueueForChanges(changes),
    onCommitted: (events) => backup.recordEvents(events),
  });

  // The listener is never open: without a configured token, one is generated and kept as a secret.
  // A token given as ${ENV_NAME} is the operator's: while the variable is unset the listener
  // refuses every request (503), and the reference stays, so setting the variable is the fix.
  let webhookTokenGenerated = false;
  const configuredToken = config.get().webhook.token;
  const tokenVariable = config.envReference(configuredToken);
  if (!config.resolveSecret(configuredToken)) {
    if (tokenVariable !== null) {
      logger.error('webhook.token names an unset environment variable: every webhook request is refused', {
        name: tokenVariable,
      });
    } else {
      config.update((draft) => {
        draft.webhook.token = randomBytes(24).toString('base64url');
      });
      webhookTokenGenerated = true;
      logger.info('generated a webhook token (see Settings, or set webhook.token)');
    }
  }

  const sources = new SourceManager({
    config,
    states,
    ingestor,
    bus,
    clock,
    logger: logger.child('sources'),
  });
  // Read per webhook request: built once, the options do not change while the core runs.
  const trustedProxies = trustedProxySet(options.trustedProxies);
  const webhook = new WebhookService(
    () => {
      const settings = config.get().webhook;
      return {
        host: options.webhook?.host ?? settings.host,
        port: options.webhook?.port ?? settings.port,
        token: config.resolveSecret(settings.token),
        maxBodyBytes: settings.maxBodyBytes,
        rateLimitPerMin: settings.rateLimitPerMin,
        trustedProxies,
      };
    },
    createWebhookRoutes({ ingestor, config, sources, clock, logger: logger.child('webhook') }),
    clock,
    logger.child('webhook'),
  );

  const backup = new BackupService({
    db,
    bus,
    config,
    clock,
    logger: logger.child('backup'),
    dir: paths.backup,
    openDatabase: (file) => openDatabase(file, sqlite),
    counts: () => incidents.counts(),
  });

  const host = new ServiceHost(logger.child('host'));
  const outbox = createOutboxRepo(db);
  // Masks whatever sanitizer.enabled says: the LLM's prompts, and masked views, exports and reports.
  const masker = Sanitizer.alwaysOn(() => config.get().sanitizer);
  const analyst = new AnalystService({
    sanitizer: masker,
    db,
    incidents,
    rawEvents,
    config,
    bus,
    clock,
    logger: logger.child('ai'),
    firstNotificationPending: (incidentId) => outbox.firstNotificationUntried(incidentId),
  });

  const sanitizer = new Sanitizer(() => config.get().sanitizer);
  const desktopNotifier = options.desktopNotifier ?? createNodeNotifier();
  const whatsappThrottle = new SendThrottle();
  notifications = new NotificationService({
    config,
    outbox,
    incidents,
    rawEvents,
    timeline,
    sanitizer,
    bus,
    clock,
    logger: logger.child('notify'),
    // `telegram` is created below; adapters are only asked for once the services run.
    adapterFor: (channel) =>
      createAdapter(channel, { desktop: desktopNotifier, telegram: telegram.adapterDeps, whatsappThrottle }),
    analysisFor: (incident) => analyst.analysisFor(incident),
    appUrl: (id) => options.appUrl?.(id) ?? null,
    ...(options._notifyBackoffBaseMs !== undefined ? { backoffBaseMs: options._notifyBackoffBaseMs } : {}),
  });
  const actions = new IncidentActions({
    db,
    incidents,
    timeline,
    bus,
    clock,
    logger: logger.child('actions'),
    onCountsChanged,
    writeBack: (incident, decision) => sources.writeBack(incident, decision),
  });
  const telegram = new TelegramBotService({
    config,
    chats: createTelegramChatsRepo(db),
    kv: createKvRepo(db),
    outbox,
    incidents,
    rawEvents,
    actions,
    clock,
    logger: logger.child('telegram'),
    bus,
    version: options.version,
    sanitizer,
    analysisFor: (incident) => analyst.analysisFor(incident),
    appUrl: (id) => options.appUrl?.(id) ?? null,
  });
  const whatsapp = new WhatsAppService({ config, bus, clock, logger: logger.child('whatsapp') });

  // First in, last out: checkpoints run off the event loop until just before the database closes.
  host.add(checkpointer);
  host.add(backup);
  host.add(analyst);
  host.add(notifications);
  host.add(telegram);
  host.add(whatsapp);
  host.add(webhook);
  host.add(sources);

  const dispatch = createDispatcher(
    createHandlers({
      version: options.version,
      shell: options.shell,
      startedAt: new Date(clock.now()).toISOString(),
      clock,
      config,
      incidents,
      rawEvents,
      timeline,
      sources,
      backup,
      analyst,
      webhook,
      host,
      outbox,
      actions,
      notifications,
      telegram,
      whatsapp,
      bus,
      onCountsChanged,
      withTransaction: (fn) => db.transaction(fn)(),
      db,
      openReader: () => openReader(paths.db, sqlite),
      masker,
      logDir: paths.logs,
      renderPdf: options.renderPdf ?? null,
      uiUrl: options.uiUrl ?? (() => null),
      pinFromEnv: options.pinFromEnv ?? false,
      logger: logger.child('rpc'),
    }),
    logger.child('rpc'),
  );

  let stopped: Promise<void> | null = null;
  return {
    logger,
    config,
    secrets,
    start: async () => {
      await host.start();
      logger.info('core started', {
        shell: options.shell,
        version: options.version,
        dataDir: options.dataDir,
      });
    },
    stop: (reason) => {
      stopped ??= (async () => {
        await host.stop(reason);
        clearTimeout(countsTimer);
        db.close();
        logger.info('core stopped', { reason });
      })();
      return stopped;
    },
    dispatch,
    onEvent: (listener) => bus.on(listener),
    redact: (value) => sink.addSecret(value),
    webhookUrl: () => webhook.url,
    webhookTokenGenerated,
  };
}
