/**
 * WhatsApp gateway sessions: list them, connect one (it then shows a QR until
 * a phone scans it), read its QR and its groups. The gateway does not push,
 * so while a session waits to be linked the service polls it (every 2 s) and
 * emits `whatsapp.status` whenever its status or QR changes; polling stops
 * when the session opens, when the time it was asked for runs out (5 min
 * after a connect, 2 min after the WhatsApp view last looked), when the
 * channel goes away, or when the service stops.
 */
import type { WhatsAppChannelConfig } from '../../../shared/config';
import type { WhatsAppSession } from '../../../shared/ipc/contract';
import { ContractError } from '../../../shared/ipc/result';
import type { ErrorCode } from '../../../shared/ipc/result';
import type { Clock } from '../clock';
import type { ConfigStore } from '../config/config-store';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';
import type { Service, ServiceState } from '../service-host';
import { SourceError } from '../sources/source-error';
import type { GatewayGroup } from './whatsapp/gateway-client';
import { GatewayClient, explainGatewayError, isOpenStatus } from './whatsapp/gateway-client';

export interface WhatsAppDeps {
  config: Pick<ConfigStore, 'get' | 'resolveSecret'>;
  bus: Pick<EventBus, 'emit'>;
  clock: Clock;
  logger: Logger;
  /** Between two looks at a session waiting to be linked. */
  pollIntervalMs?: number;
  /** How long a connect keeps the session watched (Baileys gives up on unscanned QRs after ~3 min). */
  connectWatchMs?: number;
  /** How long a look from the WhatsApp view keeps a waiting session watched; the view renews it. */
  viewWatchMs?: number;
}

export const WHATSAPP_POLL_MS = 2_000;
const CONNECT_WATCH_MS = 5 * 60_000;
const VIEW_WATCH_MS = 2 * 60_000;
/** Each gateway call is short; a gateway that hangs must not hold up the view. */
const GATEWAY_TIMEOUT_MS = 15_000;

interface Watch {
  channelId: string;
  session: string;
  until: number;
  timer: NodeJS.Timeout | undefined;
  lastError: string | null;
}

const keyOf = (channelId: string, session: string) => `${channelId}\u0000${session}`;

/** A session that is on its way to being linked (showing a QR, connecting), as opposed to idle or closed. */
function isPending(session: WhatsAppSession): boolean {
  if (isOpenStatus(session.status)) return false;
  return session.qr !== null || /connect|qr|pair|scan|start|init/i.test(session.status);
}

export class WhatsAppService implements Service {
  readonly name = 'whatsapp';
  state: ServiceState = 'stopped';
  private readonly watches = new Map<string, Watch>();
  /** What was last emitted per session, so only changes are. */
  private readonly lastEmitted = new Map<string, string>();
  private controller = new AbortController();

  constructor(private readonly deps: WhatsAppDeps) {}

  start(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    this.controller = new AbortController();
    this.state = 'running';
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.state = 'stopped';
    this.controller.abort();
    for (const watch of this.watches.values()) clearTimeout(watch.timer);
    this.watches.clear();
    this.lastEmitted.clear();
    return Promise.resolve();
  }

  /** The gateway's sessions, with the current QR of those waiting to be linked (which are then watched). */
  async sessions(channelId: string): Promise<WhatsAppSession[]> {
    const client = this.client(channelId);
    const signal = this.controller.signal;
    const list = await this.guard(null, () => client.listSessions(signal));
    return Promise.all(
      list.map(async (listed) => {
        let session = listed;
        if (!isOpenStatus(listed.status) && listed.qr === null) {
          try {
            session = await client.qr(listed.name, signal);
          } catch (error) {
            // The list answered; one session's QR failing leaves that row as listed.
            this.deps.logger.debug('could not read a session QR', {
              channel: channelId,
              session: listed.name,
              error: (error as Error).message,
            });
          }
        }
        this.observe(channelId, session);
        if (isPending(session)) this.watch(channelId, session.name, this.viewWatchMs);
        return session;
      }),
    );
  }

  /** Creates the session at the gateway if it has none by that name, starts it, and watches it until linked. */
  async connect(channelId: string, session: string): Promise<WhatsAppSession> {
    const client = this.client(channelId);
    const signal = this.controller.signal;
    return this.guard(session, async () => {
      const known = (await client.listSessions(signal)).find((s) => s.name === session);
      if (known && isOpenStatus(known.status)) {
        this.observe(channelId, known);
        return known;
      }
      if (!known) await client.createSession(session, signal);
      await client.connect(session, signal);
      const state = await client.qr(session, signal);
      this.deps.logger.info('connecting a WhatsApp session', {
        channel: channelId,
        session,
        status: state.status,
      });
      this.observe(channelId, state);
      if (!isOpenStatus(state.status)) this.watch(channelId, session, this.connectWatchMs);
      return state;
    });
  }

  /** The session's status and QR now; a session waiting to be linked is watched for a while. */
  async qr(channelId: string, session: string): Promise<WhatsAppSession> {
    const client = this.client(channelId);
    const state = await this.guard(session, () => client.qr(session, this.controller.signal));
    this.observe(channelId, state);
    if (isPending(state)) this.watch(channelId, session, this.viewWatchMs);
    return state;
  }

  /** The groups the session's phone is in; `refresh` asks the gateway to fetch them from WhatsApp first. */
  async groups(channelId: string, session: string, refresh: boolean): Promise<GatewayGroup[]> {
    const client = this.client(channelId);
    const signal = this.controller.signal;
    return this.guard(session, async () => {
      if (refresh) await client.fetchGroups(session, signal);
      const groups = await client.groups(session, signal);
      return groups.sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  private get pollIntervalMs(): number {
    return this.deps.pollIntervalMs ?? WHATSAPP_POLL_MS;
  }

  private get connectWatchMs(): number {
    return this.deps.connectWatchMs ?? CONNECT_WATCH_MS;
  }

  private get viewWatchMs(): number {
    return this.deps.viewWatchMs ?? VIEW_WATCH_MS;
  }

  private channel(channelId: string): WhatsAppChannelConfig {
    const channel = this.deps.config.get().channels.find((c) => c.id === channelId);
    if (!channel) throw new ContractError('not_found', `no channel ${channelId}`);
    if (channel.kind !== 'whatsapp') {
      throw new ContractError('bad_request', `channel ${channelId} is not a WhatsApp channel`);
    }
    if (channel.provider !== 'gateway') {
      throw new ContractError(
        'bad_request',
        `the Cloud API needs no session: channel ${channelId} sends through Meta's Cloud API, which links no phone`,
      );
    }
    if (!channel.bridgeUrl) {
      throw new ContractError('bad_request', `channel ${channelId} has no gateway URL (bridgeUrl)`);
    }
    return channel;
  }

  private client(channelId: string): GatewayClient {
    const channel = this.channel(channelId);
    if (this.state !== 'running') throw new ContractError('unavailable', 'WhatsApp sessions are stopping');
    return new GatewayClient({
      bridgeUrl: channel.bridgeUrl!,
      apiKey: this.deps.config.resolveSecret(channel.apiKey),
      clock: this.deps.clock,
      timeoutMs: GATEWAY_TIMEOUT_MS,
    });
  }

  /** Runs a gateway call and turns its failure into a contract error that says what to fix. */
  private async guard<T>(session: string | null, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      if (this.controller.signal.aborted)
        throw new ContractError('unavailable', 'WhatsApp sessions are stopping');
      const explained = explainGatewayError(error, session);
      throw new ContractError(contractCode(error), explained.message);
    }
  }

  /** Emits `whatsapp.status` when the session differs from what was last emitted for it. */
  private observe(channelId: string, session: WhatsAppSession): void {
    const key = keyOf(channelId, session.name);
    const snapshot = JSON.stringify([session.status, session.qr, session.phone]);
    if (this.lastEmitted.get(key) === snapshot) return;
    this.lastEmitted.set(key, snapshot);
    this.deps.bus.emit('whatsapp.status', { channelId, session });
  }

  /** Polls a session until it opens or `forMs` from now (a watch already running is extended). */
  private watch(channelId: string, session: string, forMs: number): void {
    if (this.state !== 'running') return;
    const key = keyOf(channelId, session);
    const until = this.deps.clock.now() + forMs;
    const existing = this.watches.get(key);
    if (existing) {
      existing.until = Math.max(existing.until, until);
      return;
    }
    const watch: Watch = { channelId, session, until, timer: undefined, lastError: null };
    this.watches.set(key, watch);
    this.schedule(watch);
  }

  private schedule(watch: Watch): void {
    watch.timer = setTimeout(() => void this.tick(watch), this.pollIntervalMs);
  }

  private drop(watch: Watch, reason: string): void {
    const key = keyOf(watch.channelId, watch.session);
    if (this.watches.get(key) !== watch) return;
    clearTimeout(watch.timer);
    this.watches.delete(key);
    this.deps.logger.debug('stopped watching a WhatsApp session', {
      channel: watch.channelId,
      session: watch.session,
      reason,
    });
  }

  private async tick(watch: Watch): Promise<void> {
    const current = () =>
      this.state === 'running' && this.watches.get(keyOf(watch.channelId, watch.session)) === watch;
    if (!current()) return;
    let client: GatewayClient;
    try {
      client = this.client(watch.channelId);
    } catch (error) {
      this.drop(watch, (error as Error).message);
      return;
    }
    try {
      const state = await client.qr(watch.session, this.controller.signal);
      if (!current()) return;
      watch.lastError = null;
      this.observe(watch.channelId, state);
      if (isOpenStatus(state.status)) {
        this.deps.logger.info('WhatsApp session linked', {
          channel: watch.channelId,
          session: watch.session,
          phone: state.phone,
        });
        this.drop(watch, 'linked');
        return;
      }
    } catch (error) {
      if (!current()) return;
      const message =
        error instanceof SourceError ? explainGatewayError(error, watch.session).message : String(error);
      // Once per distinct failure: a gateway that is down for a minute is one line, not thirty.
      if (message !== watch.lastError) {
        this.deps.logger.warn('could not read a WhatsApp session from the gateway', {
          channel: watch.channelId,
          session: watch.session,
          error: message,
        });
        watch.lastError = message;
      }
    }
    if (this.deps.clock.now() >= watch.until) {
      this.drop(watch, 'time is up');
      return;
    }
    this.schedule(watch);
  }
}

function contractCode(error: SourceError): ErrorCode {
  if (error.kind === 'rate_limited') return 'rate_limited';
  if (error.kind === 'config') return 'bad_request';
  if (error.status === 404) return 'not_found';
  if (error.status === 409) return 'conflict';
  // Never 'unauthorized': the console would take it for its own session expiring.
  return 'unavailable';
}
