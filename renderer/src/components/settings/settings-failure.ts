import type { SaveFailure } from '../../store/crud-helpers';
import { ApiError, messageOf } from '../../transport';

/** The config sections settings.update changes. */
export type SettingsSection = 'webhook' | 'ai' | 'sanitizer' | 'backup' | 'routing' | 'ui';

/**
 * Splits a refused settings.update ("ui.timeZone: must be …; ui.pin: …") into
 * errors by field of `section`; the key stays in the text, since it is the
 * name the README and the config file use. Anything else is form-level.
 */
export function settingsFailure(error: unknown, section: SettingsSection): SaveFailure {
  const message = messageOf(error);
  if (!(error instanceof ApiError) || error.code !== 'bad_request') {
    return { ok: false, fieldErrors: {}, message };
  }
  const fieldErrors: Record<string, string> = {};
  const rest: string[] = [];
  const pattern = new RegExp(`^${section}\\.([A-Za-z]+)[\\w.]*: .+$`);
  for (const part of message.split('; ').map((p) => p.trim())) {
    const field = pattern.exec(part)?.[1];
    if (field) fieldErrors[field] = fieldErrors[field] ? `${fieldErrors[field]}; ${part}` : part;
    else if (part) rest.push(part);
  }
  return { ok: false, fieldErrors, message: rest.length > 0 ? rest.join('; ') : null };
}
