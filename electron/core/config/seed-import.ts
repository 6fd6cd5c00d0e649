/** Seed-config import: being written; until then it maps nothing and says so. */
import type { ConfigStore } from './config-store';

export interface SeedImportResult {
  imported: string[];
  unmapped: { key: string; reason: string }[];
}

export function importSeedConfig(_document: unknown, _config: ConfigStore): SeedImportResult {
  return {
    imported: [],
    unmapped: [{ key: '(all)', reason: 'seed import is not available in this version yet' }],
  };
}
