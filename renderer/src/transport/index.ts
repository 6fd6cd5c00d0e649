/**
 * The one transport the app uses, set once at start-up (or by a test), and
 * `call`, which turns a Result into a value or a thrown ApiError so store
 * actions read straight through.
 */
import type { MethodName, MethodRequest, MethodResponse } from '../../../shared/ipc/contract';
import type { ErrorCode } from '../../../shared/ipc/result';
import type { Transport } from './types';

let current: Transport | null = null;

export function setTransport(transport: Transport): void {
  current = transport;
}

export function getTransport(): Transport {
  if (!current) throw new Error('Vigil transport is not set up');
  return current;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export async function call<M extends MethodName>(
  method: M,
  args: MethodRequest<M>,
): Promise<MethodResponse<M>> {
  const result = await getTransport().api.invoke(method, args);
  if (!result.ok) throw new ApiError(result.error.code, result.error.message || result.error.code);
  return result.value;
}

/** A message fit for the screen, whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'unauthorized';
}

export type { Transport, ConnectionState, SessionInfo, LoginOutcome } from './types';
