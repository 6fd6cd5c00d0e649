/**
 * Secrets at rest (STYLE.md §14): one JSON file in the data dir whose values
 * are encrypted by the shell's cipher. Plaintext exists only in memory; the
 * renderer only ever learns whether a secret is set.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

import type { SecretCipher } from './cipher';

interface SecretsFile {
  version: 1;
  cipher: string;
  entries: Record<string, string>;
}

export interface SecretStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  has(key: string): boolean;
  keys(): string[];
}

export function createSecretStore(
  file: string,
  cipher: SecretCipher,
  onSecret?: (value: string) => void,
): SecretStore {
  const cache = new Map<string, string>();
  const data = load();
  for (const [key, encoded] of Object.entries(data.entries)) {
    const value = cipher.decrypt(Buffer.from(encoded, 'base64'));
    cache.set(key, value);
    onSecret?.(value);
  }

  function load(): SecretsFile {
    if (!existsSync(file)) return { version: 1, cipher: cipher.kind, entries: {} };
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as SecretsFile;
    if (parsed.cipher !== cipher.kind) {
      throw new Error(
        `${file} was written with the ${parsed.cipher} cipher but this shell uses ${cipher.kind}; ` +
          'run Vigil the way it was set up, or remove the file and enter the secrets again',
      );
    }
    return parsed;
  }

  function persist(): void {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
    renameSync(tmp, file);
  }

  return {
    get: (key) => cache.get(key),
    has: (key) => cache.has(key),
    keys: () => [...cache.keys()],
    set(key, value) {
      cache.set(key, value);
      onSecret?.(value);
      data.entries[key] = cipher.encrypt(value).toString('base64');
      persist();
    },
    delete(key) {
      if (!cache.delete(key)) return;
      delete data.entries[key];
      persist();
    },
  };
}
