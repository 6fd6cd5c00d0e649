import { randomBytes } from 'node:crypto';

import type { Clock } from './clock';

/**
 * Time-ordered ids (a 12-hex-digit millisecond prefix and random suffix), so
 * ordering by id follows arrival and ids stay unique across restarts.
 */
export type IdGenerator = (prefix: string) => string;

export function createIdGenerator(clock: Clock): IdGenerator {
  let lastMs = 0;
  let seq = 0;
  // Random bytes drawn a block at a time: a randomBytes call per id was ~4% of webhook ingest CPU.
  let pool = Buffer.alloc(0);
  let offset = 0;
  return (prefix) => {
    const ms = clock.now();
    seq = ms === lastMs ? seq + 1 : 0;
    lastMs = ms;
    const time = ms.toString(16).padStart(12, '0');
    const counter = seq.toString(16).padStart(4, '0');
    if (offset + 4 > pool.length) {
      pool = randomBytes(4096);
      offset = 0;
    }
    offset += 4;
    return `${prefix}_${time}${counter}${pool.toString('hex', offset - 4, offset)}`;
  };
}
