/**
 * The one ordered list of migrations. Append only: a shipped migration is
 * never edited, a change is a new file with the next version.
 */
import type { Migration } from '../migrations';
import { m0001Initial } from './0001-initial';

export const migrations: readonly Migration[] = [m0001Initial];
