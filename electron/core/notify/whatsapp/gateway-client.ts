/**
 * A client for the seed WhatsApp gateway: a small HTTP service in front of
 * Baileys that holds QR-linked sessions. It has no public spec, so its
 * routes live in one table (GATEWAY_PATHS) that a deployment with other
 * routes can override, and its answers are read tolerantly (a bare array or
 * one wrapped in `sessions`/`groups`/`data`, `subject` for a group's name,
 * Baileys' `me.id` for the phone). Every call goes through requestJson, so
 * failures arrive as SourceError.
 */
import type { WhatsAppSession } from '../../../../shared/ipc/contract';
import type { Clock } from '../../clock';
import { requestJson } from '../../sources/http-client';
import { SourceError } from '../../sources/source-error';

/** The gateway's routes; `{session}` is replaced by the URL-encoded session name. */
export interface GatewayPaths {
  /** GET -> [{name, status, phone?}] */
  listSessions: string;
  /** POST {name} */
  createSession: string;
  /** POST: starts the session; it shows a QR until linked. */
  connect: string;
  /** GET -> {qr: string|null, status, phone?} */
  qr: string;
  /** GET -> [{id, name, participants?}] as last fetched. */
  groups: string;
  /** POST: refreshes the group list from WhatsApp. */
  fetchGroups: string;
  /** POST {number, message, session} */
  send: string;
  /** GET -> the gateway's recent log lines. */
  logs: string;
}

export const GATEWAY_PATHS: Readonly<GatewayPaths> = {
  listSessions: '/sessions',
  createSession: '/sessions',
  connect: '/sessions/{session}/connect',
  qr: '/sessions/{session}/qr',
  groups: '/sessions/{session}/groups',
  fetchGroups: '/sessions/{session}/groups/fetch',
  send: '/send',
  logs: '/logs',
};

export interface GatewayGroup {
  id: string;
  name: string;
  participants: number | null;
}

export interface GatewayOptions {
  bridgeUrl: string;
  apiKey?: string | undefined;
  clock: Clock;
  paths?: Partial<GatewayPaths>;
  timeoutMs?: number;
}

export interface SendResult {
  /** The gateway's message id, when it gives one. */
  id: string | null;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;

/** Session statuses that mean "linked and able to send", in the words gateways use. */
const OPEN_STATUSES = new Set(['open', 'connected', 'ready', 'authenticated', 'online', 'working']);

/** Whether a session status means the phone is linked. */
export function isOpenStatus(status: string): boolean {
  return OPEN_STATUSES.has(status.toLowerCase());
}

/** A phone from a Baileys JID (`6281234567890:12@s.whatsapp.net`) or a plain number. */
export function phoneFromJid(value: string | null): string | null {
  if (!value) return null;
  const user = value.split('@')[0]!.split(':')[0]!;
  return user === '' ? null : user;
}

export class GatewayClient {
  private readonly paths: GatewayPaths;
  private readonly base: string;

  constructor(private readonly options: GatewayOptions) {
    this.paths = { ...GATEWAY_PATHS, ...options.paths };
    this.base = options.bridgeUrl.replace(/\/+$/, '');
  }

  async listSessions(signal?: AbortSignal): Promise<WhatsAppSession[]> {
    const body = await this.call('GET', this.paths.listSessions, undefined, undefined, signal);
    return unwrapList(body, 'sessions').flatMap((item) => {
      const session = toSession(item, null);
      return session ? [session] : [];
    });
  }

  async createSession(name: string, signal?: AbortSignal): Promise<void> {
    await this.call('POST', this.paths.createSession, undefined, { name }, signal);
  }

  async connect(name: string, signal?: AbortSignal): Promise<void> {
    await this.call('POST', this.paths.connect, name, undefined, signal);
  }

  /** The session's status and current QR (null once linked or before the gateway has one). */
  async qr(name: string, signal?: AbortSignal): Promise<WhatsAppSession> {
    const body = await this.call('GET', this.paths.qr, name, undefined, signal);
    const record = isRecord(body) && isRecord(body.data) ? body.data : body;
    const session = toSession(record, name);
    if (!session) throw this.malformed(this.paths.qr, 'no session status');
    return session;
  }

  async groups(name: string, signal?: AbortSignal): Promise<GatewayGroup[]> {
    const body = await this.call('GET', this.paths.groups, name, undefined, signal);
    return unwrapList(body, 'groups').flatMap((item) => {
      const group = toGroup(item);
      return group ? [group] : [];
    });
  }

  async fetchGroups(name: string, signal?: AbortSignal): Promise<void> {
    await this.call('POST', this.paths.fetchGroups, name, undefined, signal);
  }

  async send(
    message: { number: string; message: string; session: string },
    signal?: AbortSignal,
  ): Promise<SendResult> {
    const body = await this.call('POST', this.paths.send, undefined, message, signal);
    if (isRecord(body)) {
      const data = isRecord(body.data) ? body.data : {};
      const key = isRecord(body.key) ? body.key : {};
      return { id: text(body.id) ?? text(body.messageId) ?? text(key.id) ?? text(data.id) };
    }
    return { id: null };
  }

  /** The gateway's recent log lines, as text. */
  async logs(signal?: AbortSignal): Promise<string[]> {
    const body = await this.call('GET', this.paths.logs, undefined, undefined, signal);
    return unwrapList(body, 'logs').map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
  }

  private async call(
    method: 'GET' | 'POST',
    template: string,
    session: string | undefined,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const path = template.replace('{session}', encodeURIComponent(session ?? ''));
    const headers: Record<string, string> = {};
    const apiKey = this.options.apiKey;
    if (apiKey) {
      // Gateways in the wild read one or the other; sending both costs nothing.
      headers['X-Api-Key'] = apiKey;
      headers.Authorization = `Bearer ${apiKey}`;
    }
    const response = await requestJson(
      `${this.base}${path}`,
      {
        method,
        headers,
        ...(body !== undefined ? { body } : method === 'POST' ? { body: {} } : {}),
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      },
      this.options.clock,
    );
    refused(response.body, `${this.base}${path}`);
    return response.body;
  }

  private malformed(template: string, what: string): SourceError {
    return new SourceError('malformed', `${this.base}${template}: unexpected answer (${what})`);
  }
}

/** A 200 that says it failed (`{ok:false}`, `{success:false}`, `{status:false, reason}`) is a failure. */
function refused(body: unknown, target: string): void {
  if (!isRecord(body)) return;
  if (body.ok !== false && body.success !== false && body.status !== false) return;
  const reason = text(body.error) ?? text(body.message) ?? text(body.reason) ?? 'no reason given';
  throw new SourceError('http', `${target}: the gateway refused: ${reason.slice(0, 300)}`);
}

function unwrapList(body: unknown, key: string): unknown[] {
  if (Array.isArray(body)) return body;
  if (isRecord(body)) {
    for (const candidate of [body[key], body.data]) {
      if (Array.isArray(candidate)) return candidate;
      // Baileys' groupFetchAllParticipating() is an object keyed by JID.
      if (key === 'groups' && isRecord(candidate)) return Object.values(candidate);
    }
  }
  return [];
}

function toSession(item: unknown, fallbackName: string | null): WhatsAppSession | null {
  if (!isRecord(item)) return null;
  const name = text(item.name) ?? text(item.session) ?? text(item.id) ?? fallbackName;
  const status = text(item.status) ?? text(item.state) ?? text(item.connection);
  if (!name || !status) return null;
  const me = isRecord(item.me) ? text(item.me.id) : null;
  const phone = phoneFromJid(text(item.phone) ?? text(item.number) ?? me);
  const qr = text(item.qr);
  const open = isOpenStatus(status);
  // A QR left over from before the scan would only invite a second scan.
  return { name, status, qr: open ? null : qr, phone };
}

function toGroup(item: unknown): GatewayGroup | null {
  if (!isRecord(item)) return null;
  const id = text(item.id) ?? text(item.jid);
  if (!id) return null;
  const name = text(item.name) ?? text(item.subject) ?? id;
  const participants =
    typeof item.participants === 'number'
      ? item.participants
      : Array.isArray(item.participants)
        ? item.participants.length
        : typeof item.size === 'number'
          ? item.size
          : null;
  return { id, name, participants: participants === null ? null : Math.trunc(participants) };
}

/** A gateway failure in words that point at the fix; `session` is the one the call was about, if any. */
export function explainGatewayError(error: SourceError, session: string | null): SourceError {
  const hint =
    error.kind === 'auth'
      ? 'the gateway refused the API key: check the channel’s apiKey'
      : error.kind === 'rate_limited'
        ? 'the gateway asks to slow down'
        : error.status === 404
          ? session === null
            ? 'the gateway has no such route: check the gateway URL (bridgeUrl)'
            : `the gateway does not know session "${session}" (or the gateway URL is wrong): connect it in the WhatsApp view`
          : error.status === 409
            ? `session "${session ?? '?'}" is not linked: scan its QR in the WhatsApp view`
            : null;
  return new SourceError(
    error.kind,
    `WhatsApp gateway: ${error.message}${hint ? ` — ${hint}` : ''}`,
    error.retryAfterMs,
    error.status,
  );
}
