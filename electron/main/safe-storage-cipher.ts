/**
 * Secrets encrypted with Electron's safeStorage (Keychain on macOS, DPAPI on
 * Windows, libsecret/kwallet on Linux). Electron is used as types only; main
 * passes the real safeStorage in.
 */
import { readFileSync } from 'node:fs';

import type { SecretCipher } from '../core/secrets/cipher';

/** Recorded by the core's secret store next to the ciphertexts. */
export const SAFE_STORAGE_KIND = 'electron-safe-storage';

/** The parts of Electron's safeStorage used here (call only after app `ready`). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export interface CipherChoice {
  /** undefined: the core uses its default file-key cipher. */
  cipher: SecretCipher | undefined;
  /** Why safeStorage is not used, or null when it is. */
  note: string | null;
  /** Whether the note is worth a warning (a degraded choice, not a kept one). */
  warn: boolean;
}

/** Wraps safeStorage as the core's SecretCipher. */
export function safeStorageCipher(safeStorage: SafeStorageLike): SecretCipher {
  return {
    kind: SAFE_STORAGE_KIND,
    encrypt: (plaintext) => safeStorage.encryptString(plaintext),
    decrypt: (ciphertext) => safeStorage.decryptString(ciphertext),
  };
}

/**
 * Picks the cipher for this run. The choice is sticky: the core refuses a
 * secrets file written by another cipher, so once secrets exist the kind they
 * were written with wins (a Linux keyring that is locked today must not flip
 * a working setup to the file key). Without secrets yet, safeStorage is used
 * when it really protects something: on Linux without a keyring Electron falls
 * back to `basic_text`, a key hard-coded in Chromium, and a random key in a
 * 0600 file is strictly better than that.
 */
export function chooseSecretCipher(
  safeStorage: SafeStorageLike,
  existingKind: string | null,
  platform: NodeJS.Platform = process.platform,
): CipherChoice {
  const available = safeStorage.isEncryptionAvailable();
  if (existingKind !== null && existingKind !== SAFE_STORAGE_KIND) {
    return {
      cipher: undefined,
      note: `secrets were stored with the ${existingKind} cipher; keeping it`,
      warn: false,
    };
  }
  if (existingKind === SAFE_STORAGE_KIND) {
    if (available) return { cipher: safeStorageCipher(safeStorage), note: null, warn: false };
    return {
      cipher: undefined,
      note: 'secrets were stored with safeStorage, which is not available now',
      warn: true,
    };
  }
  if (!available) {
    return {
      cipher: undefined,
      note: 'safeStorage encryption is not available; using the file-key cipher',
      warn: true,
    };
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') {
      return {
        cipher: undefined,
        note: `no OS keyring (safeStorage backend ${backend}); using the file-key cipher`,
        warn: true,
      };
    }
  }
  return { cipher: safeStorageCipher(safeStorage), note: null, warn: false };
}

/**
 * The cipher kind recorded in an existing secrets file, or null when there is
 * none (or it cannot be read: the core reports a broken file itself).
 */
export function readStoredCipherKind(secretsFile: string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(secretsFile, 'utf8')) as { cipher?: unknown };
    return typeof parsed.cipher === 'string' ? parsed.cipher : null;
  } catch {
    return null;
  }
}
