import { ApiError, messageOf } from '../transport';

/** A copy of `record` without `key`. */
export function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const next = { ...record };
  delete next[key];
  return next;
}

/**
 * Splits a `bad_request` from an upsert ("source.baseUrl: must be an http(s)
 * URL; source.name: ...") into per-field messages; whatever names no field
 * stays a form-level message. `pattern` captures the field path (group 1) and
 * the message (group 2); `keyOf` turns the captured path into a form key.
 */
export function parseFieldIssues(
  message: string,
  pattern: RegExp,
  keyOf: (captured: string) => string | null = (captured) => captured,
): { fieldErrors: Record<string, string>; rest: string | null } {
  const fieldErrors: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of message.split('; ')) {
    const match = pattern.exec(part.trim());
    const field = match?.[1] ? keyOf(match[1]) : null;
    const text = match?.[2];
    if (field && text) {
      const earlier = fieldErrors[field];
      fieldErrors[field] = earlier ? `${earlier}; ${text}` : text;
    } else if (part.trim()) {
      rest.push(part.trim());
    }
  }
  return { fieldErrors, rest: rest.length > 0 ? rest.join('; ') : null };
}

/** A failed Save: field errors from a `bad_request`, otherwise one form-level message. */
export interface SaveFailure {
  ok: false;
  fieldErrors: Record<string, string>;
  message: string | null;
}

/** Turns the error of a failed upsert into what the form shows next to its fields. */
export function saveFailure(
  error: unknown,
  parse: (message: string) => { fieldErrors: Record<string, string>; rest: string | null },
): SaveFailure {
  const message = messageOf(error);
  if (error instanceof ApiError && error.code === 'bad_request') {
    const { fieldErrors, rest } = parse(message);
    return { ok: false, fieldErrors, message: rest };
  }
  return { ok: false, fieldErrors: {}, message };
}
