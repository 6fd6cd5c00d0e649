import type { VigilApi } from '../../../shared/ipc/api';

/** State of the push channel, shown in the header so a stale screen never looks live. */
export type ConnectionState = 'connecting' | 'live' | 'down';

export interface SessionInfo {
  authenticated: boolean;
  pinRequired: boolean;
}

export type LoginOutcome =
  { ok: true } | { ok: false; reason: 'wrong_pin' | 'rate_limited' | 'unavailable'; message: string };

/** Browser-only session endpoints; the desktop shell has no login. */
export interface SessionClient {
  check(): Promise<SessionInfo>;
  login(pin: string): Promise<LoginOutcome>;
  logout(): Promise<void>;
}

/**
 * What the app needs from a transport beyond `VigilApi`: in Electron the extra
 * parts are inert, in a browser they carry the session and the SSE lifecycle.
 */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  readonly api: VigilApi;
  readonly session: SessionClient | null;
  /** Fires when the push channel opens again after a drop: events may have been missed. */
  onReconnect(listener: () => void): () => void;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  connectionState(): ConnectionState;
  /** Fires when the server answers 401: the session expired or was revoked. */
  onUnauthorized(listener: () => void): () => void;
}
