import { EventEmitter } from 'node:events';
import type { Repositories } from '../store/repositories/index.ts';
import type { Alert } from './types.ts';

type Feed = EventEmitter<{ alert: [Alert] }>;
const feeds = new WeakMap<Repositories, Feed>();

/**
 * New and changed alerts of one database, for live views (the SSE stream). Keyed by the repositories of that
 * database so the alert service and the HTTP routes meet without either being passed the other.
 */
export function alertFeed(repos: Repositories): Feed {
  let feed = feeds.get(repos);
  if (!feed) {
    feed = new EventEmitter();
    feed.setMaxListeners(0);
    feeds.set(repos, feed);
  }
  return feed;
}
