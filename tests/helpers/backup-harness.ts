/**
 * The backup tests' common setup: a real SQLite file in a temp dir, a
 * ManualClock, a BackupService on the backup folder, and the real Ingestor
 * committing into the database and handing its events to the service.
 */
import { join } from 'node:path';

import type { BackupServiceDeps } from '../../electron/core/backup/backup-service';
import { BackupService } from '../../electron/core/backup/backup-service';
import { ManualClock } from '../../electron/core/clock';
import { openDatabase } from '../../electron/core/db/database';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createRawEventsRepo } from '../../electron/core/db/repos/raw-events-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { EventBus } from '../../electron/core/event-bus';
import { createIdGenerator } from '../../electron/core/ids';
import { Ingestor } from '../../electron/core/ingest/ingestor';
import type { Logger } from '../../electron/core/logger';
import type { Config } from '../../shared/config';
import { tempDir } from './temp-dir';

export function backupHarness(options: {
  /** Prefix of the temp data dir. */
  prefix: string;
  /** The clock's start, an ISO time. */
  start: string;
  config: Config;
  /** Cleanups run by the test file's afterEach, in reverse. */
  cleanups: (() => Promise<void> | void)[];
  logger: (context: { dir: string; clock: ManualClock }) => Logger;
  /** Further BackupService deps (openDatabase, migrations, catchUpDelayMs). */
  service: Pick<BackupServiceDeps, 'openDatabase'> & Partial<BackupServiceDeps>;
}) {
  const dir = tempDir(options.prefix);
  options.cleanups.push(dir.remove);
  const clock = new ManualClock(Date.parse(options.start));
  const db = openDatabase(join(dir.path, 'vigil.db'));
  options.cleanups.push(() => {
    db.close();
  });
  const bus = new EventBus();
  const incidents = createIncidentsRepo(db);
  const timeline = createTimelineRepo(db);
  const backup = new BackupService({
    db,
    bus,
    config: { get: () => options.config, onChange: () => () => undefined },
    clock,
    logger: options.logger({ dir: dir.path, clock }),
    dir: join(dir.path, 'backup'),
    counts: () => incidents.counts(),
    ...options.service,
  });
  options.cleanups.push(() => backup.stop());
  const ingestor = new Ingestor({
    db,
    incidents,
    rawEvents: createRawEventsRepo(db),
    timeline,
    ids: createIdGenerator(clock),
    clock,
    bus,
    dedupWindowSec: () => 3600,
    onCountsChanged: () => undefined,
    onCommitted: (events) => backup.recordEvents(events),
  });
  return { dir: dir.path, clock, db, bus, incidents, timeline, backup, ingestor };
}
