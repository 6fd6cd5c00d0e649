import type { Clock } from '../../clock';
import type { ConfigStore } from '../../config/config-store';
import type { Ingestor } from '../../ingest/ingestor';
import type { Logger } from '../../logger';
import type { SourceManager } from '../../sources/source-manager';

/** What a webhook route may use. Routes are plain factories over these. */
export interface RouteDeps {
  ingestor: Ingestor;
  config: ConfigStore;
  sources: SourceManager;
  clock: Clock;
  logger: Logger;
}
