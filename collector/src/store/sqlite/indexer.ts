import type Database from 'better-sqlite3';
import type { Event__Output } from '@mamori/proto';

/** Where a stored event sits, for per-kind tables that point back at it. */
export interface StoredEventRef {
  /** events.id (rowid) of the stored event. */
  eventId: number;
  agentId: string;
  pc: string;
  seq: number;
  timeMs: number;
  user: string;
}

/**
 * Fills a per-kind query table (mails, print jobs, file copies, uploads …) from each stored event, inside the
 * ingest transaction, so search tables never drift from the evidence. One indexer per event kind.
 */
export interface EventIndexer {
  /** The event kind handled, as eventKind() names it: 'mail', 'print_job', 'file_copy', 'upload', 'device' … */
  readonly kind: string;
  /** Prepares statements once; the returned function runs for every stored event of that kind. */
  prepare(db: Database.Database): (ref: StoredEventRef, event: Event__Output) => void;
}
