/** MaxPatrol client: being written; until then the source reports that polling is not available. */
import { SourceError } from '../source-error';
import type { VendorFactory } from '../vendor-client';

export const createMaxPatrolClient: VendorFactory<'maxpatrol'> = () => ({
  poll: () =>
    Promise.reject(new SourceError('config', 'polling maxpatrol is not available in this version yet')),
  test: () =>
    Promise.reject(new SourceError('config', 'polling maxpatrol is not available in this version yet')),
});
