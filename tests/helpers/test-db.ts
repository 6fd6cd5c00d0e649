import Database from 'better-sqlite3';

import type { Db } from '../../electron/core/db/database';
import { runMigrations } from '../../electron/core/db/migrations';
import { migrations } from '../../electron/core/db/migrations/index';
import type { ManualClock } from '../../electron/core/clock';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createRawEventsRepo } from '../../electron/core/db/repos/raw-events-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { EventBus } from '../../electron/core/event-bus';
import { createIdGenerator } from '../../electron/core/ids';
import { Ingestor } from '../../electron/core/ingest/ingestor';
import type { EventName } from '../../shared/ipc/contract';

/** A real :memory: SQLite with every migration applied. */
export function memoryDb(): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  runMigrations(db, migrations);
  return db;
}

/**
 * The real Ingestor on a fresh memoryDb: its repos, and every bus event it
 * pushes recorded in `pushed`, in order.
 */
export function memoryIngestor(options: {
  clock: ManualClock;
  dedupWindowSec: number;
  onCountsChanged?: () => void;
}) {
  const db = memoryDb();
  const bus = new EventBus();
  const pushed: { name: EventName; payload: unknown }[] = [];
  bus.on((name, payload) => pushed.push({ name, payload }));
  const repos = {
    incidents: createIncidentsRepo(db),
    rawEvents: createRawEventsRepo(db),
    timeline: createTimelineRepo(db),
  };
  const ingestor = new Ingestor({
    db,
    ...repos,
    ids: createIdGenerator(options.clock),
    clock: options.clock,
    bus,
    dedupWindowSec: () => options.dedupWindowSec,
    onCountsChanged: options.onCountsChanged ?? (() => undefined),
  });
  return { db, bus, pushed, repos, ingestor };
}
