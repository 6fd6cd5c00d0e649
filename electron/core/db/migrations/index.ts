/**
 * The one ordered list of migrations. Append only: a shipped migration is
 * never edited, a change is a new file with the next version.
 */
import type { Migration } from '../migrations';
import { m0001Initial } from './0001-initial';
import { m0002Analyses } from './0002-analyses';
import { m0003Outbox } from './0003-outbox';
import { m0004Triage } from './0004-triage';
import { m0005Counts } from './0005-counts';

export const migrations: readonly Migration[] = [
  m0001Initial,
  m0002Analyses,
  m0003Outbox,
  m0004Triage,
  m0005Counts,
];
