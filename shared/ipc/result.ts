/**
 * Errors are data (STYLE.md §7): every contract call answers a Result, on every
 * transport, with a code from one closed set. The webhook listener's refusals
 * use the same set, so a client sees one vocabulary on both ports.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unknown_method',
  'rate_limited',
  'unavailable',
  'payload_too_large',
  'internal',
] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export interface ContractErrorBody {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractErrorBody };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** Thrown inside handlers to answer with a specific code; anything else becomes `internal`. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status for an error code, used by the headless shell. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'bad_request':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
    case 'unknown_method':
      return 404;
    case 'conflict':
      return 409;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    case 'payload_too_large':
      return 413;
    case 'internal':
      return 500;
    default:
      return assertNever(code);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
