/**
 * The desktop shell: wires Electron to the core and owns nothing else. Every
 * decision worth testing lives in a sibling module that imports electron as
 * types only; this file only connects those decisions to the real APIs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  dialog,
  ipcMain,
  nativeImage,
  safeStorage,
  session,
  shell,
} from 'electron';
import type { NativeImage } from 'electron';
import Store from 'electron-store';

import type { Severity } from '../../shared/domain';
import type { SystemStatus } from '../../shared/ipc/contract';
import { exposedListeners } from '../core/http';
import { createCore, dataPaths, defaultDataDir, openConfigStore, storeBackend } from '../core/index';
import type { Core, DesktopNotifier } from '../core/index';
import type { Logger } from '../core/logger';
import { SourceError } from '../core/sources/source-error';
import { createAppOrigin } from './app-origin';
import type { AppOrigin } from './app-origin';
import { forwardEvents, registerContract, sendEvent, trustedSenderCheck } from './ipc-registry';
import { autostartCommand, autostartDir, startAtLoginController } from './login-item';
import { missingBindingMessage, resolveSqliteBinding } from './native-binding';
import { builtInNotificationsActive, incidentNotice } from './notifications';
import { createElectronPdf } from './pdf';
import type { IncidentNotice } from './notifications';
import { chooseSecretCipher, readStoredCipherKind } from './safe-storage-cipher';
import { createShutdown } from './shutdown';
import { drawTrayIcon, toNativeBitmap, toTrayCounts, trayTooltip } from './tray-icon';
import type { TrayCounts } from './tray-icon';
import {
  contentSecurityPolicy,
  externalLinkPolicy,
  isAllowedNavigation,
  isPermissionAllowed,
  secureWebPreferences,
  withCspHeader,
} from './window-options';

const SHUTDOWN_TIMEOUT_MS = 8_000;
/** Unclicked notifications kept referenced: Electron drops click handlers of collected ones. */
const MAX_LIVE_NOTIFICATIONS = 20;

// The bundle is out/main/index.js; the preload and the renderer are built beside it.
const PRELOAD_PATH = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

/** Set once the core exists; before that, errors go to stderr. */
let logger: Logger | null = null;
let errorDialogShown = false;

function logError(message: string, error: unknown): void {
  if (logger) logger.error(message, { error });
  else console.error(message, error);
}

function fail(title: string, error: unknown): void {
  logError(title, error);
  dialog.showErrorBox(title, error instanceof Error ? error.message : String(error));
}

process.on('uncaughtException', (error) => {
  logError('uncaught exception in the main process', error);
  // One dialog: an error in a loop must not bury the desktop in modal boxes.
  if (!errorDialogShown) {
    errorDialogShown = true;
    dialog.showErrorBox('Vigil: unexpected error', error.stack ?? error.message);
  }
});
process.on('unhandledRejection', (reason) => logError('unhandled rejection in the main process', reason));

function osActor(): string {
  try {
    return userInfo().username || 'desktop user';
  } catch {
    return 'desktop user';
  }
}

/** CSP, permissions, navigation and new windows for every web contents. */
function hardenWebContents(appOrigin: AppOrigin): void {
  const csp = contentSecurityPolicy(appOrigin.devServer);
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl, appOrigin));
  });
  ses.setPermissionCheckHandler((_contents, permission, origin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? origin, appOrigin),
  );
  app.on('web-contents-created', (_event, contents) => {
    const guard = (kind: string) => (event: { url: string; preventDefault(): void }) => {
      if (isAllowedNavigation(event.url, appOrigin)) return;
      event.preventDefault();
      logger?.warn(`${kind} blocked`, { url: event.url });
    };
    contents.on('will-frame-navigate', guard('navigation'));
    contents.on('will-redirect', guard('redirect'));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = externalLinkPolicy(url);
      if (decision.openExternal) {
        shell
          .openExternal(url)
          .catch((error: unknown) => logger?.warn('could not open link', { url, error }));
      } else {
        logger?.warn('link refused', { url });
      }
      return { action: decision.action };
    });
  });
}

/** Tray icon and badge that follow `system.counts`; null where the desktop has no tray. */
function createTray(showWindow: () => void, log: Logger): { update(counts: TrayCounts): void } | null {
  const images = new Map<Severity | null, NativeImage>();
  const imageFor = (severity: Severity | null): NativeImage => {
    let image = images.get(severity);
    if (!image) {
      const small = toNativeBitmap(drawTrayIcon(severity, 16));
      image = nativeImage.createFromBitmap(small, { width: 16, height: 16 });
      const large = toNativeBitmap(drawTrayIcon(severity, 32));
      image.addRepresentation({ scaleFactor: 2, width: 32, height: 32, buffer: large });
      images.set(severity, image);
    }
    return image;
  };
  let tray: Tray;
  try {
    tray = new Tray(imageFor(null));
  } catch (error) {
    log.warn('no system tray; closing the window quits Vigil', { error });
    return null;
  }
  tray.setToolTip(trayTooltip(null));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Vigil', click: showWindow },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
  tray.on('click', showWindow);
  return {
    update(counts) {
      tray.setImage(imageFor(counts.highestOpenSeverity));
      tray.setToolTip(trayTooltip(counts));
      // Only macOS and Unity launchers show a badge; elsewhere this is a no-op.
      app.setBadgeCount(counts.unacknowledged);
    },
  };
}

/** Native notifications; clicking one calls `onClick` with the incident id. False where the desktop has none. */
function createNotifier(onClick: (incidentId: string) => void): (notice: IncidentNotice) => boolean {
  const live = new Set<Notification>();
  return (notice) => {
    if (!Notification.isSupported()) return false;
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      urgency: notice.severity === 'critical' ? 'critical' : 'normal',
    });
    notification.on('click', () => {
      live.delete(notification);
      onClick(notice.incidentId);
    });
    notification.on('close', () => live.delete(notification));
    live.add(notification);
    if (live.size > MAX_LIVE_NOTIFICATIONS) {
      const oldest = live.values().next().value;
      if (oldest) live.delete(oldest);
    }
    notification.show();
    return true;
  };
}

async function main(): Promise<void> {
  app.setName('Vigil');
  // core/paths.ts: APP_DATA_DIR, else the platform's userData for "Vigil". Making it
  // userData keys the single-instance lock and Chromium's profile to the data dir too.
  const dataDir = resolve(defaultDataDir('desktop'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  app.setPath('userData', dataDir);
  app.enableSandbox();
  if (process.platform === 'win32') app.setAppUserModelId('app.vigil.desktop');
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();

  // Honoured only in development: in an installed app it would aim window.api at any page.
  const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const appOrigin = createAppOrigin(devUrl, RENDERER_DIR);
  hardenWebContents(appOrigin);

  const electronVersion = process.versions.electron;
  const sqliteNativeBinding = resolveSqliteBinding({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    electronVersion,
    platform: process.platform,
    arch: process.arch,
    override: process.env.VIGIL_SQLITE_BINDING,
  });
  if (sqliteNativeBinding !== undefined && !existsSync(sqliteNativeBinding)) {
    fail('Vigil cannot start', new Error(missingBindingMessage(sqliteNativeBinding, electronVersion)));
    app.exit(1);
    return;
  }

  // The outbox starts with the core, before the window: a click that early only dismisses.
  let focusIncident: (incidentId: string) => void = () => undefined;
  const notify = createNotifier((id) => focusIncident(id));
  // Desktop channels deliver through the outbox; a desktop without notifications is a setting to fix, not a retry.
  const desktopNotifier: DesktopNotifier = (notice) =>
    notify(notice)
      ? Promise.resolve()
      : Promise.reject(new SourceError('config', 'this desktop does not support notifications'));

  const cipherChoice = chooseSecretCipher(safeStorage, readStoredCipherKind(dataPaths(dataDir).secrets));
  let core: Core;
  try {
    core = createCore({
      dataDir,
      shell: 'desktop',
      version: app.getVersion(),
      configBackend: storeBackend(
        openConfigStore(
          join(dataDir, 'config.json'),
          () => new Store({ cwd: dataDir, name: 'config', configFileMode: 0o600 }),
        ),
      ),
      secretCipher: cipherChoice.cipher,
      sqliteNativeBinding,
      desktopNotifier,
      logEcho: app.isPackaged ? undefined : (line) => process.stdout.write(line),
      // Shift reports print through Chromium's own printToPDF in a hidden, locked-down window.
      renderPdf: createElectronPdf({ BrowserWindow }),
    });
  } catch (error) {
    fail('Vigil could not start', error);
    app.exit(1);
    return;
  }
  const log = core.logger.child('desktop');
  logger = log;
  if (cipherChoice.note !== null) log[cipherChoice.warn ? 'warn' : 'info'](cipherChoice.note);

  let quitting = false;
  const shutdown = createShutdown({
    stop: (reason) => core.stop(reason),
    exit: (code) => app.exit(code),
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    logger: log,
  });
  // Electron does not wait for async listeners: hold the quit, stop the core, then exit.
  app.on('before-quit', (event) => {
    quitting = true;
    event.preventDefault();
    void shutdown.run('quit');
  });

  try {
    await core.start();
  } catch (error) {
    fail('Vigil could not start', error);
    await shutdown.run('startup failed', 1);
    return;
  }
  // The window shows it too (system.status.exposed); the log keeps it for whoever reads it later.
  for (const { listener, address } of exposedListeners({ webhook: core.webhookUrl() })) {
    log.warn('listening beyond loopback: reachable from other machines', { listener, address });
  }

  // Only an installed app starts at login: in development execPath is the bare Electron binary.
  if (app.isPackaged) {
    const setStartAtLogin = startAtLoginController(
      {
        platform: process.platform,
        setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
        autostartDir: autostartDir(process.env, homedir()),
        command: autostartCommand(process.env, process.execPath),
      },
      (error) => log.warn('could not change start at login', { error }),
    );
    setStartAtLogin(core.config.get().ui.startAtLogin);
    core.config.onChange((config) => setStartAtLogin(config.ui.startAtLogin));
  }

  registerContract({
    ipcMain,
    dispatch: (method, args, ctx) => core.dispatch(method, args, ctx),
    isTrustedSender: trustedSenderCheck(appOrigin),
    logger: log.child('ipc'),
    actor: osActor(),
  });

  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Vigil',
    backgroundColor: '#0d1117',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(PRELOAD_PATH),
  });
  const showWindow = (): void => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const tray = createTray(showWindow, log);
  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    // Closing hides to the tray so ingestion and alerts go on; without a tray it quits.
    if (quitting || tray === null) return;
    event.preventDefault();
    window.hide();
  });
  const loading = devUrl ? window.loadURL(devUrl) : window.loadFile(join(RENDERER_DIR, 'index.html'));
  loading.catch((error: unknown) => {
    log.error('renderer failed to load', { error });
    // A window that never becomes ready must still show up, or the app looks dead.
    if (!window.isDestroyed()) window.show();
  });
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);

  const liveContents = () => (window.isDestroyed() ? null : window.webContents);
  focusIncident = (id) => {
    showWindow();
    sendEvent(liveContents(), 'ui.focusIncident', { id }, log);
  };
  forwardEvents((listener) => core.onEvent(listener), liveContents, log);
  core.onEvent((name, payload) => {
    if (name === 'system.counts') {
      const counts = toTrayCounts(payload);
      if (counts) tray?.update(counts);
    } else if (name === 'incidents.changed') {
      const notice = incidentNotice(payload);
      if (notice && builtInNotificationsActive(core.config.get())) notify(notice);
    }
  });

  // The tray starts from the current counts, not from the first change.
  const status = await core.dispatch('system.status', {}, { actor: 'desktop shell', via: 'system' });
  if (status.ok) {
    const { counts, highestOpenSeverity } = status.value as SystemStatus;
    const initial = toTrayCounts({ ...counts, highestOpenSeverity });
    if (initial) tray?.update(initial);
  }
}

main().catch((error: unknown) => {
  fail('Vigil could not start', error);
  app.exit(1);
});
