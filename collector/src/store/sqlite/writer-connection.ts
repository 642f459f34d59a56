import Database from 'better-sqlite3';
import type { WriteGate } from './write-gate.ts';

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
 * Makes the store's own connection share the database with the event writer thread (`gate`: see write-gate.ts).
 * Every write on it — a transaction (`db.transaction(fn)`, what the repositories call) or a lone writing statement —
 * first waits until the writer is between transactions. Transactions also begin IMMEDIATE instead of DEFERRED:
 * with a second connection writing, a deferred transaction that reads and then writes fails with
 * SQLITE_BUSY_SNAPSHOT whenever the other one committed in between, and SQLite does not wait on that error.
 * Call before anything prepares statements on `db`.
 */
export function shareWithWriter(db: Database.Database, gate: WriteGate): void {
  const begin = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const transaction = begin(fn);
    const gated = (run: (...args: never[]) => unknown) => (...args: never[]) => gate.mainWrite(() => run(...args));
    const immediate = gated(transaction.immediate);
    return Object.assign(immediate, {
      default: immediate, deferred: gated(transaction.deferred), immediate, exclusive: gated(transaction.exclusive), database: db,
    });
  }) as unknown as typeof db.transaction;
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    if (!statement.reader) {
      const run = statement.run.bind(statement);
      statement.run = (...params: unknown[]) => gate.mainWrite(() => run(...params));
    }
    return statement;
  }) as typeof db.prepare;
}
