import type { NotificationsPolicy } from '@mamori/policies';
import { severityRank } from '../alerts/severity.ts';
import type { Alert } from '../alerts/types.ts';

export type Route = 'immediate' | 'hourly' | 'daily';

const speed: Record<Route, number> = { immediate: 2, hourly: 1, daily: 0 };

/**
 * Who gets an alert and how fast. A recipient in several groups gets it once, by the fastest route any of
 * their groups gives it.
 */
export function routeAlert(alert: Alert, policy: NotificationsPolicy): Map<string, Route> {
  const routes = new Map<string, Route>();
  if (!policy.enabled) return routes;
  const rank = severityRank(alert.severity);
  for (const group of Object.values(policy.groups)) {
    if (rank < severityRank(group.min_severity)) continue;
    if (group.rules && !group.rules.includes(alert.ruleId)) continue;
    let route: Route | undefined;
    if (rank >= severityRank(group.immediate)) route = 'immediate';
    else if (group.digest !== 'none') route = group.digest;
    if (!route) continue;
    for (const recipient of group.recipients) {
      const key = recipient.toLowerCase();
      const current = routes.get(key);
      if (!current || speed[route] > speed[current]) routes.set(key, route);
    }
  }
  return routes;
}
