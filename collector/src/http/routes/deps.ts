import type Database from 'better-sqlite3';

/** What route plugins get: the store's read-only query handle and the auth guard. */
export interface RouteDeps {
  /** SQLite handle for the feature's query module (collector/src/store/sqlite/queries/<feature>.ts). */
  db: Database.Database;
  /** preHandler that requires a signed-in user with at least this role. */
  requireRole: (role: 'auditor' | 'operator' | 'admin') => (request: unknown, reply: unknown) => Promise<void>;
}
