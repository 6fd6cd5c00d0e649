/**
 * What went wrong talking to a vendor, in words an analyst can act on. The
 * poller shows the message in the source's health and decides how long to
 * wait from the kind (and Retry-After when the vendor sent one).
 */
export type SourceErrorKind =
  'config' | 'auth' | 'rate_limited' | 'http' | 'malformed' | 'network' | 'timeout';

export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    /** From Retry-After (or the vendor's own retry hint), when given. */
    readonly retryAfterMs?: number,
    /** The HTTP status, when the vendor answered with one. */
    readonly status?: number,
  ) {
    super(message);
  }
}
