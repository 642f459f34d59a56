import { decodeEvent, encodeEvent, eventKind, type Event, type PrintJobEvent } from '@mamori/proto';
import { SqliteStore } from '../sqlite-store.ts';

// Test support for the print queries and routes: events shaped as agents send them, stored through ingest's path.

export const day = Date.UTC(2026, 10, 22);

export function printEvent(seq: number, job: Partial<PrintJobEvent>, over: Partial<Event> = {}): Event {
  return {
    seq, timeMs: day + seq * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: job.jobUser ?? 'tanaka',
    printJob: {
      jobId: seq, documentName: `doc ${seq}`, printer: 'PDF', jobUser: 'tanaka', pages: 1, copies: 1, sheets: 1,
      sizeBytes: 1024, submittedMs: day + seq * 60_000 - 1000, completedMs: day + seq * 60_000, state: 'completed',
      action: 'logged', rule: '', spooler: 'cups', ...job,
    },
    ...over,
  };
}

/** Stores events the way ingest does (exact bytes, indexers in the same transaction). */
export async function storeWith(events: Event[]): Promise<SqliteStore> {
  const store = new SqliteStore(':memory:');
  await store.createAgent({ id: 'agent-1', pc: 'PC-ACCT-07', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: day, previousAgentId: null });
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

