import Database from 'better-sqlite3';

/**
 * A second, read-only connection to the store's file, for work done on another thread (a report's queries): WAL
 * lets it read while the collector's own connection writes. Undefined for an in-memory store (no file to share).
 */
export function openReadOnlyStore(db: Database.Database): { path: string } | undefined {
  return db.memory ? undefined : { path: db.name };
}

export function openReadOnlyConnection(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}
