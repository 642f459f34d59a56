export interface LogEntryRow {
  eventId: number;
  timeMs: number;
  pc: string;
  /** The agent that recorded it: a PC name may have had several (a replaced or re-enrolled PC). */
  agentId: string;
  user: string;
  kind: string;
  action: string;
  summary: string;
  detail: string;
  sizeBytes: number;
  /** The PC's department and site from the directory import ('' when it does not name the PC). */
  department: string;
  site: string;
}

export interface LogSearch {
  /** Keyword(s): every word must appear in the summary or detail (3+ characters each use the index). */
  text?: string | undefined;
  kinds?: string[] | undefined;
  pc?: string | undefined;
  user?: string | undefined;
  /** Exact department / site of the PC in the directory import. */
  department?: string | undefined;
  site?: string | undefined;
  action?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** Paging: entries strictly after this (timeMs, eventId) in the chosen order. */
  before?: { timeMs: number; eventId: number } | undefined;
  order?: 'desc' | 'asc';
  limit: number;
}
/** One stored event as the log detail view needs it (bytes decoded by the caller). */
export interface LogEventRecord {
  id: number; agentId: string; seq: number; pc: string; timeMs: number; receivedMs: number; kind: string; user: string; bytes: Buffer;
}

/** The unified operation log (every kind of event, one row each). */
export interface LogsRepository {
  /** One page of entries matching a search. */
  search(search: LogSearch): Promise<LogEntryRow[]>;
  /** One log entry's event: kind and bytes, for the detail view. */
  event(eventId: number): Promise<LogEventRecord | undefined>;
  /**
   * Every entry a search selects, in chunks of at most `chunkRows`, pulled page by page (keyset cursor): memory
   * stays at one chunk however many rows match, and the event loop runs between chunks.
   */
  chunks(search: Omit<LogSearch, 'limit' | 'before'>, chunkRows: number): AsyncIterable<LogEntryRow[]>;
}
