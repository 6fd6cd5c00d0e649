/**
 * Test-only seeding of many incidents: straight into a data dir's database
 * through the incidents repository (the ingestor would take minutes for
 * 100k), before the shell opens it. The migrations' triggers index every row
 * for search exactly as in the product. Deterministic: row i is always the
 * same incident, so a test can name the rows it expects.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import type { Severity, Status } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { openDatabase } from '../../electron/core/db/database';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { dataPaths } from '../../electron/core/paths';
import { incidentFixture } from './incidents';
import { Rng } from './prng';

const SEVERITIES: [Severity, number][] = [
  ['info', 0.1],
  ['low', 0.35],
  ['medium', 0.7],
  ['high', 0.9],
  ['critical', 1],
];
const STATUSES: [Status, number][] = [
  ['new', 0.55],
  ['acknowledged', 0.7],
  ['in_progress', 0.78],
  ['resolved', 0.9],
  ['closed', 0.97],
  ['false_positive', 1],
];
const SOURCES = [
  { kind: 'sentinelone', id: 's1', name: 'SentinelOne' },
  { kind: 'maxpatrol', id: 'mp', name: 'MaxPatrol SIEM' },
  { kind: 'deepinstinct', id: 'di', name: 'Deep Instinct' },
  { kind: 'webhook', id: 'api-alert', name: 'Webhook /api/alert' },
] as const;
const TITLES = [
  'Credential dumping: Mimikatz executed',
  'Encoded PowerShell downloading a payload',
  'Multiple failed logons followed by success',
  'Outbound connection to known C2',
  'Unsigned binary launched from a temp folder',
  'Lateral movement over SMB admin share',
];
/** Distinct hosts: row i is on host i mod HOSTS. */
export const SEED_HOSTS = 5000;
/** Seconds between one row's lastSeen and the next older one. */
const STEP_SEC = 30;

/** Host of seeded row i (each host carries count / SEED_HOSTS rows). */
export function seedHost(i: number): string {
  return `ws-${String(i % SEED_HOSTS).padStart(4, '0')}.corp.example.com`;
}

/** Id of seeded row i; row 0 is the most recently seen. */
export function seedId(i: number): string {
  return `inc_seed_${String(i).padStart(6, '0')}`;
}

function weighted<T>(rng: Rng, table: [T, number][]): T {
  const roll = rng.float();
  return (table.find(([, w]) => roll < w) ?? table[table.length - 1]!)[0];
}

/**
 * Writes `count` incidents into the database at `dbFile` (created and
 * migrated if missing): row i last seen i × 30 s before `now`, newest first.
 */
export function seedIncidents(dbFile: string, count: number, now: number): void {
  mkdirSync(dirname(dbFile), { recursive: true });
  const db = openDatabase(dbFile);
  try {
    const repo = createIncidentsRepo(db);
    const rng = new Rng(20_260_101);
    const insertAll = db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const last = now - i * STEP_SEC * 1000;
        const first = last - rng.int(3600) * 1000;
        const host = seedHost(i);
        const status = weighted(rng, STATUSES);
        const source = SOURCES[i % SOURCES.length]!;
        const title = TITLES[rng.int(TITLES.length)]!;
        repo.insert(
          incidentFixture({
            id: seedId(i),
            fingerprint: `seed|${String(i)}`,
            source: { ...source },
            title: `${title} on ${host}`,
            description: `${title} reported for ${host}.`,
            severity: weighted(rng, SEVERITIES),
            status,
            entities: {
              ...emptyEntities(),
              hosts: [host],
              ips: [`10.${String(i % 40)}.${String((i >> 8) & 255)}.${String((i & 127) + 1)}`],
              users: [`CORP\\user${String(i % 900)}`],
            },
            firstSeen: new Date(first).toISOString(),
            lastSeen: new Date(last).toISOString(),
            createdAt: new Date(first).toISOString(),
            updatedAt: new Date(last).toISOString(),
            count: 1 + rng.int(4),
            assignee: status === 'new' ? null : `analyst${String(i % 6)}`,
            tags: i % 7 === 0 ? ['phishing'] : [],
          }),
        );
      }
    });
    insertAll();
  } finally {
    db.close();
  }
}

/** Copies a seeded database into a fresh data dir, so each test starts from the same rows. */
export function copySeededDb(fromDbFile: string, toDataDir: string): void {
  const target = dataPaths(toDataDir).db;
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(fromDbFile, target);
}
