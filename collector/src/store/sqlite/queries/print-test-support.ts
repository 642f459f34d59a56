import { type Event, type PrintJobEvent } from '@mamori/proto';
import type { SqliteStore } from '../sqlite-store.ts';
import { memoryStoreWith } from '../test-support.ts';

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

/** Stores events the way ingest does (exact bytes), then projects them into the query tables. */
export function storeWith(events: Event[]): Promise<SqliteStore> {
  return memoryStoreWith(events, 'PC-ACCT-07', day);
}

