/** One client factory per polled vendor kind. */
import type { SourceConfig } from '../../../../shared/config';
import type { VendorClient, VendorDeps } from '../vendor-client';
import { createDeepInstinctClient } from './deepinstinct';
import { createMaxPatrolClient } from './maxpatrol';
import { createSentinelOneClient } from './sentinelone';

export type PolledSource = Extract<SourceConfig, { kind: 'sentinelone' | 'maxpatrol' | 'deepinstinct' }>;

export function isPolledSource(source: SourceConfig): source is PolledSource {
  return source.kind === 'sentinelone' || source.kind === 'maxpatrol' || source.kind === 'deepinstinct';
}

export function createVendorClient(source: PolledSource, deps: VendorDeps): VendorClient {
  switch (source.kind) {
    case 'sentinelone':
      return createSentinelOneClient(source, deps);
    case 'maxpatrol':
      return createMaxPatrolClient(source, deps);
    case 'deepinstinct':
      return createDeepInstinctClient(source, deps);
  }
}
