import { isDeepStrictEqual } from 'node:util';
import type { ChangeFeed } from '../store/change-feed.ts';
import type { Repositories } from '../store/repositories/index.ts';
import { alertFeed } from './alert-feed.ts';
import type { Alert } from './types.ts';

/** Alerts whose last version on the feed is remembered; an older id shown again costs one duplicate at most. */
const remembered = 5_000;

/**
 * Passes alerts stored or changed by other collectors on the same database (the projection leader evaluates every
 * rule; another collector's console acknowledges) to this collector's live feed, so the console stream of every
 * collector shows them. Each change heard (the database NOTIFYs an alert's id as it commits) is read back and
 * emitted unless the feed already carried that very version — the ones this process stored or changed itself.
 * Nothing is read while no console stream listens. Returns a function that stops it.
 */
export function relayRemoteAlerts(changes: ChangeFeed, repos: Repositories, onError: (error: unknown) => void): () => void {
  const feed = alertFeed(repos);
  const lastShown = new Map<number, Alert>();
  let stopped = false;
  const remember = (alert: Alert) => {
    lastShown.delete(alert.id);
    lastShown.set(alert.id, alert);
    if (lastShown.size > remembered) lastShown.delete(lastShown.keys().next().value!);
  };
  feed.on('alert', remember);
  changes.on('alert', (id) => {
    // One listener is this relay's own: without a console stream there is nobody to show it to.
    if (stopped || feed.listenerCount('alert') <= 1) return;
    repos.alerts.get(Number(id)).then((alert) => {
      if (!alert || stopped) return;
      if (isDeepStrictEqual(lastShown.get(alert.id), alert)) return;
      feed.emit('alert', alert);
    }, onError);
  });
  return () => {
    stopped = true;
    feed.off('alert', remember);
  };
}
