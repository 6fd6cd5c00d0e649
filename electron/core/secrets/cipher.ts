/**
 * How secrets are encrypted at rest. The desktop shell supplies one built on
 * Electron's safeStorage (OS keychain); the headless shell uses a random key
 * in a 0600 key file (see file-key-cipher.ts).
 */
export interface SecretCipher {
  readonly kind: string;
  encrypt(plaintext: string): Buffer;
  decrypt(ciphertext: Buffer): string;
}
