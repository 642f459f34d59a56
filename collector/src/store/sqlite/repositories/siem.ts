import type Database from 'better-sqlite3';
import type { SiemRepository } from '../../repositories/siem.ts';
import type { StoredEvent } from '../../types.ts';
import { SiemQueries } from '../queries/siem.ts';

export class SqliteSiemRepository implements SiemRepository {
  readonly #queries: SiemQueries;
  constructor(db: Database.Database) { this.#queries = new SiemQueries(db); }
  async cursor(sink: string): Promise<{ eventId: number; exported: number } | undefined> { return this.#queries.cursor(sink); }
  async advance(sink: string, eventId: number, exported: number, nowMs: number): Promise<void> { this.#queries.advance(sink, eventId, exported, nowMs); }
  async eventsAfter(eventId: number, limit: number): Promise<StoredEvent[]> { return this.#queries.eventsAfter(eventId, limit); }
  async lastEventId(): Promise<number> { return this.#queries.lastEventId(); }
  async eventIdOf(agentId: string, seq: number): Promise<number | undefined> { return this.#queries.eventIdOf(agentId, seq); }
}
