/** SentinelOne client: being written; until then the source reports that polling is not available. */
import { SourceError } from '../source-error';
import type { VendorFactory } from '../vendor-client';

export const createSentinelOneClient: VendorFactory<'sentinelone'> = () => ({
  poll: () =>
    Promise.reject(new SourceError('config', 'polling sentinelone is not available in this version yet')),
  test: () =>
    Promise.reject(new SourceError('config', 'polling sentinelone is not available in this version yet')),
});
