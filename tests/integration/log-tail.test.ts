/**
 * `logs.tail` on real log files: the core's own LogSink writes into a temp
 * log dir, and the tail reads it backwards in chunks: newest last, level and
 * text filters, limit and `truncated`, bad lines skipped, rotated files read
 * on, a bounded read on a big file, UTF-8 split across chunk edges; then the
 * method over the headless shell's HTTP contract.
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { LogRecordView, MethodResponse } from '../../shared/ipc/contract';
import { tailLog } from '../../electron/core/log-tail';
import { LogSink, createLogger } from '../../electron/core/logger';
import type { HandlerDeps } from '../../electron/core/rpc/handlers';
import { createDetailHandlers } from '../../electron/core/rpc/detail-handlers';
import { startHeadless } from '../helpers/headless';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function logDir(): string {
  const dir = tempDir('vigil-logs-');
  cleanups.push(dir.remove);
  return dir.path;
}

/** A sink at debug level whose clock advances a second per record, so times tell the order. */
function sinkIn(dir: string) {
  const sink = new LogSink({ dir, level: 'debug' });
  let tick = Date.parse('2026-03-01T10:00:00.000Z');
  return { sink, logger: (scope: string) => createLogger(sink, scope, () => (tick += 1000)) };
}

const messages = (records: LogRecordView[]) => records.map((r) => r.message);

describe('tailLog', () => {
  it('returns the newest lines newest last, filtered by level and text, with limit and truncated', async () => {
    const dir = logDir();
    const { logger } = sinkIn(dir);
    const poller = logger('Poller').child('s1');
    const notify = logger('Notify');
    poller.info('polled', { events: 3 });
    notify.warn('telegram slow', { channel: 'ops-chat', latencyMs: 4100 });
    poller.error('poll failed', { error: 'HTTP 401: Authentication Failed' });
    notify.success('delivered', { channel: 'ops-chat', incident: 'inc_42' });
    poller.debug('cursor saved');
    notify.info('Quiet hours began');

    const all = await tailLog(dir, { file: 'all', limit: 100 });
    expect(messages(all.records)).toEqual([
      'polled',
      'telegram slow',
      'poll failed',
      'delivered',
      'cursor saved',
      'Quiet hours began',
    ]);
    expect(all.truncated).toBe(false);
    expect(all.records[0]).toEqual({
      time: '2026-03-01T10:00:01.000Z',
      level: 'info',
      scope: 'Poller.s1',
      message: 'polled',
      fields: { events: 3 },
    });
    expect(all.records[3]).toMatchObject({ success: true, level: 'info' });

    const last2 = await tailLog(dir, { file: 'all', limit: 2 });
    expect(messages(last2.records)).toEqual(['cursor saved', 'Quiet hours began']);
    expect(last2.truncated).toBe(true);

    const problems = await tailLog(dir, { file: 'all', levels: ['warn', 'error'], limit: 100 });
    expect(messages(problems.records)).toEqual(['telegram slow', 'poll failed']);

    // q: case-insensitive, over message, scope and the fields' JSON.
    expect(messages((await tailLog(dir, { file: 'all', q: 'QUIET', limit: 100 })).records)).toEqual([
      'Quiet hours began',
    ]);
    expect(messages((await tailLog(dir, { file: 'all', q: 'poller.s1', limit: 100 })).records)).toEqual([
      'polled',
      'poll failed',
      'cursor saved',
    ]);
    expect(messages((await tailLog(dir, { file: 'all', q: 'ops-chat', limit: 100 })).records)).toEqual([
      'telegram slow',
      'delivered',
    ]);
    expect(
      messages((await tailLog(dir, { file: 'all', q: 'ops-chat', levels: ['info'], limit: 100 })).records),
    ).toEqual(['delivered']);
    expect((await tailLog(dir, { file: 'all', q: 'nothing like this', limit: 100 })).records).toEqual([]);

    // The sink's other two files.
    expect(messages((await tailLog(dir, { file: 'error', limit: 100 })).records)).toEqual([
      'telegram slow',
      'poll failed',
    ]);
    expect(messages((await tailLog(dir, { file: 'success', limit: 100 })).records)).toEqual(['delivered']);
  });

  it('answers an empty tail for a file not written yet', async () => {
    const dir = logDir();
    expect(await tailLog(dir, { file: 'success', limit: 10 })).toEqual({ records: [], truncated: false });
  });

  it('skips lines that are not records the sink writes', async () => {
    const dir = logDir();
    const { logger } = sinkIn(dir);
    const log = logger('core');
    log.info('first');
    const path = join(dir, 'all.log');
    appendFileSync(
      path,
      [
        'plain text from somewhere',
        '{"time":"2026-03-01T10:00:05.000Z","level":"info","scope":"x"',
        '{"time":"2026-03-01T10:00:05.000Z","level":"fatal","scope":"x","message":"bad level"}',
        '{"time":"2026-03-01T10:00:05.000Z","level":"info","scope":"x","message":"m","fields":[1,2]}',
        '[1,2,3]',
        '',
        '   ',
      ].join('\n') + '\n',
    );
    log.warn('second');
    appendFileSync(path, '{"time":"2026-03-01T10:00:09.000Z","level":"info","scope":"x","mess'); // a write cut short

    const tail = await tailLog(dir, { file: 'all', limit: 100 });
    expect(messages(tail.records)).toEqual(['first', 'second']);
    expect(tail.truncated).toBe(false);
  });

  it('reads on into the rotated file when the live one holds too few matches', async () => {
    const dir = logDir();
    const { logger } = sinkIn(dir);
    const log = logger('core');
    for (let i = 1; i <= 5; i++) log.info(`old ${String(i)}`);
    renameSync(join(dir, 'all.log'), join(dir, 'all.log.1'));
    for (let i = 1; i <= 3; i++) log.info(`new ${String(i)}`);

    expect(messages((await tailLog(dir, { file: 'all', limit: 5 })).records)).toEqual([
      'old 4',
      'old 5',
      'new 1',
      'new 2',
      'new 3',
    ]);
    const everything = await tailLog(dir, { file: 'all', limit: 100 });
    expect(everything.records).toHaveLength(8);
    expect(everything.truncated).toBe(false);
    // Enough in the live file: the rotated one is not needed.
    expect(messages((await tailLog(dir, { file: 'all', q: 'new', limit: 2 })).records)).toEqual([
      'new 2',
      'new 3',
    ]);
  });

  it('splits lines correctly at any chunk edge, multi-byte characters included', async () => {
    const dir = logDir();
    const { logger } = sinkIn(dir);
    const log = logger('Уведомления');
    const texts = ['Привет, мир', 'доставлено ✓', '日本語のメッセージ', 'emoji 🚨 alert', 'ascii'];
    for (const text of texts) log.info(text, { note: `${text} — поле` });
    const expected = readFileSync(join(dir, 'all.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogRecordView);

    for (const chunkBytes of [1, 2, 3, 7, 13, 64, 4096]) {
      const tail = await tailLog(dir, { file: 'all', limit: 100 }, { chunkBytes });
      expect(tail.records, `chunk ${String(chunkBytes)}`).toEqual(expected);
    }
    expect(
      messages((await tailLog(dir, { file: 'all', q: 'ПОЛЕ', limit: 1 }, { chunkBytes: 5 })).records),
    ).toEqual(['ascii']);
  });

  it('reads a bounded amount of a big file and says older lines were not searched', async () => {
    const dir = logDir();
    // 12 MB of records, the first of them the only one that says "needle".
    const line = (i: number, message: string) =>
      JSON.stringify({
        time: `2026-03-01T10:00:00.000Z`,
        level: 'info',
        scope: 'bulk',
        message,
        fields: { i },
      }) + '\n';
    const filler = line(0, 'x'.repeat(200));
    const count = Math.ceil((12 * 1024 * 1024) / filler.length);
    writeFileSync(join(dir, 'all.log'), line(-1, 'needle') + filler.repeat(count));

    const newest = await tailLog(dir, { file: 'all', limit: 3 });
    expect(newest.records).toHaveLength(3);
    expect(newest.truncated).toBe(true);

    // The match lies past the default budget: not found, and truncated says the search stopped early.
    const far = await tailLog(dir, { file: 'all', q: 'needle', limit: 10 });
    expect(far).toEqual({ records: [], truncated: true });
    // With a budget that covers the file, it is found.
    const found = await tailLog(
      dir,
      { file: 'all', q: 'needle', limit: 10 },
      { budgetBytes: 16 * 1024 * 1024 },
    );
    expect(messages(found.records)).toEqual(['needle']);
    expect(found.truncated).toBe(false);
  });
});

describe('logs.tail', () => {
  it('serves the core’s own log over the contract, and refuses bad arguments', async () => {
    const app = await startHeadless();
    cleanups.push(() => app.stop());
    app.core.logger.child('e2e').warn('a line to find', { marker: 'tail-marker-7' });

    const res = await app.rpc('logs.tail', { q: 'tail-marker-7' });
    expect(res.status).toBe(200);
    const value = (res.body as { value: MethodResponse<'logs.tail'> }).value;
    expect(value.records).toEqual([
      expect.objectContaining({ level: 'warn', scope: 'core.e2e', message: 'a line to find' }),
    ]);
    const errors = (await app.rpc('logs.tail', { file: 'error', levels: ['warn'], q: 'TAIL-MARKER' }))
      .body as {
      value: MethodResponse<'logs.tail'>;
    };
    expect(errors.value.records).toHaveLength(1);

    expect((await app.rpc('logs.tail', { file: '../secrets' })).body).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect((await app.rpc('logs.tail', { limit: 0 })).body).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringContaining('limit') as unknown },
    });
  });

  it('says logging to files is off when there is no log directory', async () => {
    const handlers = createDetailHandlers({ logDir: null } as HandlerDeps);
    await expect(
      Promise.resolve(handlers['logs.tail']({ file: 'all', limit: 10 }, { actor: 'test', via: 'api' })),
    ).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('logging to files is off') as unknown,
    });
  });
});
