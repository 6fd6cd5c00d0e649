import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import type { Service } from '../../electron/core/service-host';
import { ServiceHost } from '../../electron/core/service-host';

function service(
  name: string,
  log: string[],
  behaviour: { failStart?: boolean; hangStop?: boolean } = {},
): Service {
  return {
    name,
    state: 'stopped',
    start() {
      log.push(`start ${name}`);
      return behaviour.failStart ? Promise.reject(new Error(`${name} failed`)) : Promise.resolve();
    },
    stop(reason: string) {
      log.push(`stop ${name} (${reason})`);
      return behaviour.hangStop ? new Promise<void>(() => undefined) : Promise.resolve();
    },
  };
}

describe('service host', () => {
  it('starts in order and stops in reverse, once, however often stop is called', async () => {
    const log: string[] = [];
    const host = new ServiceHost(silentLogger);
    host.add(service('db', log));
    host.add(service('webhook', log));
    await host.start();
    await Promise.all([host.stop('quit'), host.stop('again')]);
    expect(log).toEqual(['start db', 'start webhook', 'stop webhook (quit)', 'stop db (quit)']);
  });

  it('stops what it started when a later service fails to start', async () => {
    const log: string[] = [];
    const host = new ServiceHost(silentLogger);
    host.add(service('a', log));
    host.add(service('b', log, { failStart: true }));
    host.add(service('c', log));
    await expect(host.start()).rejects.toThrow('b failed');
    expect(log).toEqual(['start a', 'start b', 'stop a (start of b failed)']);
  });

  it('does not wait forever for a service that will not stop', async () => {
    const log: string[] = [];
    const host = new ServiceHost(silentLogger, 50);
    host.add(service('a', log));
    host.add(service('stuck', log, { hangStop: true }));
    await host.start();
    await host.stop('quit');
    expect(log.slice(-2)).toEqual(['stop stuck (quit)', 'stop a (quit)']);
  });
});
