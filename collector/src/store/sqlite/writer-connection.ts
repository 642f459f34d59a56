import Database from 'better-sqlite3';

/**
 * The connection settings every connection that writes the collector's database uses (the store's own and the
 * event writer thread's): WAL, synchronous NORMAL (a commit is in the WAL file when it returns, which a killed
 * process does not lose), a 5 s wait for the write lock held by the other connection.
 */
export function openWriterConnection(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Checkpoint the WAL into the database every ~40 MB instead of SQLite's default ~4 MB: under sustained ingest
  // each checkpoint copies pages and waits for two fsyncs on the thread that commits, and pages rewritten
  // by many commits (index roots, agents' heads) are copied once per checkpoint, not ten times. Commits stay
  // as durable as before: a batch is acknowledged after its commit reached the WAL file, which a killed process
  // does not lose; a checkpoint only moves committed pages from the WAL into the database.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Makes `db.transaction(fn)` (what every repository on this connection calls) begin IMMEDIATE instead of
 * DEFERRED. With a second connection writing at the same time (the event writer thread), a deferred transaction
 * that reads and then writes fails with SQLITE_BUSY_SNAPSHOT whenever the other one committed in between, and
 * SQLite does not wait on that error; an immediate one takes the write lock first and waits for it (busy_timeout).
 */
export function immediateTransactions(db: Database.Database): void {
  const begin = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const transaction = begin(fn);
    const immediate = transaction.immediate;
    return Object.assign((...args: never[]) => immediate(...args), {
      default: immediate, deferred: transaction.deferred, immediate, exclusive: transaction.exclusive, database: db,
    });
  }) as unknown as typeof db.transaction;
}
