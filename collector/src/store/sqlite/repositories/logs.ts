import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { LogEntryRow, LogEventRecord, LogSearch, LogsRepository } from '../../repositories/logs.ts';
import { logChunks, logEvent, searchLogs } from '../queries/logs.ts';

export class SqliteLogsRepository implements LogsRepository {
  constructor(private readonly db: Database.Database) {}
  async search(search: LogSearch): Promise<LogEntryRow[]> { return searchLogs(this.db, search); }
  async event(eventId: number): Promise<LogEventRecord | undefined> { return logEvent(this.db, eventId); }

  /** better-sqlite3 is synchronous: each chunk is one keyset query, and the loop yields a turn before the next. */
  async *chunks(search: Omit<LogSearch, 'limit' | 'before'>, chunkRows: number): AsyncIterable<LogEntryRow[]> {
    for (const chunk of logChunks(this.db, search, chunkRows)) {
      yield chunk;
      await nextTurn();
    }
  }
}
