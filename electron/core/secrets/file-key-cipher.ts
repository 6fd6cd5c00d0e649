/**
 * The headless shell's cipher: AES-256-GCM under a random key kept in a key
 * file readable by its owner only (0600). It protects secrets from anyone who
 * gets the config or a backup without the key file; it is no keychain.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

import type { SecretCipher } from './cipher';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createFileKeyCipher(keyFile: string): SecretCipher {
  const key = loadOrCreateKey(keyFile);
  return {
    kind: 'file-key-aes-256-gcm',
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(ciphertext) {
      const iv = ciphertext.subarray(0, IV_BYTES);
      const tag = ciphertext.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(ciphertext.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}

function loadOrCreateKey(keyFile: string): Buffer {
  if (existsSync(keyFile)) {
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${keyFile} does not hold a 256-bit key`);
    // Tighten a key file whose mode was loosened by a copy or an archive tool.
    chmodSync(keyFile, 0o600);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(keyFile, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
