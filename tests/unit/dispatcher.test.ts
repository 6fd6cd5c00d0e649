import { describe, expect, it } from 'vitest';

import { createDispatcher } from '../../electron/core/rpc/dispatcher';
import type { Handlers } from '../../electron/core/rpc/dispatcher';
import { silentLogger } from '../../electron/core/logger';
import { ConfigError } from '../../shared/config';
import { ERROR_CODES, ContractError } from '../../shared/ipc/result';
import { METHOD_NAMES, methods } from '../../shared/ipc/contract';

const ctx = { actor: 'tester', via: 'ui' as const };

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unreachable = () => {
    throw new Error('not under test');
  };
  const all = Object.fromEntries(METHOD_NAMES.map((m) => [m, unreachable])) as unknown as Handlers;
  return { ...all, ...overrides };
}

describe('contract dispatcher', () => {
  it('refuses a method that is not in the contract, including prototype keys', async () => {
    const dispatch = createDispatcher(handlers(), silentLogger);
    for (const method of ['nope.nothing', '__proto__', 'constructor', 'toString', '']) {
      const result = await dispatch(method, {}, ctx);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
  });

  it('refuses bad arguments with bad_request naming the key, before the handler runs', async () => {
    let called = false;
    const dispatch = createDispatcher(
      handlers({
        'incidents.setStatus': () => {
          called = true;
          throw new Error('should not run');
        },
      }),
      silentLogger,
    );
    const cases: [unknown, RegExp][] = [
      [{ id: 'x', status: 'bogus' }, /^status:/],
      [{ status: 'new' }, /^id:/],
      [{ id: 'x', status: 'new', extra: 1 }, /extra/],
      ['not an object', /^\(root\): must be an object$/],
      [{ id: 'x', status: 'new', __proto__: { polluted: true } }, /./],
    ];
    for (const [args, message] of cases) {
      const result = await dispatch('incidents.setStatus', args, ctx);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('bad_request');
        expect(result.error.message).toMatch(message);
      }
    }
    expect(called).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('applies request defaults and shapes the answer by the response schema', async () => {
    let seenLimit = 0;
    const dispatch = createDispatcher(
      handlers({
        'incidents.list': (args) => {
          seenLimit = args.limit;
          // An undeclared field must not leave the core.
          return { items: [], total: 0, totalCapped: false, nextCursor: null, secret: 'hunter2' } as never;
        },
      }),
      silentLogger,
    );
    const result = await dispatch('incidents.list', undefined, ctx);
    expect(seenLimit).toBe(100);
    expect(result).toEqual({
      ok: true,
      value: { items: [], total: 0, totalCapped: false, nextCursor: null },
    });
  });

  it('maps handler errors to codes: ContractError keeps its code, ConfigError is bad_request, others internal', async () => {
    const dispatch = createDispatcher(
      handlers({
        'incidents.get': () => {
          throw new ContractError('not_found', 'no incident x');
        },
        'setup.finish': () => {
          throw new ConfigError('ui.pin: too short');
        },
        'setup.get': () => {
          throw new Error('disk on fire');
        },
        'system.status': () => ({ wrong: true }) as never,
      }),
      silentLogger,
    );
    expect(await dispatch('incidents.get', { id: 'x' }, ctx)).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'no incident x' },
    });
    expect(await dispatch('setup.finish', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await dispatch('setup.get', {}, ctx)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(await dispatch('system.status', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('has request and response schemas for every method and a closed error code set', () => {
    for (const name of METHOD_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(methods[name].request).toBeDefined();
      expect(methods[name].response).toBeDefined();
    }
    expect(ERROR_CODES).toContain('unknown_method');
  });
});
