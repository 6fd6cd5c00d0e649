/**
 * The seed import: the old scripts' config/config.json becomes sources,
 * channels and settings through the real ConfigStore (validated, secrets
 * sealed into the encrypted store), and every key it cannot map is reported
 * with the reason, with nothing invalid written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { memoryBackend } from '../../electron/core/config/config-backend';
import { ConfigStore } from '../../electron/core/config/config-store';
import { importSeedConfig } from '../../electron/core/config/seed-import';
import { silentLogger } from '../../electron/core/logger';
import { createFileKeyCipher } from '../../electron/core/secrets/file-key-cipher';
import { createSecretStore } from '../../electron/core/secrets/secret-store';
import type { ChannelConfig, Config, SourceConfig } from '../../shared/config';
import { ConfigError } from '../../shared/config';
import { tempDir } from '../helpers/temp-dir';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'seed');
const seed = () => JSON.parse(readFileSync(join(FIXTURES, 'config.json'), 'utf8')) as Record<string, unknown>;
const broken = () =>
  JSON.parse(readFileSync(join(FIXTURES, 'config-broken.json'), 'utf8')) as Record<string, unknown>;

/** Every secret of the seed fixture, by where Vigil keeps it. */
const SEED_SECRETS = {
  's1.apiToken': 'PLACEHOLDER-s1-api-token-6f1d2c',
  'mp.password': 'PLACEHOLDER-mp-password-91ab',
  'mp.clientSecret': 'PLACEHOLDER-mp-client-secret-77ce',
  'di.apiKey': 'PLACEHOLDER-di-api-key-3e55',
  'telegram.botToken': '123456789:PLACEHOLDER-telegram-bot-token',
  'teams.webhookUrl': 'https://corp.webhook.office.com/webhookb2/PLACEHOLDER-teams-hook',
  'mattermost.webhookUrl': 'https://mm.corp.example/hooks/PLACEHOLDER-mm-hook',
  'ai.apiKey': 'sk-PLACEHOLDER-openai-key-0a9f',
  'ui.pin': '4821',
};

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function setup(document: unknown = {}, env: NodeJS.ProcessEnv = {}) {
  const dir = tempDir('vigil-seed-');
  cleanups.push(dir.remove);
  const secretsFile = join(dir.path, 'secrets.json');
  const secrets = createSecretStore(secretsFile, createFileKeyCipher(join(dir.path, 'secret.key')));
  const backend = memoryBackend(document);
  const store = new ConfigStore(backend, secrets, env, silentLogger);
  return { backend, store, secretsFile };
}

function source<K extends SourceConfig['kind']>(config: Config, id: string, kind: K) {
  const found = config.sources.find((s) => s.id === id);
  expect(found?.kind).toBe(kind);
  return found as Extract<SourceConfig, { kind: K }>;
}

/** A channel's settings by name: the kinds differ, and the test reads whichever it imported. */
function channel(config: Config, id: string): Record<string, unknown> & ChannelConfig {
  const found = config.channels.find((c) => c.id === id);
  expect(found).toBeDefined();
  return found!;
}

const secretOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

describe('importSeedConfig with the seed fixture', () => {
  it('creates the sources, channels and settings the scripts had', () => {
    const { store } = setup();
    const result = importSeedConfig(seed(), store);
    const config = store.get();

    const s1 = source(config, 'sentinelone', 'sentinelone');
    expect(s1).toMatchObject({
      name: 'SentinelOne',
      baseUrl: 'https://usea1-soc.sentinelone.net',
      pollIntervalSec: 120,
      verifyTls: true,
      enabled: true,
    });
    const mp = source(config, 'maxpatrol', 'maxpatrol');
    expect(mp).toMatchObject({
      baseUrl: 'https://mp-core.corp.example',
      username: 'svc_vigil',
      verifyTls: false,
    });
    const di = source(config, 'deepinstinct', 'deepinstinct');
    expect(di.baseUrl).toBe('https://corp.customers.deepinstinctweb.com');

    expect(channel(config, 'telegram')).toMatchObject({
      kind: 'telegram',
      name: 'Telegram',
      adminChatId: '123456789',
      chatId: '-1001234567890',
    });
    expect(channel(config, 'whatsapp')).toMatchObject({
      kind: 'whatsapp',
      provider: 'gateway',
      bridgeUrl: 'http://127.0.0.1:3000',
      session: 'soc',
      target: '79990001122',
    });
    expect(channel(config, 'teams').kind).toBe('teams');
    expect(channel(config, 'mattermost')).toMatchObject({ kind: 'mattermost', channel: 'soc-alerts' });
    expect(config.ai).toMatchObject({
      enabled: true,
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      timeoutSec: 45,
    });
    expect(config.ui.timeZone).toBe('Europe/Moscow');

    expect(result.imported).toContain('sentinelone.api_token -> sources.sentinelone.apiToken (secret)');
    expect(result.imported).toContain('DI_SERVER -> sources.deepinstinct.baseUrl');
    expect(result.imported).toContain('teams_webhook -> channels.teams.webhookUrl (secret)');
    expect(result.imported).toContain('openai_api_key -> ai.apiKey (secret)');
    expect(result.imported).toContain('whatsapp.notify_session -> channels.whatsapp.session');
    expect(result.imported).toContain('dashboard.pin -> ui.pin (secret)');
    expect(result.imported).toHaveLength(27);
    expect(result.unmapped).toEqual([
      { key: 'dashboard.port', reason: expect.stringMatching(/--port/) as string },
      { key: 'dashboard.secret_key', reason: expect.stringMatching(/^not needed/) as string },
      { key: 'abuseipdb_api_key', reason: expect.stringMatching(/threat intelligence/) as string },
      { key: 'log_level', reason: expect.stringMatching(/own logs/) as string },
      { key: 'sentinelone_site_ids', reason: expect.stringMatching(/every site/) as string },
    ]);
  });

  it('seals every secret: the store gives them back, the document and secrets.json hold none', () => {
    const { store, backend, secretsFile } = setup();
    importSeedConfig(seed(), store);
    const config = store.get();
    const resolved = {
      's1.apiToken': store.resolveSecret(source(config, 'sentinelone', 'sentinelone').apiToken),
      'mp.password': store.resolveSecret(source(config, 'maxpatrol', 'maxpatrol').password),
      'mp.clientSecret': store.resolveSecret(source(config, 'maxpatrol', 'maxpatrol').clientSecret),
      'di.apiKey': store.resolveSecret(source(config, 'deepinstinct', 'deepinstinct').apiKey),
      'telegram.botToken': store.resolveSecret(secretOf(channel(config, 'telegram').botToken)),
      'teams.webhookUrl': store.resolveSecret(secretOf(channel(config, 'teams').webhookUrl)),
      'mattermost.webhookUrl': store.resolveSecret(secretOf(channel(config, 'mattermost').webhookUrl)),
      'ai.apiKey': store.resolveSecret(config.ai.apiKey),
      'ui.pin': store.resolveSecret(config.ui.pin),
    };
    expect(resolved).toEqual(SEED_SECRETS);

    const stored = JSON.stringify(backend.document);
    const onDisk = readFileSync(secretsFile, 'utf8');
    for (const value of Object.values(SEED_SECRETS)) {
      expect(stored).not.toContain(value);
      expect(onDisk).not.toContain(value);
    }
    expect(stored).toContain('"apiToken":"secret:sources/sentinelone/apiToken"');
    expect(stored).toContain('"webhookUrl":"secret:channels/teams/webhookUrl"');
  });
});

describe('importSeedConfig with the broken fixture', () => {
  it('reports every key with its reason and writes nothing', () => {
    const existing = {
      sources: [{ id: 'demo', kind: 'demo', name: 'Demo feed' }],
      ai: { model: 'llama3' },
    };
    const { store, backend } = setup(existing);
    const before = JSON.stringify(backend.document);
    const result = importSeedConfig(broken(), store);

    expect(result.imported).toEqual([]);
    expect(result.unmapped).toEqual([
      { key: 'sentinelone.base_url', reason: 'not a URL' },
      {
        key: 'sentinelone.api_token',
        reason: 'not imported: SentinelOne needs a console URL (base_url)',
      },
      { key: 'telegram.bot_token', reason: 'empty' },
      { key: 'telegram.chat_id', reason: 'not imported: Telegram needs a bot token (bot_token)' },
      { key: 'whatsapp.session_name', reason: 'not imported: WhatsApp needs a gateway URL (bridge_url)' },
      { key: 'whatsapp.notify_number', reason: 'not imported: WhatsApp needs a gateway URL (bridge_url)' },
      { key: 'teams.webhook_url', reason: 'not a URL (http or https)' },
      { key: 'openai_api_key', reason: 'empty' },
      { key: 'ai.base_url', reason: 'not a URL' },
      { key: 'ai.model', reason: 'expected text' },
      { key: 'mattermost', reason: 'empty' },
      { key: 'smtp', reason: 'not imported: add an e-mail channel in Vigil' },
      { key: 'poll_intervall', reason: 'unknown key' },
      { key: 'timezone', reason: expect.stringMatching(/^not a known time zone/) as string },
    ]);
    expect(JSON.stringify(backend.document)).toBe(before);
    expect(store.get().sources.map((s) => s.id)).toEqual(['demo']);
    expect(store.get().ai.model).toBe('llama3');
  });

  it('imports the valid sections of a mixed document and reports the rest', () => {
    const { store } = setup();
    const result = importSeedConfig(
      {
        sentinelone: { base_url: 'https://s1.example', token: 'tok-1' },
        teams: { webhook_url: 'not a url' },
        telegram: { token: 'tg-old', bot_token: 'tg-new', chat_id: 42 },
        whatsapp: { bridge_url: 'http://wa.example', session_name: 'bot', notify_session: 'alerts' },
      },
      store,
    );
    expect(store.get().sources.map((s) => s.id)).toEqual(['sentinelone']);
    expect(store.get().channels.map((c) => c.id)).toEqual(['telegram', 'whatsapp']);
    expect(store.resolveSecret(secretOf(channel(store.get(), 'telegram').botToken))).toBe('tg-new');
    expect(channel(store.get(), 'telegram').adminChatId).toBe('42');
    expect(channel(store.get(), 'whatsapp').session).toBe('alerts');
    expect(result.imported).toContain('telegram.chat_id -> channels.telegram.adminChatId');
    expect(result.unmapped).toEqual([
      { key: 'teams.webhook_url', reason: 'not a URL' },
      { key: 'telegram.token', reason: 'conflicts with telegram.bot_token, which is imported' },
      { key: 'whatsapp.session_name', reason: 'conflicts with whatsapp.notify_session, which is imported' },
    ]);
  });

  it('writes nothing when the store refuses the result', () => {
    class RefusingStore extends ConfigStore {
      override update(): Config {
        throw new ConfigError('sources.0.baseUrl: must be an http(s) URL');
      }
    }
    const dir = tempDir('vigil-seed-');
    cleanups.push(dir.remove);
    const secrets = createSecretStore(
      join(dir.path, 'secrets.json'),
      createFileKeyCipher(join(dir.path, 'k')),
    );
    const backend = memoryBackend({});
    const store = new RefusingStore(backend, secrets, {}, silentLogger);
    const before = JSON.stringify(backend.document);

    const result = importSeedConfig(
      { sentinelone: { base_url: 'https://s1.example' }, log_level: 'x' },
      store,
    );
    expect(result.imported).toEqual([]);
    expect(result.unmapped).toEqual([
      {
        key: 'sentinelone.base_url',
        reason: 'not imported: the resulting config is not valid (sources.0.baseUrl: must be an http(s) URL)',
      },
      { key: 'log_level', reason: expect.stringMatching(/own logs/) as string },
    ]);
    expect(JSON.stringify(backend.document)).toBe(before);
  });

  it('refuses a document that is not an object', () => {
    const { store } = setup();
    for (const document of [null, [], 'config', 42]) {
      expect(importSeedConfig(document, store)).toEqual({
        imported: [],
        unmapped: [{ key: '(document)', reason: 'not a JSON object' }],
      });
    }
  });
});

describe('importSeedConfig key styles', () => {
  it('reads flat environment-style keys and the bare keys of the first SentinelOne poller', () => {
    const { store } = setup({}, { S1_TOKEN: 'from-env' });
    const result = importSeedConfig(
      {
        base_url: 'https://legacy-s1.example',
        token: '${S1_TOKEN}',
        TELEGRAM_TOKEN: 'tg-flat',
        TELEGRAM_CHAT_ID: '-100777',
        WHATSAPP_BRIDGE_URL: 'http://127.0.0.1:3000',
        WHATSAPP_NOTIFY_NUMBER: 79990001122,
        TEAMS_WEBHOOK_URL: 'https://teams.example/hook',
        OPENAI_API_KEY: 'sk-flat',
        OPENAI_MODEL: 'gpt-4.1-mini',
        'Dashboard-PIN': '1234',
        FLASK_SECRET_KEY: 'x',
        SOMETHING_ELSE: 1,
      },
      store,
    );
    const config = store.get();
    const s1 = source(config, 'sentinelone', 'sentinelone');
    expect(s1.baseUrl).toBe('https://legacy-s1.example');
    expect(s1.apiToken).toBe('${S1_TOKEN}');
    expect(store.resolveSecret(s1.apiToken)).toBe('from-env');
    expect(channel(config, 'telegram').adminChatId).toBe('-100777');
    expect(store.resolveSecret(secretOf(channel(config, 'telegram').botToken))).toBe('tg-flat');
    expect(channel(config, 'whatsapp').target).toBe('79990001122');
    expect(store.resolveSecret(secretOf(channel(config, 'teams').webhookUrl))).toBe(
      'https://teams.example/hook',
    );
    expect(config.ai).toMatchObject({ enabled: true, model: 'gpt-4.1-mini' });
    expect(store.resolveSecret(config.ai.apiKey)).toBe('sk-flat');
    expect(store.resolveSecret(config.ui.pin)).toBe('1234');
    expect(result.imported).toContain('base_url -> sources.sentinelone.baseUrl');
    expect(result.imported).toContain('TELEGRAM_CHAT_ID -> channels.telegram.adminChatId');
    expect(result.unmapped).toEqual([
      { key: 'FLASK_SECRET_KEY', reason: 'not needed: Vigil keeps its own web sessions' },
      { key: 'SOMETHING_ELSE', reason: 'unknown key' },
    ]);
  });

  it('merges into what is configured, keeping settings the seed does not name', () => {
    const { store } = setup({
      sources: [
        {
          id: 'sentinelone',
          kind: 'sentinelone',
          name: 'S1 (prod)',
          baseUrl: 'https://old.example',
          enabled: false,
          pollIntervalSec: 300,
        },
        { id: 'maxpatrol', kind: 'demo', name: 'Not MaxPatrol' },
      ],
      channels: [{ id: 'telegram', kind: 'telegram', name: 'TG', minSeverity: 'critical', botToken: 'old' }],
    });
    const result = importSeedConfig(
      {
        sentinelone: { base_url: 'https://new.example', api_token: 't' },
        maxpatrol: { base_url: 'https://mp.example' },
        telegram: { chat_id: 5 },
      },
      store,
    );
    const config = store.get();
    expect(source(config, 'sentinelone', 'sentinelone')).toMatchObject({
      name: 'S1 (prod)',
      baseUrl: 'https://new.example',
      enabled: false,
      pollIntervalSec: 300,
    });
    expect(source(config, 'maxpatrol', 'demo').name).toBe('Not MaxPatrol');
    // A channel already set up keeps its token; the seed only adds what it names.
    expect(channel(config, 'telegram')).toMatchObject({ minSeverity: 'critical', adminChatId: '5' });
    expect(store.resolveSecret(secretOf(channel(config, 'telegram').botToken))).toBe('old');
    expect(result.unmapped).toEqual([
      {
        key: 'maxpatrol.base_url',
        reason: 'not imported: sources.maxpatrol exists with another kind (demo)',
      },
    ]);
  });
});
