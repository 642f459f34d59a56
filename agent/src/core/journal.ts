import Database from 'better-sqlite3';
import { ZERO_HASH, chainHash, type SealCloseRecord } from '@mamori/proto';

export interface JournalRow {
  seq: number;
  timeMs: number;
  prevHash: Buffer;
  hash: Buffer;
  bytes: Buffer;
  /** The seal chain, epoch and seal of the event; null for an event journaled unsealed. */
  sealChain: number | null;
  sealEpoch: number | null;
  seal: Buffer | null;
}

/** Seals each event as it is appended (the forward-secure layer, core/sealer.ts). */
export interface EventSealer {
  /** The seal of the event about to be stored at `seq` with chain hash `hash`. */
  sealEvent(seq: number, hash: Buffer): { chain: number; epoch: number; mac: Buffer };
  /** Called after each append is committed (an epoch may end after N events). */
  afterAppend(): void;
}

/** An epoch-close record of one seal chain, as kept until the collector acknowledged what follows it. */
export interface JournalSealClose extends SealCloseRecord {
  chain: number;
}

export interface JournalOptions {
  /** Journal size (event bytes) above which the oldest unsent events are dropped — recorded, never silent. */
  maxBytes: number;
}

export interface DroppedRange {
  fromSeq: number;
  toSeq: number;
}

/**
 * The agent's durable journal (SQLite in WAL mode). Every event is appended here with its sequence number and
 * chain hash before anything else happens to it; rows leave only when the collector has acknowledged them.
 * synchronous=NORMAL in WAL mode survives a process crash (SIGKILL) without an fsync per event; the OS crash
 * window is the last WAL frames, which is the documented trade-off for 1,000+ events/s on a desktop disk.
 */
export class Journal {
  readonly #db: Database.Database;
  readonly #options: JournalOptions;
  readonly #statements;
  #lastSeq: number;
  #lastHash: Buffer;
  #bytes: number;
  /** Everything up to here was acknowledged or already declared dropped; a drop declares from here on. */
  #settledThrough: number;
  #segmentTableReady = false;
  #inStep = false;
  #confirm: Database.Statement | undefined;
  #sealer: EventSealer | undefined;

  constructor(path: string, options: JournalOptions) {
    this.#options = options;
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS journal (
        seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL, bytes BLOB NOT NULL
      );
      CREATE TABLE IF NOT EXISTS chain_head (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL, last_hash BLOB NOT NULL);
      INSERT OR IGNORE INTO chain_head (id, last_seq, last_hash) VALUES (1, 0, zeroblob(32));
      CREATE TABLE IF NOT EXISTS seal_closes (
        chain INTEGER NOT NULL, epoch INTEGER NOT NULL, last_seq INTEGER NOT NULL, last_hash BLOB NOT NULL, mac BLOB NOT NULL,
        PRIMARY KEY (chain, epoch)
      );
      CREATE INDEX IF NOT EXISTS seal_closes_last_seq ON seal_closes (last_seq);
    `);
    // Journals from before sealing get the seal columns (their old rows stay unsealed: null).
    const columns = new Set((this.#db.prepare('PRAGMA table_info(journal)').all() as { name: string }[]).map((c) => c.name));
    if (!columns.has('seal')) this.#db.exec('ALTER TABLE journal ADD COLUMN seal_chain INTEGER; ALTER TABLE journal ADD COLUMN seal_epoch INTEGER; ALTER TABLE journal ADD COLUMN seal BLOB;');
    this.#statements = {
      insert: this.#db.prepare('INSERT INTO journal (seq, time_ms, prev_hash, hash, bytes, seal_chain, seal_epoch, seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      head: this.#db.prepare('UPDATE chain_head SET last_seq = ?, last_hash = ? WHERE id = 1'),
      read: this.#db.prepare(`SELECT seq, time_ms AS timeMs, prev_hash AS prevHash, hash, bytes, seal_chain AS sealChain, seal_epoch AS sealEpoch, seal
        FROM journal WHERE seq >= ? ORDER BY seq LIMIT ?`),
      insertClose: this.#db.prepare('INSERT OR IGNORE INTO seal_closes (chain, epoch, last_seq, last_hash, mac) VALUES (?, ?, ?, ?, ?)'),
      hasClose: this.#db.prepare('SELECT 1 FROM seal_closes WHERE chain = ? AND epoch = ?'),
      closes: this.#db.prepare(`SELECT chain, epoch, last_seq AS lastSeq, last_hash AS lastHash, mac FROM seal_closes
        WHERE chain = ? AND last_seq BETWEEN ? AND ? ORDER BY epoch`),
      deleteClosesBefore: this.#db.prepare('DELETE FROM seal_closes WHERE last_seq < ?'),
      deleteThrough: this.#db.prepare('DELETE FROM journal WHERE seq <= ?'),
      count: this.#db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(bytes)), 0) AS bytes, MIN(seq) AS first FROM journal'),
      oldest: this.#db.prepare('SELECT seq, LENGTH(bytes) AS size FROM journal ORDER BY seq LIMIT ?'),
    };
    const head = this.#db.prepare('SELECT last_seq AS seq, last_hash AS hash FROM chain_head WHERE id = 1').get() as { seq: number; hash: Buffer };
    this.#lastSeq = head.seq;
    this.#lastHash = head.hash.length === 32 ? head.hash : ZERO_HASH;
    const counts = this.#statements.count.get() as { bytes: number; first: number | null };
    this.#bytes = counts.bytes;
    this.#settledThrough = counts.first === null ? this.#lastSeq : counts.first - 1;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get lastHash(): Buffer {
    return this.#lastHash;
  }

  /**
   * Appends one event. `encode(seq)` must return the event's final bytes for that sequence number; they are
   * hashed into the chain and stored in one transaction. Returns the sequence number and whether older unsent
   * events had to be dropped to stay under the size cap (the caller records that as an event).
   */
  append(timeMs: number, encode: (seq: number) => Buffer): { seq: number; dropped?: DroppedRange } {
    const seq = this.#lastSeq + 1;
    const bytes = encode(seq);
    const hash = chainHash(this.#lastHash, bytes);
    const prevHash = this.#lastHash;
    const seal = this.#sealer?.sealEvent(seq, hash);
    this.#db.transaction(() => {
      this.#statements.insert.run(seq, timeMs, prevHash, hash, bytes, seal?.chain ?? null, seal?.epoch ?? null, seal?.mac ?? null);
      this.#statements.head.run(seq, hash);
    })();
    this.#lastSeq = seq;
    this.#lastHash = hash;
    this.#sealer?.afterAppend();
    this.#bytes += bytes.length;
    const dropped = this.#bytes > this.#options.maxBytes ? this.#dropOldest() : undefined;
    return dropped ? { seq, dropped } : { seq };
  }

  /** From now on every appended event is sealed by `sealer`. */
  sealWith(sealer: EventSealer): void {
    this.#sealer = sealer;
  }

  /**
   * Stores an epoch-close record, synced to disk (synchronous=FULL for this one commit) because the key it was
   * made with is erased right after: a close lost to a power cut could never be made again.
   */
  addClose(close: JournalSealClose): void {
    this.#db.pragma('synchronous = FULL');
    try {
      this.#statements.insertClose.run(close.chain, close.epoch, close.lastSeq, close.lastHash, close.mac);
    } finally {
      this.#db.pragma('synchronous = NORMAL');
    }
  }

  hasClose(chain: number, epoch: number): boolean {
    return this.#statements.hasClose.get(chain, epoch) !== undefined;
  }

  /** Close records of `chain` pointing at a seq in [fromSeq, toSeq], by epoch: the ones a batch of those events carries. */
  closesCovering(chain: number, fromSeq: number, toSeq: number): JournalSealClose[] {
    return this.#statements.closes.all(chain, fromSeq, toSeq) as JournalSealClose[];
  }

  /** Events from `fromSeq` on, in order, at most `limit`. */
  read(fromSeq: number, limit: number): JournalRow[] {
    return this.#statements.read.all(fromSeq, limit) as JournalRow[];
  }

  /** Forgets everything up to and including `seq`: called only once the collector acknowledged it. */
  acknowledge(seq: number): void {
    this.#statements.deleteThrough.run(seq);
    // A close pointing before an acknowledged event was made before that event, so it went with that event's
    // batch; one pointing at `seq` itself may be newer than the batch and goes with the next.
    this.#statements.deleteClosesBefore.run(seq);
    this.#bytes = (this.#statements.count.get() as { bytes: number }).bytes;
    this.#settledThrough = Math.max(this.#settledThrough, seq);
  }

  backlog(): { events: number; bytes: number; firstSeq: number | null } {
    const row = this.#statements.count.get() as { n: number; bytes: number; first: number | null };
    return { events: row.n, bytes: row.bytes, firstSeq: row.first };
  }

  close(): void {
    this.#db.close();
  }

  // ── Segments (issue 13: journal resets and quarantine). Kept apart from the append path on purpose. ──

  /**
   * The journal's seq up to which its rows are known to lie on the collector's chain: set when a Welcome finds
   * the journal in step, moved by acknowledgements and at a graceful stop. Rows above it were journaled before
   * the agent last learnt the collector's head. Undefined for a journal no collector ever confirmed (one created
   * after the old file was deleted). Kept in the file itself, so a restored copy carries its own answer.
   */
  get confirmedThrough(): number | undefined {
    this.#ensureSegmentTable();
    return (this.#db.prepare('SELECT confirmed_seq AS seq FROM journal_anchor WHERE id = 1').get() as { seq: number } | undefined)?.seq;
  }

  /** Records that everything journaled up to `seq` is on the collector's chain; `inStep` keeps later appends so. */
  confirmThrough(seq: number, inStep = false): void {
    this.#ensureSegmentTable();
    if (inStep) this.#inStep = true;
    // Called on every acknowledgement: the statement is prepared once.
    this.#confirm ??= this.#db.prepare(`INSERT INTO journal_anchor (id, confirmed_seq) VALUES (1, ?)
      ON CONFLICT (id) DO UPDATE SET confirmed_seq = MAX(confirmed_seq, excluded.confirmed_seq)`);
    this.#confirm.run(seq);
  }

  /** At a graceful stop: when this process was in step with the collector, every row it journaled is too. */
  confirmOnStop(): void {
    if (this.#inStep) this.confirmThrough(this.#lastSeq);
  }

  /** The chain hash this journal holds at `seq` (head, a row, or the row after's prev hash), if it knows it. */
  hashAt(seq: number): Buffer | undefined {
    if (seq === this.#lastSeq) return this.#lastHash;
    const rows = this.#db.prepare('SELECT seq, prev_hash AS prevHash, hash FROM journal WHERE seq IN (?, ?) ORDER BY seq').all(seq, seq + 1) as
      { seq: number; prevHash: Buffer; hash: Buffer }[];
    return rows.find((r) => r.seq === seq)?.hash ?? rows.find((r) => r.seq === seq + 1)?.prevHash;
  }

  /**
   * Moves the chain head to `head` and appends `entries` after it, after deleting the rows in `replacing` (rows
   * re-journaled among `entries`), all in one transaction: a crash leaves either the old journal or the new one,
   * never a half. Everything is then confirmed (the new segment starts on the collector's head). Returns the seqs
   * given to the entries. Rows are written as `append` writes them: each is sealed in the sealer's current epoch
   * (the collector skips the epoch-close check at a JOURNAL_RESET boundary: the close records died with the
   * journal).
   */
  rebase(head: { seq: number; hash: Buffer }, replacing: number[], entries: { timeMs: number; encode: (seq: number) => Buffer }[]): number[] {
    const seqs: number[] = [];
    let lastSeq = head.seq;
    let lastHash = head.hash;
    const remove = this.#db.prepare('DELETE FROM journal WHERE seq = ?');
    // Close records pointing at a row that is replaced, or past the new head, name a head this journal no longer has.
    const dropCloses = this.#db.prepare('DELETE FROM seal_closes WHERE last_seq >= ? OR last_seq > ?');
    this.#db.transaction(() => {
      for (const seq of replacing) remove.run(seq);
      dropCloses.run(replacing.length ? Math.min(...replacing) : Number.MAX_SAFE_INTEGER, head.seq);
      for (const entry of entries) {
        const seq = lastSeq + 1;
        const bytes = entry.encode(seq);
        const hash = chainHash(lastHash, bytes);
        // Sealed in the current epoch, as append seals: the re-journaled rows are new rows (new seq, new hash).
        const seal = this.#sealer?.sealEvent(seq, hash);
        this.#statements.insert.run(seq, entry.timeMs, lastHash, hash, bytes, seal?.chain ?? null, seal?.epoch ?? null, seal?.mac ?? null);
        seqs.push(seq);
        lastSeq = seq;
        lastHash = hash;
      }
      this.#statements.head.run(lastSeq, lastHash);
      this.confirmThrough(lastSeq, true);
    })();
    this.#lastSeq = lastSeq;
    this.#lastHash = lastHash;
    const counts = this.#statements.count.get() as { bytes: number; first: number | null };
    this.#bytes = counts.bytes;
    this.#settledThrough = Math.max(this.#settledThrough, (counts.first ?? lastSeq + 1) - 1);
    return seqs;
  }

  /** Deletes rows `fromSeq..toSeq` the collector answered were quarantined (it holds their bytes as evidence). */
  discard(fromSeq: number, toSeq: number): void {
    this.#db.prepare('DELETE FROM journal WHERE seq BETWEEN ? AND ?').run(fromSeq, toSeq);
    const counts = this.#statements.count.get() as { bytes: number; first: number | null };
    this.#bytes = counts.bytes;
    if (counts.first === null || counts.first > toSeq) this.#settledThrough = Math.max(this.#settledThrough, toSeq);
  }

  #ensureSegmentTable(): void {
    if (this.#segmentTableReady) return;
    this.#segmentTableReady = true;
    this.#db.exec('CREATE TABLE IF NOT EXISTS journal_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), confirmed_seq INTEGER NOT NULL)');
  }

  /** Drops the oldest tenth of the journal (never the newest event) to get back under the cap. */
  #dropOldest(): DroppedRange | undefined {
    const backlog = this.backlog();
    const victims = this.#statements.oldest.all(Math.max(1, Math.floor(backlog.events / 10))) as { seq: number; size: number }[];
    const last = victims.at(-1);
    if (!last || last.seq >= this.#lastSeq) return undefined;
    this.#statements.deleteThrough.run(last.seq);
    this.#bytes = (this.#statements.count.get() as { bytes: number }).bytes;
    // Declare everything since the last acknowledgement: earlier declarations may themselves have been dropped.
    const fromSeq = Math.min(victims[0]!.seq, this.#settledThrough + 1);
    return { fromSeq, toSeq: last.seq };
  }
}
