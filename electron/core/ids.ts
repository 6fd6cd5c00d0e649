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
  return (prefix) => {
    const ms = clock.now();
    seq = ms === lastMs ? seq + 1 : 0;
    lastMs = ms;
    const time = ms.toString(16).padStart(12, '0');
    const counter = seq.toString(16).padStart(4, '0');
    return `${prefix}_${time}${counter}${randomBytes(4).toString('hex')}`;
  };
}
