/** Every route of the webhook listener, in match order. */
import type { WebhookRoute } from '../webhook-service';
import { genericAlertRoute } from './generic-alert-route';
import { hooksRoute } from './hooks-route';
import { logsRoute } from './logs-route';
import type { RouteDeps } from './route-deps';
import { sentineloneAlertRoute } from './sentinelone-route';

export type { RouteDeps } from './route-deps';

export function createWebhookRoutes(deps: RouteDeps): WebhookRoute[] {
  return [genericAlertRoute(deps), sentineloneAlertRoute(deps), logsRoute(deps), hooksRoute(deps)];
}
