import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { Alert } from './types.ts';

type Feed = EventEmitter<{ alert: [Alert] }>;
const feeds = new WeakMap<Database.Database, Feed>();

/**
 * New and changed alerts of one database, for live views (the SSE stream). Keyed by the database handle so the
 * alert service and the HTTP routes meet without either being passed the other.
 */
export function alertFeed(db: Database.Database): Feed {
  let feed = feeds.get(db);
  if (!feed) {
    feed = new EventEmitter();
    feed.setMaxListeners(0);
    feeds.set(db, feed);
  }
  return feed;
}
