/**
 * The newest lines of a log file for the Logs view. Files are read backwards
 * from their end in fixed chunks, so a call costs the lines it shows, not the
 * size of the file; when the live file holds too few matches the rotated
 * predecessors (`all.log.1`, `.2`, ...) are read on, within one byte budget
 * per call. Lines are JSON records the sink already redacted; a line that is
 * not one (a partial write, a hand edit) is skipped, never an error.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

import type { LogRecordView } from '../../shared/ipc/contract';
import { logRecordSchema } from '../../shared/ipc/contract';
import type { LogLevel } from './logger';

export type LogFile = 'all' | 'error' | 'success';

export interface TailQuery {
  file: LogFile;
  /** Empty or absent: every level. */
  levels?: readonly LogLevel[];
  /** Case-insensitive substring of the message, the scope or the fields' JSON. */
  q?: string;
  limit: number;
}

export interface TailResult {
  /** Oldest first, newest last. */
  records: LogRecordView[];
  /**
   * True when more lines matched than `limit`, or when the byte budget ran
   * out before the oldest file was read to its start (older matches may exist).
   */
  truncated: boolean;
}

export interface TailOptions {
  /** Bytes read per call at most, over all files (default 4 MiB). */
  budgetBytes?: number;
  /** Bytes per read (default 64 KiB). */
  chunkBytes?: number;
  /** Rotated predecessors to read on into (the sink keeps 5). */
  rotated?: number;
}

const DEFAULT_BUDGET = 4 * 1024 * 1024;
const DEFAULT_CHUNK = 64 * 1024;
const DEFAULT_ROTATED = 5;
/** A longer line is not a record the sink wrote whole; it is skipped rather than buffered without end. */
const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/** Reads the newest records of `<dir>/<file>.log` (and its predecessors) that match `query`. */
export async function tailLog(dir: string, query: TailQuery, options: TailOptions = {}): Promise<TailResult> {
  const budget = { left: options.budgetBytes ?? DEFAULT_BUDGET };
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const rotated = options.rotated ?? DEFAULT_ROTATED;
  const matches = matcher(query);
  // Newest first while reading; reversed once at the end.
  const found: LogRecordView[] = [];
  const want = query.limit + 1;

  const names = [`${query.file}.log`];
  for (let i = 1; i <= rotated; i++) names.push(`${query.file}.log.${String(i)}`);

  let exhausted = true;
  for (const name of names) {
    if (found.length >= want) break;
    if (budget.left <= 0) {
      exhausted = false;
      break;
    }
    const complete = await readBackwards(join(dir, name), chunkBytes, budget, (line) => {
      const record = parseLine(line);
      if (record && matches(record)) found.push(record);
      return found.length < want;
    });
    if (found.length < want && !complete) exhausted = false;
  }

  const truncated = found.length > query.limit || !exhausted;
  return { records: found.slice(0, query.limit).reverse(), truncated };
}

function matcher(query: TailQuery): (record: LogRecordView) => boolean {
  const levels = query.levels && query.levels.length > 0 ? new Set(query.levels) : null;
  const needle = query.q?.toLowerCase() ?? null;
  return (record) => {
    if (levels && !levels.has(record.level)) return false;
    if (!needle) return true;
    if (record.message.toLowerCase().includes(needle)) return true;
    if (record.scope.toLowerCase().includes(needle)) return true;
    return record.fields !== undefined && JSON.stringify(record.fields).toLowerCase().includes(needle);
  };
}

function parseLine(line: string): LogRecordView | null {
  if (line.length === 0 || line.charCodeAt(0) !== 0x7b /* { */) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  // The contract's own schema: a record that passes here cannot fail the response check.
  const parsed = logRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Calls `onLine` for each complete line of the file, last line first, until it
 * returns false or the budget is spent. Resolves true when the file was read
 * to its start (or does not exist), false when it stopped early.
 */
async function readBackwards(
  path: string,
  chunkBytes: number,
  budget: { left: number },
  onLine: (line: string) => boolean,
): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  try {
    // The size at open: lines the sink appends while this runs belong to the next call.
    let position = (await handle.stat()).size;
    let carry: Buffer = Buffer.alloc(0);
    while (position > 0) {
      if (budget.left <= 0) return false;
      const size = Math.min(chunkBytes, position, budget.left);
      position -= size;
      budget.left -= size;
      const chunk = Buffer.alloc(size);
      const { bytesRead } = await handle.read(chunk, 0, size, position);
      const read = chunk.subarray(0, bytesRead);
      const data = carry.length > 0 ? Buffer.concat([read, carry]) : read;
      // Everything after the first newline is whole lines; the part before it continues in the previous chunk.
      let end = data.length;
      let at = data.lastIndexOf(NEWLINE, end - 1);
      while (at >= 0) {
        if (at + 1 < end && !onLine(data.toString('utf8', at + 1, end).trimEnd())) return false;
        end = at;
        // lastIndexOf counts a negative offset from the end: stop before asking for one.
        if (end === 0) break;
        at = data.lastIndexOf(NEWLINE, end - 1);
      }
      // A copy, so the carry does not pin the whole chunk; a runaway line is dropped (it cannot parse anyway).
      carry = end > MAX_LINE_BYTES ? Buffer.alloc(0) : Buffer.from(data.subarray(0, end));
    }
    if (carry.length > 0 && !onLine(carry.toString('utf8').trimEnd())) return false;
    return true;
  } finally {
    await handle.close();
  }
}
