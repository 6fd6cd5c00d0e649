import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { memoryBackend } from '../../electron/core/config/config-backend';
import { ConfigStore } from '../../electron/core/config/config-store';
import { silentLogger } from '../../electron/core/logger';
import { createFileKeyCipher } from '../../electron/core/secrets/file-key-cipher';
import { createSecretStore } from '../../electron/core/secrets/secret-store';
import { ConfigError, parseConfig } from '../../shared/config';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function setup(document: unknown = {}, env: NodeJS.ProcessEnv = {}) {
  const dir = tempDir();
  cleanups.push(dir.remove);
  const secrets = createSecretStore(
    join(dir.path, 'secrets.json'),
    createFileKeyCipher(join(dir.path, 'secret.key')),
  );
  const backend = memoryBackend(document);
  const store = new ConfigStore(backend, secrets, env, silentLogger);
  return { dir: dir.path, backend, store, secrets };
}

describe('config', () => {
  it('fills defaults for an empty document', () => {
    const config = parseConfig({});
    expect(config.webhook).toMatchObject({ host: '127.0.0.1', port: 8788, maxBodyBytes: 1048576 });
    expect(config.routing.dedupWindowSec).toBe(3600);
    expect(config.sanitizer.enabled).toBe(true);
  });

  it('names the bad key in its error', () => {
    expect(() => parseConfig({ webhook: { port: 'eighty' } })).toThrow(/webhook\.port:/);
    expect(() => parseConfig({ webhok: {} })).toThrow(ConfigError);
    expect(() => parseConfig({ webhok: {} })).toThrow(/webhok/);
    expect(() =>
      parseConfig({ sources: [{ id: 'ok', kind: 'sentinelone', name: 'S1', baseUrl: 'not a url' }] }),
    ).toThrow(/sources\.0\.baseUrl:/);
    expect(() => parseConfig({ sources: [{ id: 'x', kind: 'carbonblack', name: 'n' }] })).toThrow(
      /sources\.0\.kind/,
    );
    const teams = (webhookUrl: string) => ({ channels: [{ id: 't', kind: 'teams', name: 'T', webhookUrl }] });
    expect(() => parseConfig(teams('ftp://x'))).toThrow(/channels\.0\.webhookUrl: must be an http\(s\) URL/);
    expect(() => parseConfig(teams('${TEAMS_URL}'))).not.toThrow();
    expect(() => parseConfig(teams('https://example.webhook.office.com/abc'))).not.toThrow();
  });

  it('moves literal secrets into the encrypted store and keeps env references', () => {
    const { store, backend, dir } = setup(
      {
        webhook: { token: 'plain-webhook-token' },
        sources: [
          {
            id: 's1',
            kind: 'sentinelone',
            name: 'S1',
            baseUrl: 'https://s1.example',
            apiToken: '${S1_TOKEN}',
          },
        ],
        ai: { apiKey: 'sk-literal-key-123' },
      },
      { S1_TOKEN: 'from-env' },
    );
    const stored = JSON.stringify(backend.document);
    expect(stored).not.toContain('plain-webhook-token');
    expect(stored).not.toContain('sk-literal-key-123');
    expect(stored).toContain('${S1_TOKEN}');
    const config = store.get();
    expect(config.webhook.token).toBe('secret:webhook/token');
    expect(store.resolveSecret(config.webhook.token)).toBe('plain-webhook-token');
    expect(store.resolveSecret(config.ai.apiKey)).toBe('sk-literal-key-123');
    const source = config.sources[0]!;
    expect(source.kind === 'sentinelone' && store.resolveSecret(source.apiToken)).toBe('from-env');

    const onDisk = readFileSync(join(dir, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('plain-webhook-token');
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('keys array secrets by item id so they follow reordering', () => {
    const { store } = setup({
      sources: [
        { id: 'a', kind: 'deepinstinct', name: 'A', baseUrl: 'https://a.example', apiKey: 'key-a' },
        { id: 'b', kind: 'deepinstinct', name: 'B', baseUrl: 'https://b.example', apiKey: 'key-b' },
      ],
    });
    store.update((draft) => draft.sources.reverse());
    const [first] = store.get().sources;
    expect(first?.id).toBe('b');
    expect(first?.kind === 'deepinstinct' && store.resolveSecret(first.apiKey)).toBe('key-b');
  });

  it('rejects an invalid update without writing it', () => {
    const { store, backend } = setup();
    const before = JSON.stringify(backend.document);
    expect(() =>
      store.update((draft) => {
        draft.webhook.port = -1;
      }),
    ).toThrow(/webhook\.port/);
    expect(JSON.stringify(backend.document)).toBe(before);
    expect(store.get().webhook.port).toBe(8788);
  });

  it('decrypts stored secrets with the same key file and fails clearly with another cipher', () => {
    const { dir, secrets } = setup();
    secrets.set('k', 'v-123456');
    const again = createSecretStore(join(dir, 'secrets.json'), createFileKeyCipher(join(dir, 'secret.key')));
    expect(again.get('k')).toBe('v-123456');
    const other = { kind: 'safe-storage', encrypt: () => Buffer.alloc(0), decrypt: () => '' };
    expect(() => createSecretStore(join(dir, 'secrets.json'), other)).toThrow(/cipher/);
  });

  it('applies a document over the stored one: ids merge, plain lists and values replace', () => {
    const { store, backend } = setup({
      webhook: { token: 'stored-webhook-token', rateLimitPerMin: 50 },
      ui: { pin: '12345678' },
      sources: [
        { id: 's1', kind: 'sentinelone', name: 'S1', baseUrl: 'https://s1.example', apiToken: 'stored-s1' },
        { id: 'd', kind: 'demo', name: 'Demo' },
      ],
      channels: [
        {
          id: 'm',
          kind: 'mattermost',
          name: 'MM',
          webhookUrl: 'https://mm.example/hooks/x',
          categories: ['a', 'b'],
        },
      ],
    });
    const pinRef = store.get().ui.pin;
    store.applyOver({
      webhook: { rateLimitPerMin: 900 },
      sources: [
        { id: 's1', name: 'S1 prod' },
        { id: 'd', kind: 'webhook', name: 'Now a hook', token: 'hook-token-123456' },
        { id: 'new', kind: 'demo', name: 'New' },
      ],
      channels: [{ id: 'm', categories: ['c'] }],
    });
    const config = store.get();
    expect(config.webhook.rateLimitPerMin).toBe(900);
    expect(store.resolveSecret(config.webhook.token)).toBe('stored-webhook-token');
    expect(config.ui.pin).toBe(pinRef);
    expect(config.sources.map((s) => [s.id, s.kind, s.name])).toEqual([
      ['s1', 'sentinelone', 'S1 prod'],
      ['d', 'webhook', 'Now a hook'],
      ['new', 'demo', 'New'],
    ]);
    const s1 = config.sources[0] as { apiToken?: string; baseUrl?: string };
    expect(store.resolveSecret(s1.apiToken)).toBe('stored-s1');
    expect(s1.baseUrl).toBe('https://s1.example');
    expect((config.channels[0] as { categories: string[] }).categories).toEqual(['c']);
    expect(JSON.stringify(backend.document)).not.toContain('hook-token-123456');
  });

  it('refuses a document that is not an object, or that smuggles __proto__, writing nothing', () => {
    const { store, backend } = setup({ ui: { timeZone: 'UTC' } });
    const before = JSON.stringify(backend.document);
    expect(() => store.applyOver([])).toThrow(/must be a JSON object/);
    expect(() => store.applyOver('x')).toThrow(ConfigError);
    expect(() => store.applyOver(JSON.parse('{"__proto__": {"polluted": true}}'))).toThrow(/__proto__/);
    expect(() => store.applyOver(JSON.parse('{"ui": {"__proto__": {"polluted": true}}}'))).toThrow(
      /__proto__/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(backend.document)).toBe(before);
  });

  it("drops a removed source's or replaced field's secret, and keeps secrets that are not the config's", () => {
    const { store, secrets, dir } = setup({
      sources: [
        { id: 's1', kind: 'sentinelone', name: 'S1', baseUrl: 'https://s1.example', apiToken: 'token-of-s1' },
        { id: 's2', kind: 'sentinelone', name: 'S2', baseUrl: 'https://s2.example', apiToken: 'token-of-s2' },
      ],
    });
    secrets.set('server/apiToken', 'api-token-kept');
    expect(secrets.keys()).toEqual(expect.arrayContaining(['sources/s1/apiToken', 'sources/s2/apiToken']));

    store.update((draft) => {
      draft.sources = draft.sources.filter((s) => s.id !== 's1');
    });
    expect(secrets.has('sources/s1/apiToken')).toBe(false);
    expect(store.resolveSecret((store.get().sources[0] as { apiToken: string }).apiToken)).toBe(
      'token-of-s2',
    );
    expect(secrets.get('server/apiToken')).toBe('api-token-kept');

    // A field that moves to an environment variable leaves nothing stored behind.
    store.update((draft) => {
      (draft.sources[0] as { apiToken: string }).apiToken = '${S2_TOKEN}';
    });
    expect(secrets.has('sources/s2/apiToken')).toBe(false);
    const reread = createSecretStore(join(dir, 'secrets.json'), createFileKeyCipher(join(dir, 'secret.key')));
    expect(reread.keys()).toEqual(['server/apiToken']);
  });
});
