/**
 * Recognises the sshd and sudo lines of an auth log (auth.log, secure,
 * journald output) and the syslog prefix in front of them. Every pattern is
 * anchored on the text sshd/sudo append after the user name, because the user
 * name is attacker-controlled: `Failed password for x from 10.0.0.1 port 1 ssh2
 * from 203.0.113.9 port 22 ssh2` must yield the real, last address.
 */
import { isIP } from 'node:net';

export type AuthEvent =
  | { kind: 'ssh_failure'; user: string; ip: string; invalidUser: boolean }
  | { kind: 'ssh_invalid_user'; user: string; ip: string }
  | { kind: 'ssh_accepted'; user: string; ip: string; method: string }
  | { kind: 'sudo_failure'; user: string }
  | { kind: 'sudo_attempts'; user: string; attempts: number };

export interface SyslogLine {
  /** Epoch ms when the prefix carries a full timestamp (RFC 3339); null for the yearless BSD form. */
  time: number | null;
  host: string | null;
  program: string | null;
  message: string;
}

// Matched against the trimmed message, so the tails need no trailing-whitespace quantifiers.
const SSH_FAILED =
  /Failed (password|publickey|keyboard-interactive\/pam|none) for (invalid user )?(.*) from (\S+) port \d+(?: ssh2)?(?: \[preauth\])?$/;
const SSH_INVALID = /Invalid user (.*) from (\S+)(?: port \d+)?(?: \[preauth\])?$/;
const SSH_ACCEPTED = /Accepted (\S+) for (.*) from (\S+) port \d+(?: ssh2)?(?:: .*)?$/;
const SUDO_PAM = /pam_unix\(sudo(?:-i)?:auth\): authentication failure;(.*)$/;
const SUDO_ATTEMPTS = /(?<!\S)(\S+) : (\d+) incorrect password attempts?\b/;
/** sshd and sudo lines are short; longer text is something else and is not worth scanning. */
const MAX_AUTH_LINE = 2048;

const BSD_PREFIX = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) (\S+) ([^\s:[]+)(?:\[\d+\])?: ?(.*)$/s;
const ISO_PREFIX =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) (\S+) ([^\s:[]+)(?:\[\d+\])?: ?(.*)$/s;

/** Splits a syslog line into its prefix fields and message; a line without a prefix is all message. */
export function parseSyslogLine(line: string): SyslogLine {
  const iso = ISO_PREFIX.exec(line);
  if (iso) {
    const time = Date.parse(iso[1]!);
    return {
      time: Number.isFinite(time) ? time : null,
      host: iso[2]!,
      program: iso[3]!,
      message: iso[4]!,
    };
  }
  const bsd = BSD_PREFIX.exec(line);
  // The BSD form has no year and no zone, so its time cannot be trusted; the caller uses its clock.
  if (bsd) return { time: null, host: bsd[2]!, program: bsd[3]!, message: bsd[4]! };
  return { time: null, host: null, program: null, message: line };
}

function ip(value: string): string | null {
  const bare = value.startsWith('::ffff:') && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
  return isIP(bare) !== 0 ? bare : null;
}

function field(text: string, name: string): string | null {
  const match = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(text);
  return match?.[1] ?? null;
}

/** The sshd or sudo event a message reports, or null for any other text. */
export function parseAuthMessage(message: string): AuthEvent | null {
  if (message.length > MAX_AUTH_LINE) return null;
  const text = message.trimEnd();
  const failed = SSH_FAILED.exec(text);
  if (failed) {
    const address = ip(failed[4]!);
    if (address) {
      return { kind: 'ssh_failure', user: failed[3]!, ip: address, invalidUser: failed[2] !== undefined };
    }
  }
  const accepted = SSH_ACCEPTED.exec(text);
  if (accepted) {
    const address = ip(accepted[3]!);
    if (address) return { kind: 'ssh_accepted', user: accepted[2]!, ip: address, method: accepted[1]! };
  }
  const invalid = SSH_INVALID.exec(text);
  if (invalid) {
    const address = ip(invalid[2]!);
    if (address) return { kind: 'ssh_invalid_user', user: invalid[1]!, ip: address };
  }
  const pam = SUDO_PAM.exec(text);
  if (pam) {
    const fields = pam[1]!;
    const user = field(fields, 'user') ?? field(fields, 'ruser') ?? field(fields, 'logname');
    if (user) return { kind: 'sudo_failure', user };
  }
  const attempts = SUDO_ATTEMPTS.exec(text);
  if (attempts) {
    const count = Number(attempts[2]);
    if (count > 0) return { kind: 'sudo_attempts', user: attempts[1]!, attempts: count };
  }
  return null;
}
