/** Where a WhatsApp message goes: a phone number or a group, read from the channel's `target`. */
import { SourceError } from '../../sources/source-error';

export type WhatsAppTarget = { kind: 'phone'; number: string } | { kind: 'group'; id: string };

const GROUP = /^[A-Za-z0-9_.-]+@g\.us$/;
const PHONE_DIGITS = /^\d{6,15}$/;

/**
 * Parses a target: `+7 999 000-11-22`, `79990001122`, `79990001122@s.whatsapp.net`
 * (all the phone 79990001122) or `120363000000000000@g.us` (a group). Throws a
 * 'config' SourceError, which parks the message, for anything else.
 */
export function parseTarget(raw: string | undefined): WhatsAppTarget {
  const value = raw?.trim() ?? '';
  if (value === '') {
    throw new SourceError(
      'config',
      'no target: set a phone number (country code first) or pick a group in the WhatsApp view',
    );
  }
  if (GROUP.test(value)) return { kind: 'group', id: value };
  const user = value.endsWith('@s.whatsapp.net') ? value.split('@')[0]!.split(':')[0]! : value;
  const digits = user.replace(/^\+/, '').replace(/[\s().-]/g, '');
  if (PHONE_DIGITS.test(digits)) return { kind: 'phone', number: digits };
  throw new SourceError(
    'config',
    `target "${value.slice(0, 80)}" is neither a phone number (digits, country code first) nor a group id (…@g.us)`,
  );
}

/** The target as the gateway's `number` field takes it. */
export function targetAddress(target: WhatsAppTarget): string {
  return target.kind === 'group' ? target.id : target.number;
}
