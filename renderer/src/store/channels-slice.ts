import type { Silence } from '../../../shared/config';
import { silenceSchema } from '../../../shared/config';
import type { ChannelView, MethodRequest, SettingsView } from '../../../shared/ipc/contract';
import { call, messageOf } from '../transport';
import { parseFieldIssues, saveFailure, without } from './crud-helpers';
import type { SaveFailure } from './crud-helpers';
import type { LoadState, SliceCreator } from './types';

/** A row action that talks to the core and reports back on the row. */
export type ChannelAction = 'test' | 'remove';

/** What the last Send test of a channel said, shown under its row. */
export interface ChannelTestResult {
  ok: boolean;
  message: string;
  /** Round trip as the core measured it; null when the request itself failed. */
  latencyMs: number | null;
  /** Epoch ms the answer arrived. */
  at: number;
}

/** The result of Save: the stored channel, or the errors to show next to the fields they name. */
export type SaveChannelOutcome = { ok: true; channel: ChannelView } | SaveFailure;

/** What the Channels view shows of routing: quiet hours, rules (read-only here) and silences. */
export interface RoutingState {
  quietHours: { start: string; end: string } | null;
  rules: SettingsView['routing']['rules'];
  silences: Silence[];
}

export type SilenceRequest = MethodRequest<'silences.add'>;

export interface ChannelsSlice {
  channels: ChannelView[];
  channelsState: LoadState;
  channelsError: string | null;
  /** Ids of channels whose enabled toggle is on its way to the core. */
  channelsBusy: string[];
  channelActionError: string | null;
  /** Per channel id: the last Send test answer. */
  channelResults: Record<string, ChannelTestResult>;
  /** Per channel id: the action waiting for the core. */
  channelRunning: Record<string, ChannelAction>;
  /**
   * Per channel id, a counter bumped after every `channels.changed` push has
   * been fetched, so open panels (the outbox) know to read again.
   */
  channelRevisions: Record<string, number>;
  routing: RoutingState | null;
  routingState: LoadState;
  routingError: string | null;
  loadChannels: () => Promise<void>;
  /** A `channels.changed` push: the list is fetched again once a burst of them settles. */
  channelChanged: (id: string) => void;
  setChannelEnabled: (id: string, enabled: boolean) => Promise<void>;
  /** Sends a channel document to `channels.upsert`; never throws. */
  saveChannel: (channel: Record<string, unknown>, create: boolean) => Promise<SaveChannelOutcome>;
  testChannel: (id: string) => Promise<void>;
  /** Removes a channel; resolves false (with `channelActionError` set) when the core refused. */
  removeChannel: (id: string) => Promise<boolean>;
  clearChannelResult: (id: string) => void;
  loadRouting: () => Promise<void>;
  /** Turns quiet hours on (start/end HH:MM) or off (null); resolves an error message or null. */
  saveQuietHours: (quietHours: { start: string; end: string } | null) => Promise<string | null>;
  /** Adds a silence; resolves an error message or null. */
  addSilence: (request: SilenceRequest) => Promise<string | null>;
  /** Ends a silence; resolves an error message or null. */
  endSilence: (id: string) => Promise<string | null>;
}

/** Long enough to fold a burst of delivery pushes into one fetch, short enough to feel live. */
const CHANGED_DEBOUNCE_MS = 250;

let channelsSeq = 0;
let routingSeq = 0;
let changedTimer: ReturnType<typeof setTimeout> | null = null;
const changedIds = new Set<string>();

const ISSUE = /^channel\.([^:]+): (.+)$/s;

/**
 * The form field a zod issue path names: its non-numeric leading segments
 * joined with dots ("smtp.port"; "to.0" names the list "to").
 */
export function fieldKeyOf(path: readonly PropertyKey[]): string | null {
  const segments: string[] = [];
  for (const segment of path) {
    if (typeof segment !== 'string' || /^\d+$/.test(segment)) break;
    segments.push(segment);
  }
  return segments.length > 0 ? segments.join('.') : null;
}

/**
 * Splits a `bad_request` from `channels.upsert` ("channel.webhookUrl: ...;
 * channel.smtp.port: ...") into per-field messages; whatever names no field
 * stays a form-level message.
 */
export function parseChannelIssues(message: string): {
  fieldErrors: Record<string, string>;
  rest: string | null;
} {
  return parseFieldIssues(message, ISSUE, (path) => fieldKeyOf(path.split('.')));
}

/** The document `channels.upsert` takes back for a stored channel: its settings, no secrets (kept). */
export function channelDocument(channel: ChannelView): Record<string, unknown> {
  return {
    ...channel.settings,
    id: channel.id,
    kind: channel.kind,
    name: channel.name,
    enabled: channel.enabled,
    minSeverity: channel.minSeverity,
    mask: channel.mask,
  };
}

function toRouting(view: SettingsView['routing']): RoutingState {
  const silences: Silence[] = [];
  for (const raw of view.silences) {
    const parsed = silenceSchema.safeParse(raw);
    if (parsed.success) silences.push(parsed.data);
  }
  silences.sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
  return { quietHours: view.quietHours, rules: view.rules, silences };
}

export const createChannelsSlice: SliceCreator<ChannelsSlice> = (set, get) => {
  const begin = (id: string, action: ChannelAction): boolean => {
    if (get().channelRunning[id]) return false;
    set((state) => ({ channelRunning: { ...state.channelRunning, [id]: action } }));
    return true;
  };
  const finish = (id: string, result?: ChannelTestResult): void => {
    set((state) => ({
      channelRunning: without(state.channelRunning, id),
      ...(result ? { channelResults: { ...state.channelResults, [id]: result } } : {}),
    }));
  };
  const upsert = (channel: ChannelView): void => {
    set((state) => {
      const at = state.channels.findIndex((existing) => existing.id === channel.id);
      if (at === -1) return { channels: [...state.channels, channel] };
      const channels = state.channels.slice();
      channels[at] = channel;
      return { channels };
    });
  };

  const fetchChannels = async (quiet: boolean): Promise<void> => {
    const seq = ++channelsSeq;
    if (!quiet) set({ channelsState: 'loading', channelsError: null });
    try {
      const channels = await call('channels.list', {});
      if (seq !== channelsSeq) return;
      set({ channels, channelsState: 'ready', channelsError: null });
    } catch (error) {
      if (seq !== channelsSeq) return;
      // A background refresh that fails keeps the list on screen; a visible load says why.
      if (!quiet) set({ channelsState: 'error', channelsError: messageOf(error) });
    }
  };

  return {
    channels: [],
    channelsState: 'idle',
    channelsError: null,
    channelsBusy: [],
    channelActionError: null,
    channelResults: {},
    channelRunning: {},
    channelRevisions: {},
    routing: null,
    routingState: 'idle',
    routingError: null,

    loadChannels: () => fetchChannels(false),

    channelChanged: (id) => {
      changedIds.add(id);
      changedTimer ??= setTimeout(() => {
        changedTimer = null;
        const ids = [...changedIds];
        changedIds.clear();
        const listed = get().channelsState !== 'idle';
        void (listed ? fetchChannels(true) : Promise.resolve()).then(() => {
          set((state) => {
            const channelRevisions = { ...state.channelRevisions };
            for (const changed of ids) channelRevisions[changed] = (channelRevisions[changed] ?? 0) + 1;
            return { channelRevisions };
          });
        });
      }, CHANGED_DEBOUNCE_MS);
    },

    setChannelEnabled: async (id, enabled) => {
      const channel = get().channels.find((c) => c.id === id);
      if (!channel || get().channelsBusy.includes(id)) return;
      set((state) => ({ channelsBusy: [...state.channelsBusy, id], channelActionError: null }));
      try {
        // Secrets are left out, which keeps the stored ones.
        const saved = await call('channels.upsert', { channel: { ...channelDocument(channel), enabled } });
        upsert(saved);
      } catch (error) {
        set({ channelActionError: messageOf(error) });
      } finally {
        set((state) => ({ channelsBusy: state.channelsBusy.filter((busy) => busy !== id) }));
      }
    },

    saveChannel: async (input, create) => {
      try {
        const channel = await call('channels.upsert', { channel: input, create });
        upsert(channel);
        // Settings changed, so an earlier test result no longer speaks for this channel.
        set((state) => ({ channelResults: without(state.channelResults, channel.id) }));
        return { ok: true, channel };
      } catch (error) {
        return saveFailure(error, parseChannelIssues);
      }
    },

    testChannel: async (id) => {
      if (!begin(id, 'test')) return;
      try {
        const answer = await call('channels.test', { id });
        finish(id, { ...answer, at: Date.now() });
      } catch (error) {
        finish(id, { ok: false, message: messageOf(error), latencyMs: null, at: Date.now() });
      }
    },

    removeChannel: async (id) => {
      if (!begin(id, 'remove')) return false;
      set({ channelActionError: null });
      try {
        await call('channels.remove', { id });
        set((state) => ({
          channels: state.channels.filter((channel) => channel.id !== id),
          channelResults: without(state.channelResults, id),
          channelRunning: without(state.channelRunning, id),
        }));
        return true;
      } catch (error) {
        finish(id);
        set({ channelActionError: messageOf(error) });
        return false;
      }
    },

    clearChannelResult: (id) => {
      set((state) => ({ channelResults: without(state.channelResults, id) }));
    },

    loadRouting: async () => {
      const seq = ++routingSeq;
      set({ routingState: 'loading', routingError: null });
      try {
        const settings = await call('settings.get', {});
        if (seq !== routingSeq) return;
        set({ routing: toRouting(settings.routing), routingState: 'ready' });
      } catch (error) {
        if (seq !== routingSeq) return;
        set({ routingState: 'error', routingError: messageOf(error) });
      }
    },

    saveQuietHours: async (quietHours) => {
      try {
        const settings = await call('settings.update', { patch: { routing: { quietHours } } });
        ++routingSeq;
        set({ routing: toRouting(settings.routing), routingState: 'ready', routingError: null });
        return null;
      } catch (error) {
        return messageOf(error);
      }
    },

    addSilence: async (request) => {
      try {
        await call('silences.add', request);
      } catch (error) {
        return messageOf(error);
      }
      await get().loadRouting();
      return null;
    },

    endSilence: async (id) => {
      try {
        await call('silences.remove', { id });
      } catch (error) {
        return messageOf(error);
      }
      await get().loadRouting();
      return null;
    },
  };
};
