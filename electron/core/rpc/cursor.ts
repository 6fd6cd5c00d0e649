import { ContractError } from '../../../shared/ipc/result';

/** Keyset cursors are opaque to clients: base64url of [lastSeen, id]. */
export function encodeCursor(lastSeen: string, id: string): string {
  return Buffer.from(JSON.stringify([lastSeen, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { lastSeen: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return { lastSeen: value[0] as string, id: value[1] as string };
    }
  } catch {
    // fall through to the error below
  }
  throw new ContractError('bad_request', 'cursor: not a cursor returned by incidents.list');
}
