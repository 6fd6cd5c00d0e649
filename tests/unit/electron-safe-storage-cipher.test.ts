import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createSecretStore } from '../../electron/core/secrets/secret-store';
import type { SafeStorageLike } from '../../electron/main/safe-storage-cipher';
import {
  SAFE_STORAGE_KIND,
  chooseSecretCipher,
  readStoredCipherKind,
  safeStorageCipher,
} from '../../electron/main/safe-storage-cipher';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

/** Stands in for Electron's safeStorage: a reversible transform that is visibly not plaintext. */
function fakeSafeStorage(available: boolean, backend?: string): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.from(text, 'utf8').reverse(),
    decryptString: (data) => Buffer.from(data).reverse().toString('utf8'),
    ...(backend === undefined ? {} : { getSelectedStorageBackend: () => backend }),
  };
}

describe('safeStorageCipher', () => {
  it('round-trips through safeStorage and works as the core secret store cipher', () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const file = join(dir.path, 'secrets.json');
    const cipher = safeStorageCipher(fakeSafeStorage(true));
    expect(cipher.kind).toBe(SAFE_STORAGE_KIND);
    expect(cipher.decrypt(cipher.encrypt('hunter2-token'))).toBe('hunter2-token');
    createSecretStore(file, cipher).set('webhook.token', 'hunter2-token');
    expect(readStoredCipherKind(file)).toBe(SAFE_STORAGE_KIND);
    expect(createSecretStore(file, cipher).get('webhook.token')).toBe('hunter2-token');
  });
});

describe('chooseSecretCipher', () => {
  it('uses safeStorage on a fresh install when it is backed by the OS', () => {
    expect(chooseSecretCipher(fakeSafeStorage(true), null, 'darwin').cipher?.kind).toBe(SAFE_STORAGE_KIND);
    expect(chooseSecretCipher(fakeSafeStorage(true), null, 'win32').cipher?.kind).toBe(SAFE_STORAGE_KIND);
    expect(chooseSecretCipher(fakeSafeStorage(true, 'gnome_libsecret'), null, 'linux').cipher?.kind).toBe(
      SAFE_STORAGE_KIND,
    );
  });

  it('falls back to the core file-key cipher, with a warning, when safeStorage would not protect anything', () => {
    for (const choice of [
      chooseSecretCipher(fakeSafeStorage(false), null, 'darwin'),
      chooseSecretCipher(fakeSafeStorage(true, 'basic_text'), null, 'linux'),
      chooseSecretCipher(fakeSafeStorage(true, 'unknown'), null, 'linux'),
    ]) {
      expect(choice.cipher).toBeUndefined();
      expect(choice.warn).toBe(true);
      expect(choice.note).toMatch(/file-key/);
    }
  });

  it('sticks to the cipher existing secrets were written with', () => {
    const kept = chooseSecretCipher(fakeSafeStorage(true, 'kwallet5'), 'file-key-aes-256-gcm', 'linux');
    expect(kept).toMatchObject({ cipher: undefined, warn: false });
    expect(
      chooseSecretCipher(fakeSafeStorage(true, 'basic_text'), SAFE_STORAGE_KIND, 'linux').cipher?.kind,
    ).toBe(SAFE_STORAGE_KIND);
    expect(chooseSecretCipher(fakeSafeStorage(false), SAFE_STORAGE_KIND, 'linux')).toMatchObject({
      cipher: undefined,
      warn: true,
    });
  });
});

describe('readStoredCipherKind', () => {
  it('is null without a readable secrets file', () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    expect(readStoredCipherKind(join(dir.path, 'missing.json'))).toBeNull();
    writeFileSync(join(dir.path, 'broken.json'), '{not json');
    expect(readStoredCipherKind(join(dir.path, 'broken.json'))).toBeNull();
  });
});
