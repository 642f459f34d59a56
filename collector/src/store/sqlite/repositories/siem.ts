import type Database from 'better-sqlite3';
import type { SiemEvent, SiemRepository } from '../../repositories/siem.ts';
import { SiemQueries } from '../queries/siem.ts';

/** On SQLite a position is the event's id (see SiemQueries). */
export class SqliteSiemRepository implements SiemRepository {
  readonly #queries: SiemQueries;
  constructor(db: Database.Database) { this.#queries = new SiemQueries(db); }
  async cursor(sink: string): Promise<{ position: number; exported: number } | undefined> { return this.#queries.cursor(sink); }
  async advance(sink: string, position: number, exported: number, nowMs: number): Promise<void> { this.#queries.advance(sink, position, exported, nowMs); }
  async eventsAfter(position: number, limit: number): Promise<SiemEvent[]> { return this.#queries.eventsAfter(position, limit); }
  async lastPosition(): Promise<number> { return this.#queries.lastEventId(); }
  async positionOf(agentId: string, seq: number): Promise<number | undefined> { return this.#queries.eventIdOf(agentId, seq); }
}
