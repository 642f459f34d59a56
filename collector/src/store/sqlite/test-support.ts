import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { SqliteStore } from './sqlite-store.ts';

// Test support shared by the query and route tests: events stored through ingest's path (exact bytes in the
// evidence tables), then projected into the query tables as the projector does. Chain hashes are placeholders.

export async function storeEvents(store: SqliteStore, agentId: string, events: Event[], receivedMs = Date.now()): Promise<void> {
  await store.appendBatch({
    agentId, firstSeq: Number(events[0]!.seq), lastSeq: Number(events.at(-1)!.seq),
    prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
    events: events.map((event, i) => {
      const bytes = encodeEvent(event);
      return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32, i), envelope: decodeEnvelope(bytes) };
    }),
  }, receivedMs);
  await store.projectPending(Number.MAX_SAFE_INTEGER);
}

/** An in-memory store with agent "agent-1" on `pc`, holding `events`. */
export async function memoryStoreWith(events: Event[], pc: string, enrolledMs: number): Promise<SqliteStore> {
  const store = new SqliteStore(':memory:');
  await store.createAgent({ id: 'agent-1', pc, hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs, previousAgentId: null });
  await storeEvents(store, 'agent-1', events);
  return store;
}
