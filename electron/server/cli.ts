/**
 * `npm run serve -- [--data-dir DIR] [--host 127.0.0.1] [--port 8787]
 *  [--webhook-host HOST] [--webhook-port 8788] [--config FILE]
 *  [--import-config FILE] [--reset-pin]`
 *
 * The headless shell: the same core as the desktop app under plain Node,
 * serving the UI and the contract over HTTP. Prints the URL to open.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import Conf from 'conf';

import { ConfigError } from '../../shared/config';
import { importSeedConfig } from '../core/config/seed-import';
import { createCore, defaultDataDir, openConfigStore, storeBackend } from '../core/index';
import { exposedListeners, exposureWarnings } from '../core/http';
import type { Core } from '../core/index';
import { incidentUrl } from './app-url';
import { createChromiumPdf, findChromium } from './chromium-pdf';
import { createHttpShell } from './http-server';

const USAGE = `Usage: npm run serve -- [options]
  --data-dir DIR       where Vigil keeps its database, config, logs and backups
                       (default: $APP_DATA_DIR or ${defaultDataDir('headless')})
  --host HOST          address of the web UI and API (default 127.0.0.1)
  --port PORT          port of the web UI and API (default 8787)
  --webhook-host HOST  address of the webhook listener for this run (default from config, 127.0.0.1)
  --webhook-port PORT  port of the webhook listener (default from config, 8788)
  --config FILE        a config JSON document applied over the stored config at start
  --import-config FILE import the old scripts' config/config.json into the stored config,
                       print what was imported and what was not (and why), then start
  --reset-pin          generate a new web UI PIN and print it
  --help               show this help
Environment: VIGIL_API_TOKEN (API bearer token), VIGIL_PIN (web UI PIN), APP_DATA_DIR,
  VIGIL_PUBLIC_URL (the console's address in message links, e.g. https://vigil.corp.example),
  VIGIL_CHROMIUM (the Chromium that prints shift reports as PDF; default /usr/bin/chromium or PATH),
  VIGIL_TRUSTED_PROXIES (reverse proxies in front, e.g. 127.0.0.1: failed logins and webhook rate
  limits then count each X-Forwarded-For client instead of the proxy).`;

const API_TOKEN_SECRET = 'server/apiToken';

function fail(message: string, code = 2): never {
  process.stderr.write(`vigil: ${message}\n`);
  process.exit(code);
}

/**
 * A listener's URL as one can open it: bound to every address (0.0.0.0, ::),
 * this machine's loopback, saying so; any other address as it is.
 */
function openable(base: string, path = ''): string {
  const url = new URL(base);
  const loopback = url.hostname === '0.0.0.0' ? '127.0.0.1' : url.hostname === '[::]' ? '[::1]' : null;
  if (loopback === null) return `${base}${path}`;
  url.hostname = loopback;
  return `${url.origin}${path} (listening on every address of this machine)`;
}

function parsePort(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`${name} must be a port number (0-65535), got "${value}"`);
  return port;
}

/**
 * The version from package.json, which sits two levels up both from the built
 * out/main/server.js and from electron/server/cli.ts; npm's environment is not
 * there under systemd or Docker.
 */
function readVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const pkg = JSON.parse(readFileSync(join(here, '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function findStaticDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  // Built: out/main/server.js next to out/renderer. From source (tsx): electron/server/cli.ts.
  for (const candidate of [join(here, '..', 'renderer'), join(here, '..', '..', 'out', 'renderer')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

function readSeed(file: string): unknown {
  const path = resolve(file);
  if (!existsSync(path)) fail(`--config ${file}: no such file`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    fail(`--config ${file}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * --import-config: maps the old scripts' config into the stored config and
 * reports each key. Exits with 2 when the file cannot be read or parsed, or
 * when nothing in it could be mapped; otherwise the server starts as usual.
 */
function importConfigFile(core: Core, file: string): void {
  const path = resolve(file);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === 'ENOENT'
        ? `--import-config ${file}: no such file`
        : error instanceof SyntaxError
          ? `--import-config ${file}: not valid JSON (${error.message})`
          : `--import-config ${file}: cannot read it (${(error as Error).message})`,
    );
  }
  const { imported, unmapped } = importSeedConfig(document, core.config);
  const lines = [`Imported from ${path}: ${imported.length} setting(s)`];
  lines.push(...imported.map((line) => `  + ${line}`));
  if (unmapped.length > 0) {
    lines.push(`Not imported: ${unmapped.length} key(s)`);
    lines.push(...unmapped.map(({ key, reason }) => `  - ${key}: ${reason}`));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (imported.length === 0) fail(`--import-config ${file}: nothing could be imported`);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' },
        'webhook-host': { type: 'string' },
        'webhook-port': { type: 'string' },
        config: { type: 'string' },
        'import-config': { type: 'string' },
        'reset-pin': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // An empty variable is an unset one (`VIGIL_PIN=` in an env file), never an empty PIN or token.
  const envPin = process.env.VIGIL_PIN || undefined;
  const envApiToken = process.env.VIGIL_API_TOKEN || undefined;
  if (args['reset-pin'] && envPin) {
    fail(
      '--reset-pin has no effect while VIGIL_PIN is set (the PIN is its value): change VIGIL_PIN, or unset it',
    );
  }
  const dataDir = resolve(args['data-dir'] ?? defaultDataDir('headless'));
  const port = parsePort(args.port, '--port', 8787)!;
  const webhookPort = parsePort(args['webhook-port'], '--webhook-port');
  const version = readVersion();

  let core: Core;
  // Set once the UI listens; system.status reads it to warn when it is reachable from other machines.
  let uiUrl: string | null = null;
  // Links in messages: the address people open (a TLS proxy's), else where the UI listens.
  const publicUrl = process.env.VIGIL_PUBLIC_URL?.trim() || null;
  // Reverse proxies whose X-Forwarded-For is believed, for login and webhook rate limits.
  const trustedProxies = (process.env.VIGIL_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address.length > 0);
  if (publicUrl && incidentUrl(publicUrl, 'x') === null) fail('VIGIL_PUBLIC_URL must be an http(s) URL');
  // Shift reports as PDF need a local Chromium; without one they are offered as HTML.
  const chromium = findChromium(process.env);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const store = openConfigStore(
      join(dataDir, 'config.json'),
      () =>
        new Conf<Record<string, unknown>>({
          cwd: dataDir,
          configName: 'config',
          projectName: 'vigil',
          configFileMode: 0o600,
        }),
    );
    core = createCore({
      dataDir,
      shell: 'headless',
      version,
      configBackend: storeBackend(store),
      ...(args.config ? { seedConfig: readSeed(args.config) } : {}),
      trustedProxies,
      webhook: {
        ...(args['webhook-host'] !== undefined ? { host: args['webhook-host'] } : {}),
        ...(webhookPort !== undefined ? { port: webhookPort } : {}),
      },
      logEcho: process.env.VIGIL_LOG_STDOUT === '1' ? (line) => process.stdout.write(line) : undefined,
      uiUrl: () => uiUrl,
      pinFromEnv: envPin !== undefined,
      appUrl: (id) => incidentUrl(publicUrl ?? uiUrl, id),
      ...(chromium.found ? { renderPdf: createChromiumPdf({ executable: chromium.found.path }) } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(`the configuration is not valid: ${error.message}`);
    fail((error as Error).message, 1);
  }
  if (args['import-config'] !== undefined) importConfigFile(core, args['import-config']);
  const logger = core.logger.child('server');
  if (chromium.found) {
    logger.info('shift reports as PDF through Chromium', {
      path: chromium.found.path,
      from: chromium.found.from,
    });
  } else {
    logger.warn('no Chromium: shift reports only as HTML (install chromium or set VIGIL_CHROMIUM)', {
      ...(chromium.problem ? { problem: chromium.problem } : {}),
    });
  }
  const notices: string[] = [];
  const configuredToken = core.config.get().webhook.token;
  if (core.webhookTokenGenerated) {
    notices.push(
      `Webhook token (generated, shown once; set webhook.token to choose one): ${core.config.resolveSecret(configuredToken) ?? ''}`,
    );
  } else if (!core.config.resolveSecret(configuredToken)) {
    notices.push(
      `Webhook token: webhook.token is ${configuredToken ?? '(unset)'}, which is not set in the environment; ` +
        'every webhook request is refused until it is',
    );
  }

  let apiToken = envApiToken ?? core.secrets.get(API_TOKEN_SECRET);
  if (!apiToken) {
    apiToken = randomBytes(24).toString('base64url');
    core.secrets.set(API_TOKEN_SECRET, apiToken);
    notices.push(`API token (generated, shown once; set VIGIL_API_TOKEN to choose one): ${apiToken}`);
  }
  let pin = envPin ?? core.config.resolveSecret(core.config.get().ui.pin);
  if (!pin || args['reset-pin']) {
    pin = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const generated = pin;
    core.config.update((draft) => {
      draft.ui.pin = generated;
    });
    notices.push(`Web UI PIN (generated, shown once; set VIGIL_PIN or use --reset-pin): ${pin}`);
  }

  const fallbackPin = pin;
  const shell = createHttpShell({
    core,
    staticDir: findStaticDir(),
    apiToken,
    // VIGIL_PIN wins; otherwise the stored PIN, so a PIN changed in Settings applies at the next login.
    pin: () => envPin ?? core.config.resolveSecret(core.config.get().ui.pin) ?? fallbackPin,
    logger,
    trustedProxies,
  });
  try {
    await core.start();
  } catch (error) {
    fail((error as Error).message, 1);
  }
  let url: string;
  try {
    url = uiUrl = await shell.listen(port, args.host);
  } catch (error) {
    await core.stop('listen failed');
    const reason =
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `port ${port} is in use (try --port)`
        : String(error);
    fail(`cannot listen on ${args.host}:${port}: ${reason}`, 1);
  }

  const lines = [
    `Vigil ${version} (headless) is running.`,
    `  Open:     ${openable(url)}`,
    `  Webhook:  ${core.webhookUrl() === null ? '(not listening)' : openable(core.webhookUrl()!, '/api/alert')}`,
    `  Data dir: ${dataDir}`,
    ...notices.map((n) => `  ${n}`),
  ];
  // From the bound addresses, so a wide webhook.host in the config warns as well as --host.
  const exposed = exposedListeners({ ui: url, webhook: core.webhookUrl() });
  lines.push(...exposureWarnings(exposed).map((line) => `  ${line}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  logger.info('headless shell listening', { url });
  for (const { listener, address } of exposed) {
    logger.warn('listening beyond loopback: reachable from other machines', { listener, address });
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    void shell
      .close()
      .then(() => core.stop(signal))
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { reason }));
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { error });
    shutdown('uncaughtException');
  });
}

void main();
