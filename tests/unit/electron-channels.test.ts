import { describe, expect, it } from 'vitest';

import {
  EVENT_PREFIX,
  PUSH_EVENTS,
  RPC_METHODS,
  RPC_PREFIX,
  eventChannel,
  rpcChannel,
} from '../../shared/ipc/channels';
import { events, methods } from '../../shared/ipc/contract';

describe('shared/ipc/channels', () => {
  it('lists exactly the contract methods', () => {
    expect([...RPC_METHODS].sort()).toEqual(Object.keys(methods).sort());
    expect(new Set(RPC_METHODS).size).toBe(RPC_METHODS.length);
  });

  it('lists exactly the contract events', () => {
    expect([...PUSH_EVENTS].sort()).toEqual(Object.keys(events).sort());
    expect(new Set(PUSH_EVENTS).size).toBe(PUSH_EVENTS.length);
  });

  it('keeps RPC and event channels apart', () => {
    expect(rpcChannel('incidents.list')).toBe(`${RPC_PREFIX}incidents.list`);
    expect(eventChannel('system.counts')).toBe(`${EVENT_PREFIX}system.counts`);
    const rpc = new Set(RPC_METHODS.map((m) => rpcChannel(m)));
    expect(PUSH_EVENTS.some((e) => rpc.has(eventChannel(e)))).toBe(false);
  });
});
