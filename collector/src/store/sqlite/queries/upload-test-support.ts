import { type Event, type ExtensionHealthEvent, type UploadEvent } from '@mamori/proto';
import type { SqliteStore } from '../sqlite-store.ts';
import { memoryStoreWith } from '../test-support.ts';

// Test support for the upload queries and routes: events shaped as agents send them, stored through ingest's path.

export const day = Date.UTC(2026, 10, 22);

export function uploadEvent(seq: number, upload: Partial<UploadEvent>, over: Partial<Event> = {}): Event {
  return {
    seq, timeMs: day + seq * 60_000, agentId: 'agent-1', pc: 'PC-SALES-03', user: 'sato',
    upload: {
      pageUrl: 'https://www.dropbox.com/home', destinationHost: 'content.dropboxapi.com', destinationUrl: 'https://content.dropboxapi.com/upload',
      fileName: `file-${seq}.csv`, sizeBytes: 100 * seq, sha256: String(seq % 10).repeat(64), method: 'input+formdata',
      category: 'personal_cloud', browser: 'chrome', browserProfile: 'p-1', localPath: `/home/sato/file-${seq}.csv`, ...upload,
    },
    ...over,
  };
}

export function healthEvent(seq: number, health: Partial<ExtensionHealthEvent>): Event {
  return {
    seq, timeMs: day + seq * 60_000, agentId: 'agent-1', pc: 'PC-SALES-03', user: 'sato',
    extensionHealth: { browser: 'chrome', profile: 'p-1', installed: true, alive: true, extensionVersion: '0.1.0', lastSeenMs: day + seq * 60_000, ...health },
  };
}

/** Stores events the way ingest does (exact bytes), then projects them into the query tables. */
export function storeWith(events: Event[]): Promise<SqliteStore> {
  return memoryStoreWith(events, 'PC-SALES-03', day);
}
