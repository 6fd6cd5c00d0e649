/**
 * The pure guards both HTTP listeners and the IPC registry share: the nesting
 * cap for parsed bodies, and which bound addresses other machines can reach
 * (what the headless shell warns about at start and the UI shows).
 */
import { describe, expect, it } from 'vitest';

import {
  MAX_JSON_DEPTH,
  exposedListeners,
  exposureWarnings,
  isLoopbackHost,
  nestedDeeperThan,
} from '../../electron/core/http';

function nest(levels: number, kind: 'object' | 'array' | 'mixed'): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) {
    const array = kind === 'array' || (kind === 'mixed' && i % 2 === 1);
    value = array ? [value] : { a: value };
  }
  return value;
}

describe('nestedDeeperThan', () => {
  it('allows exactly the limit and refuses one level more, for objects, arrays and both', () => {
    for (const kind of ['object', 'array', 'mixed'] as const) {
      expect(nestedDeeperThan(nest(MAX_JSON_DEPTH, kind), MAX_JSON_DEPTH), kind).toBe(false);
      expect(nestedDeeperThan(nest(MAX_JSON_DEPTH + 1, kind), MAX_JSON_DEPTH), kind).toBe(true);
    }
  });

  it('treats scalars as no depth and finds a deep branch beside shallow ones', () => {
    for (const value of [null, undefined, 0, 'x', true]) expect(nestedDeeperThan(value, 1)).toBe(false);
    expect(nestedDeeperThan({}, 1)).toBe(false);
    expect(nestedDeeperThan({ a: {} }, 1)).toBe(true);
    const wide = { a: 1, b: [1, 2, 3], c: { d: 'x' }, deep: nest(10, 'mixed') };
    expect(nestedDeeperThan(wide, 10)).toBe(true);
    expect(nestedDeeperThan(wide, 11)).toBe(false);
  });

  it('walks a 100,000-deep value without overflowing the stack', () => {
    expect(nestedDeeperThan(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 64)).toBe(true);
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback in every spelling', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      'localhost',
      'LOCALHOST',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('treats wildcard and real addresses as reachable from other machines', () => {
    for (const host of [
      '0.0.0.0',
      '::',
      '[::]',
      '10.0.0.5',
      '192.168.1.10',
      'fe80::1',
      '::ffff:10.0.0.1',
      'vigil.example',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('exposedListeners / exposureWarnings', () => {
  it('lists only the listeners bound beyond loopback', () => {
    expect(exposedListeners({ ui: 'http://127.0.0.1:8787', webhook: 'http://[::1]:8788' })).toEqual([]);
    expect(exposedListeners({ ui: null, webhook: undefined })).toEqual([]);
    expect(exposedListeners({ ui: 'http://0.0.0.0:8787', webhook: 'http://[::]:8788' })).toEqual([
      { listener: 'ui', address: '0.0.0.0:8787' },
      { listener: 'webhook', address: '[::]:8788' },
    ]);
  });

  it('warns once per exposed listener, naming its address', () => {
    const lines = exposureWarnings([
      { listener: 'ui', address: '0.0.0.0:8787' },
      { listener: 'webhook', address: '10.0.0.5:8788' },
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^WARNING: the web UI and API listen on 0\.0\.0\.0:8787, reachable from other machines/,
    );
    expect(lines[1]).toMatch(
      /^WARNING: the webhook listens on 10\.0\.0\.5:8788, reachable from other machines/,
    );
    expect(exposureWarnings([])).toEqual([]);
  });
});
