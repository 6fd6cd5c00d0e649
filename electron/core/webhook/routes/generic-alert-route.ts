import type { GenericAlert } from '../../ingest/mappers/generic-alert';
import { genericAlertSchema, normalizeGenericAlert } from '../../ingest/mappers/generic-alert';
import type { WebhookRoute } from '../webhook-service';
import type { RouteDeps } from './route-deps';

/** `POST /api/alert`: the generic incident format (DESIGN.md §4). */
export function genericAlertRoute(deps: RouteDeps): WebhookRoute {
  return {
    method: 'POST',
    path: '/api/alert',
    schema: genericAlertSchema,
    handle: async (payload, body) => {
      const [result] = await deps.ingestor.submit([
        {
          source: { kind: 'webhook', id: 'api-alert', name: 'Webhook /api/alert' },
          route: '/api/alert',
          body,
          incident: normalizeGenericAlert(payload as GenericAlert),
          via: 'webhook',
        },
      ]);
      return result!;
    },
  };
}
