/**
 * Bot commands as people type them: `/ping`, `/ping@VigilBot` in a group,
 * and the admin's chat decisions with the chat id glued on or after a space.
 * Group ids are negative, and Telegram only makes `[a-z0-9_]` clickable, so
 * `/accept_100123` means chat -100123 just like `/accept-100123` does.
 */

export interface Command {
  name: string;
  /** What follows the command name, trimmed ('' when nothing). */
  arg: string;
}

export const ADMIN_COMMANDS = ['accepted', 'accept', 'deny', 'ban', 'unban', 'banned', 'debug'] as const;
/** Commands that take a chat id. */
export const CHAT_ID_COMMANDS = ['accept', 'deny', 'ban', 'unban'] as const;
export type ChatIdCommand = (typeof CHAT_ID_COMMANDS)[number];

/**
 * The command in a message, or null when it is not one or is addressed to
 * another bot (`/ping@OtherBot`).
 */
export function parseCommand(text: string | undefined, botUsername: string | null): Command | null {
  if (!text?.startsWith('/')) return null;
  const space = text.search(/\s/);
  const token = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? '' : text.slice(space).trim();
  const at = token.indexOf('@');
  const head = at < 0 ? token : token.slice(0, at);
  const addressee = at < 0 ? null : token.slice(at + 1);
  if (addressee && botUsername && addressee.toLowerCase() !== botUsername.toLowerCase()) return null;
  const match = /^\/([a-z]+)(.*)$/i.exec(head);
  if (!match) return null;
  const name = match[1]!.toLowerCase();
  const glued = match[2]!;
  return { name, arg: glued !== '' ? glued : rest };
}

/** A chat id from a command argument (`-100123`, `_100123`, `100123`), or null. */
export function parseChatId(arg: string): string | null {
  const normalized = arg.trim().replace(/^_/, '-');
  return /^-?\d{1,20}$/.test(normalized) ? normalized : null;
}

/** The clickable form of a chat command: `/accept_100123` for chat -100123. */
export function chatCommand(name: ChatIdCommand, chatId: string): string {
  return `/${name}${chatId.startsWith('-') ? `_${chatId.slice(1)}` : chatId}`;
}
