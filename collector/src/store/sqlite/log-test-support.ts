import type Database from 'better-sqlite3';

// Test support for exports: many log entries (and the events rows they point to) written straight into the query
// tables in one transaction, so a test can hold more rows than any old cap without ingesting each through gRPC.

/** Writes `count` file-copy log entries for "agent-1" on PC-ACCT-07, one second apart from `startMs`, ids after the last. */
export function generateLogEntries(db: Database.Database, count: number, startMs: number): void {
  const firstId = ((db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null }).id ?? 0) + 1;
  const firstSeq = ((db.prepare("SELECT MAX(seq) AS seq FROM events WHERE agent_id = 'agent-1'").get() as { seq: number | null }).seq ?? 0) + 1;
  const event = db.prepare(`INSERT INTO events (id, agent_id, seq, pc, time_ms, received_ms, kind, user, hash, bytes)
    VALUES (?, 'agent-1', ?, 'PC-ACCT-07', ?, ?, 'file_copy', 'tanaka', zeroblob(32), zeroblob(8))`);
  const entry = db.prepare(`INSERT INTO log_entries (event_id, time_ms, pc, user, kind, action, summary, detail, size_bytes)
    VALUES (?, ?, 'PC-ACCT-07', 'tanaka', 'file_copy', 'created', ?, 'removable', ?)`);
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const timeMs = startMs + i * 1_000;
      event.run(firstId + i, firstSeq + i, timeMs, timeMs);
      entry.run(firstId + i, timeMs, `/media/usb/file-${i}.xlsx`, i);
    }
  })();
}
