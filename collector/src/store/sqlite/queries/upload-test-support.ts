import { decodeEvent, encodeEvent, eventKind, type Event, type ExtensionHealthEvent, type UploadEvent } from '@mamori/proto';
import { SqliteStore } from '../sqlite-store.ts';

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

/** Stores events the way ingest does (exact bytes, indexers in the same transaction). */
export async function storeWith(events: Event[]): Promise<SqliteStore> {
  const store = new SqliteStore(':memory:');
  await store.createAgent({ id: 'agent-1', pc: 'PC-SALES-03', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: day, previousAgentId: null });
  await store.appendBatch({
    agentId: 'agent-1', firstSeq: events[0]!.seq as number, lastSeq: events.at(-1)!.seq as number,
    prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
    events: events.map((event, i) => {
      const bytes = encodeEvent(event);
      const decoded = decodeEvent(bytes);
      return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32, i), event: decoded, kind: eventKind(decoded) };
    }),
  }, Date.now());
  await store.projectPending(Number.MAX_SAFE_INTEGER); // fill the query tables, as the projector does
  return store;
}
