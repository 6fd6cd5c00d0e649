/** Being written; until then the route answers 501 so a sender sees why nothing was stored. */
import { z } from 'zod';

import { HttpError } from '../../http';
import type { WebhookRoute } from '../webhook-service';
import type { RouteDeps } from './route-deps';

export function hooksRoute(_deps: RouteDeps): WebhookRoute {
  return {
    method: 'POST',
    path: '/hooks/:sourceId',
    schema: z.unknown(),
    handle: () => {
      throw new HttpError(501, 'not_implemented', '/hooks/:sourceId is not available in this version yet');
    },
  };
}
