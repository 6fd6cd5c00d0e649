import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { LogSink, createLogger } from '../../electron/core/logger';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

describe('logger', () => {
  it('writes all/error/success logs with scope and fields, masking secrets at the sink', () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const sink = new LogSink({ dir: dir.path });
    sink.addSecret('s3cr3t-value');
    const log = createLogger(sink, 'Poller').child('s1');
    log.info('polled', { events: 3, url: 'https://x/?token=s3cr3t-value' });
    log.warn('slow', { apiToken: 'another-secret', password: 'pw-999' });
    log.success('delivered', { channel: 'telegram' });
    log.debug('hidden below info');

    const all = readFileSync(join(dir.path, 'all.log'), 'utf8');
    const lines = all
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.message)).toEqual(['polled', 'slow', 'delivered']);
    expect(lines[0]).toMatchObject({ level: 'info', scope: 'Poller.s1', fields: { events: 3 } });
    expect(all).not.toContain('s3cr3t-value');
    expect(all).not.toContain('another-secret');
    expect(all).not.toContain('pw-999');
    expect(all).toContain('[REDACTED]');
    expect(readFileSync(join(dir.path, 'error.log'), 'utf8')).toContain('"slow"');
    expect(readFileSync(join(dir.path, 'error.log'), 'utf8')).not.toContain('polled');
    expect(readFileSync(join(dir.path, 'success.log'), 'utf8')).toContain('delivered');
    expect(statSync(join(dir.path, 'all.log')).mode & 0o777).toBe(0o600);
  });
});
