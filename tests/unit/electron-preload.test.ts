import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import type { VigilApi } from '../../shared/ipc/api';

type Listener = (event: unknown, ...args: unknown[]) => void;

// The real preload runs against a stand-in for electron's renderer-side modules.
const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Listener>>();
  return {
    exposed,
    listeners,
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
    emit(channel: string, event: unknown, ...args: unknown[]) {
      for (const listener of listeners.get(channel) ?? []) listener(event, ...args);
    },
  };
});

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => fake.exposed.set(key, value),
  },
  ipcRenderer: {
    invoke: fake.invoke,
    on: (channel: string, listener: Listener) => {
      const set = fake.listeners.get(channel) ?? new Set<Listener>();
      set.add(listener);
      fake.listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: Listener) => {
      fake.listeners.get(channel)?.delete(listener);
    },
  },
}));

let api: VigilApi;

/** window.api as page script could misuse it, outside the contract's types. */
function untyped() {
  return api as unknown as {
    invoke(method: string, args: unknown): Promise<unknown>;
    on(event: string, listener: () => void): () => void;
  };
}

beforeAll(async () => {
  await import('../../electron/preload/index');
  api = fake.exposed.get('api') as VigilApi;
});

afterEach(() => {
  fake.invoke.mockReset();
  vi.unstubAllGlobals();
});

describe('preload', () => {
  it('exposes window.api with only invoke and on', () => {
    expect([...fake.exposed.keys()]).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it('invokes contract methods on rpc:<method> with the args', async () => {
    fake.invoke.mockResolvedValue({ ok: true, value: { setupDone: true } });
    const result = await api.invoke('setup.get', {});
    expect(result).toEqual({ ok: true, value: { setupDone: true } });
    expect(fake.invoke).toHaveBeenCalledWith('rpc:setup.get', {});
  });

  it('answers unknown_method without touching IPC for a method outside the contract', async () => {
    await expect(untyped().invoke('admin.exec', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    await expect(untyped().invoke('__proto__', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    expect(fake.invoke).not.toHaveBeenCalled();
  });

  it('turns a rejected invoke into an unavailable result', async () => {
    fake.invoke.mockRejectedValue(new Error("No handler registered for 'rpc:system.status'"));
    await expect(api.invoke('system.status', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('subscribes to event:<name>, passes only the payload, and unsubscribes', () => {
    const received: unknown[][] = [];
    const off = api.on('system.counts', (...args: unknown[]) => received.push(args));
    const ipcEvent = { sender: 'ipcRenderer', ports: [] };
    fake.emit('event:system.counts', ipcEvent, { total: 1 });
    expect(received).toEqual([[{ total: 1 }]]);
    off();
    fake.emit('event:system.counts', ipcEvent, { total: 2 });
    expect(received).toHaveLength(1);
    expect(fake.listeners.get('event:system.counts')?.size).toBe(0);
  });

  it('throws for an event outside the contract', () => {
    expect(() => untyped().on('ipc:anything', () => undefined)).toThrow(/unknown event/);
  });

  it('keeps delivering to other subscribers when one throws', () => {
    const deferred: (() => void)[] = [];
    vi.stubGlobal('queueMicrotask', (task: () => void) => deferred.push(task));
    const seen: unknown[] = [];
    const offBad = api.on('ui.focusIncident', () => {
      throw new Error('renderer bug');
    });
    const offGood = api.on('ui.focusIncident', (payload) => seen.push(payload));
    fake.emit('event:ui.focusIncident', {}, { id: 'inc-1' });
    expect(seen).toEqual([{ id: 'inc-1' }]);
    expect(deferred).toHaveLength(1);
    expect(() => deferred[0]?.()).toThrow('renderer bug');
    offBad();
    offGood();
  });
});
