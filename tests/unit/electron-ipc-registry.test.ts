import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it, vi } from 'vitest';

import { RPC_METHODS, eventChannel, rpcChannel } from '../../shared/ipc/channels';
import type { EventName } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import type { Logger } from '../../electron/core/logger';
import { createAppOrigin } from '../../electron/main/app-origin';
import type {
  Dispatch,
  InvokeEventLike,
  InvokeListener,
  SenderFrame,
} from '../../electron/main/ipc-registry';
import {
  forwardEvents,
  handleInvoke,
  registerContract,
  sendEvent,
  trustedSenderCheck,
} from '../../electron/main/ipc-registry';

const RENDERER_DIR = resolve('/opt/vigil/out/renderer');
const APP_URL = pathToFileURL(join(RENDERER_DIR, 'index.html')).href;

function recordingLogger(): Logger & {
  lines: { level: string; message: string; fields?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const make = (): Logger => ({
    debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
    success: (message, fields) => lines.push({ level: 'info', message, fields }),
    child: () => make(),
  });
  return Object.assign(make(), { lines });
}

function fakeIpcMain() {
  const handlers = new Map<string, InvokeListener>();
  return {
    handlers,
    handle(channel: string, listener: InvokeListener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
}

function mainFrame(url: string): SenderFrame {
  return { url, parent: null };
}

function setup(options: { devUrl?: string; dispatch?: Dispatch } = {}) {
  const ipcMain = fakeIpcMain();
  const logger = recordingLogger();
  const dispatch = vi.fn<Dispatch>(
    options.dispatch ??
      ((method, args) => Promise.resolve<Result<unknown>>({ ok: true, value: { method, args } })),
  );
  const dispose = registerContract({
    ipcMain,
    dispatch,
    isTrustedSender: trustedSenderCheck(createAppOrigin(options.devUrl, RENDERER_DIR)),
    logger,
    actor: 'alice',
  });
  const call = (method: string, event: InvokeEventLike, args?: unknown) => {
    const handler = ipcMain.handlers.get(rpcChannel(method));
    if (!handler) throw new Error(`no handler for ${method}`);
    return handler(event, args);
  };
  return { ipcMain, logger, dispatch, dispose, call };
}

describe('registerContract', () => {
  it('registers a handler for every RPC method and nothing else', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(RPC_METHODS.map((m) => rpcChannel(m)).sort());
  });

  it('hands a trusted main-frame call to dispatch with its args and a ui context', async () => {
    const { call, dispatch } = setup();
    const args = { limit: 10, severity: ['critical'] };
    const result = await call('incidents.list', { senderFrame: mainFrame(APP_URL) }, args);
    expect(result).toEqual({ ok: true, value: { method: 'incidents.list', args } });
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(dispatch).toHaveBeenCalledWith('incidents.list', args, { actor: 'alice', via: 'ui' });
  });

  it('trusts the dev server origin in development, and not file pages then', async () => {
    const { call, dispatch } = setup({ devUrl: 'http://localhost:5173/' });
    expect(
      (await call('system.status', { senderFrame: mainFrame('http://localhost:5173/#/incidents') }, {})).ok,
    ).toBe(true);
    const refused = await call('system.status', { senderFrame: mainFrame(APP_URL) }, {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(dispatch).toHaveBeenCalledTimes(1);
  });

  const untrusted: [string, InvokeEventLike][] = [
    ['a subframe of our page', { senderFrame: { url: APP_URL, parent: mainFrame(APP_URL) } }],
    ['a foreign origin', { senderFrame: mainFrame('https://evil.example/') }],
    ['a file outside out/renderer', { senderFrame: mainFrame('file:///etc/passwd') }],
    ['a path that climbs out of out/renderer', { senderFrame: mainFrame(`${APP_URL}/../../secrets.html`) }],
    ['a missing senderFrame', {}],
    ['a null senderFrame (navigated away)', { senderFrame: null }],
  ];
  it.each(untrusted)('refuses %s with forbidden and never dispatches', async (_name, event) => {
    const { call, dispatch, logger } = setup();
    const result = await call('incidents.setStatus', event, { id: 'x', status: 'closed' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(
      logger.lines.some((line) => line.level === 'warn' && line.fields?.method === 'incidents.setStatus'),
    ).toBe(true);
  });

  it('treats a disposed frame (throwing getters) as untrusted', async () => {
    const { call, dispatch } = setup();
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed');
      },
      parent: null,
    };
    const result = await call('system.status', { senderFrame: disposed }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('answers internal (without the exception text) when dispatch throws', async () => {
    const { call, logger } = setup({
      dispatch: () => Promise.reject(new Error('SQLITE_CORRUPT at /home/x')),
    });
    const result = await call('system.status', { senderFrame: mainFrame(APP_URL) }, {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'internal error' } });
    expect(logger.lines.some((line) => line.level === 'error')).toBe(true);
  });

  it('dispose removes every handler, once', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(() => dispose()).not.toThrow();
  });
});

describe('handleInvoke', () => {
  it('refuses a method that is not in the contract before looking at the sender', async () => {
    const dispatch = vi.fn<Dispatch>();
    const logger = recordingLogger();
    const result = await handleInvoke(
      'admin.dropTables',
      {},
      {},
      { dispatch, isTrustedSender: () => true, logger },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(logger.lines[0]?.level).toBe('warn');
  });

  it('refuses args nested deeper than 64 levels before dispatch, from a trusted frame too', async () => {
    const dispatch = vi.fn<Dispatch>(() => Promise.resolve({ ok: true, value: null }));
    const options = { dispatch, isTrustedSender: () => true, logger: recordingLogger() };
    const event = { senderFrame: mainFrame(APP_URL) };
    let deep: unknown = 'leaf';
    for (let i = 0; i < 64; i++) deep = { a: deep };
    expect(await handleInvoke('settings.update', event, deep, options)).toMatchObject({ ok: true });
    const result = await handleInvoke('settings.update', event, { patch: deep }, options);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(options.logger.lines.at(-1)?.level).toBe('warn');
    expect(options.logger.lines.at(-1)?.message).toMatch(/deep/);
  });

  it('defaults the actor to "desktop user"', async () => {
    const dispatch = vi.fn<Dispatch>(() => Promise.resolve({ ok: true, value: null }));
    await handleInvoke(
      'setup.get',
      { senderFrame: mainFrame(APP_URL) },
      {},
      {
        dispatch,
        isTrustedSender: () => true,
        logger: recordingLogger(),
      },
    );
    expect(dispatch).toHaveBeenCalledWith('setup.get', {}, { actor: 'desktop user', via: 'ui' });
  });
});

describe('forwardEvents', () => {
  function fakeWebContents() {
    return {
      sent: [] as [string, unknown][],
      destroyed: false,
      isDestroyed() {
        return this.destroyed;
      },
      send(channel: string, payload: unknown) {
        this.sent.push([channel, payload]);
      },
    };
  }

  it('sends each core event to the live window on event:<name>', () => {
    let emit: (name: EventName, payload: unknown) => void = () => undefined;
    const unsubscribe = vi.fn();
    const contents = fakeWebContents();
    let current: ReturnType<typeof fakeWebContents> | null = null;
    const stop = forwardEvents(
      (listener) => {
        emit = listener;
        return unsubscribe;
      },
      () => current,
    );
    emit('system.counts', { total: 1 });
    expect(contents.sent).toEqual([]);
    current = contents;
    emit('system.counts', { total: 2 });
    emit('ui.focusIncident', { id: 'inc-1' });
    expect(contents.sent).toEqual([
      [eventChannel('system.counts'), { total: 2 }],
      [eventChannel('ui.focusIncident'), { id: 'inc-1' }],
    ]);
    contents.destroyed = true;
    emit('system.counts', { total: 3 });
    expect(contents.sent).toHaveLength(2);
    stop();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });

  it('does not send events outside the contract, and survives a failing send', () => {
    const contents = fakeWebContents();
    expect(sendEvent(contents, 'debug.dump', {})).toBe(false);
    const broken = {
      isDestroyed: () => false,
      send: () => {
        throw new Error('could not clone');
      },
    };
    const logger = recordingLogger();
    expect(sendEvent(broken, 'system.counts', {}, logger)).toBe(false);
    expect(logger.lines[0]?.level).toBe('warn');
  });
});
