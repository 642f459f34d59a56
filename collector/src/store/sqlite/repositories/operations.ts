import type Database from 'better-sqlite3';
import type { OperationsRepository, OperationsSnapshot } from '../../repositories/operations.ts';
import { OperationsQueries } from '../queries/operations.ts';

export class SqliteOperationsRepository implements OperationsRepository {
  readonly #queries: OperationsQueries;
  constructor(db: Database.Database) { this.#queries = new OperationsQueries(db); }
  async snapshot(nowMs: number): Promise<OperationsSnapshot> { return this.#queries.snapshot(nowMs); }
  async hasUnprojected(): Promise<boolean> { return this.#queries.hasUnprojected(); }
  async ping(): Promise<void> { this.#queries.ping(); }
}
