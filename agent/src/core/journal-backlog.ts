import Database from 'better-sqlite3';

export interface JournalBacklog {
  /** Events journaled and not yet acknowledged by the collector. */
  events: number;
  /** The oldest of them, or null when there are none. */
  firstSeq: number | null;
  /** The last sequence number ever journaled (the chain head). */
  lastSeq: number;
}

/**
 * Reads a journal's backlog through a read-only connection. Safe while the running agent holds the journal: in WAL
 * mode readers never block the writer and never write, so a second process can watch the agent's backlog without
 * becoming a second writer. Returns undefined when there is no journal.
 */
export function readJournalBacklog(path: string): JournalBacklog | undefined {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return undefined;
  }
  try {
    const rows = db.prepare('SELECT COUNT(*) AS n, MIN(seq) AS first FROM journal').get() as { n: number; first: number | null };
    const head = db.prepare('SELECT last_seq AS seq FROM chain_head WHERE id = 1').get() as { seq: number } | undefined;
    return { events: rows.n, firstSeq: rows.first, lastSeq: head?.seq ?? 0 };
  } finally {
    db.close();
  }
}
