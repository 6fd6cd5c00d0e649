import type { SetupState } from '../../../shared/ipc/contract';
import { call, getTransport, isUnauthorized, messageOf } from '../transport';
import type { SliceCreator } from './types';

/**
 * Where the app stands before the console can show: `starting` while the
 * session and setup state are read, `unavailable` when that failed (with a
 * Retry), `login` in a browser without a valid session, `setup` on first run.
 */
export type Phase = 'starting' | 'unavailable' | 'login' | 'setup' | 'ready';

export interface SessionSlice {
  phase: Phase;
  bootError: string | null;
  /** Whether the server asks for a PIN at all; a logout button without one would be a trap. */
  pinRequired: boolean;
  /** Set when a 401 sent the user back to the login screen, so it can say why. */
  sessionExpired: boolean;
  loginBusy: boolean;
  loginError: string | null;
  setupState: SetupState | null;
  setupBusy: 'demo' | 'skip' | null;
  setupError: string | null;
  boot: () => Promise<void>;
  login: (pin: string) => Promise<void>;
  logout: () => Promise<void>;
  expireSession: () => void;
  startDemoFromSetup: () => Promise<void>;
  skipSetup: () => Promise<void>;
}

export const createSessionSlice: SliceCreator<SessionSlice> = (set, get) => {
  async function enterConsole(): Promise<void> {
    try {
      const setupState = await call('setup.get', {});
      set({ setupState, phase: setupState.setupDone ? 'ready' : 'setup' });
    } catch (error) {
      if (isUnauthorized(error) && getTransport().session) {
        set({ phase: 'login' });
        return;
      }
      set({ phase: 'unavailable', bootError: messageOf(error) });
    }
  }

  return {
    phase: 'starting',
    bootError: null,
    pinRequired: false,
    sessionExpired: false,
    loginBusy: false,
    loginError: null,
    setupState: null,
    setupBusy: null,
    setupError: null,

    boot: async () => {
      set({ phase: 'starting', bootError: null });
      const { session } = getTransport();
      if (session) {
        try {
          const info = await session.check();
          set({ pinRequired: info.pinRequired });
          if (info.pinRequired && !info.authenticated) {
            set({ phase: 'login' });
            return;
          }
        } catch (error) {
          set({ phase: 'unavailable', bootError: messageOf(error) });
          return;
        }
      }
      await enterConsole();
    },

    login: async (pin) => {
      const { session } = getTransport();
      if (!session || get().loginBusy) return;
      if (pin.trim() === '') {
        set({ loginError: 'Enter the PIN or passphrase.' });
        return;
      }
      set({ loginBusy: true, loginError: null });
      const outcome = await session.login(pin);
      if (!outcome.ok) {
        set({ loginBusy: false, loginError: outcome.message });
        return;
      }
      set({ loginBusy: false, sessionExpired: false, phase: 'starting' });
      await enterConsole();
    },

    logout: async () => {
      const { session } = getTransport();
      if (!session) return;
      await session.logout();
      set({ phase: 'login', sessionExpired: false, loginError: null });
    },

    expireSession: () => {
      if (!getTransport().session || get().phase === 'login') return;
      set({ phase: 'login', sessionExpired: true, loginError: null, loginBusy: false });
    },

    startDemoFromSetup: async () => {
      if (get().setupBusy) return;
      set({ setupBusy: 'demo', setupError: null });
      try {
        const source = await call('setup.startDemo', {});
        get().upsertSource(source);
        const setupState = await call('setup.get', {});
        set({ setupBusy: null, setupState, phase: 'ready', view: 'incidents' });
      } catch (error) {
        set({ setupBusy: null, setupError: messageOf(error) });
      }
    },

    skipSetup: async () => {
      if (get().setupBusy) return;
      set({ setupBusy: 'skip', setupError: null });
      try {
        const setupState = await call('setup.finish', {});
        set({ setupBusy: null, setupState, phase: 'ready', view: 'incidents' });
      } catch (error) {
        set({ setupBusy: null, setupError: messageOf(error) });
      }
    },
  };
};
