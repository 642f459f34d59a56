import type Database from 'better-sqlite3';
import type { AcceptedBatch } from '../types.ts';

/**
 * One accepted batch into the evidence tables — its events (idempotent on agent + seq), seal closes, the batch
 * record and the agent's chain head — in one transaction. The same statements run on the store's own connection
 * (SqliteStore.appendBatch without a writer thread) and on the event writer thread's (event-writer-worker.ts).
 */
export function prepareEventAppend(db: Database.Database): (batch: AcceptedBatch, receivedMs: number) => { inserted: number } {
  const insertEvent = db.prepare(`INSERT OR IGNORE INTO events (agent_id, seq, pc, time_ms, received_ms, kind, user, hash, bytes, seal_chain, seal_epoch, seal)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertSealClose = db.prepare(`INSERT OR IGNORE INTO seal_closes (agent_id, chain, epoch, last_seq, last_hash, mac, received_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insertBatch = db.prepare(`INSERT INTO batches (agent_id, first_seq, last_seq, prev_hash, last_hash, signature, received_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const moveHead = db.prepare('UPDATE agents SET last_seq = ?, last_hash = ? WHERE id = ? AND last_seq < ?');
  const append = db.transaction((batch: AcceptedBatch, receivedMs: number) => {
    let inserted = 0;
    const { seal } = batch;
    for (let i = 0; i < batch.events.length; i += 1) {
      const item = batch.events[i]!;
      const { envelope } = item;
      const result = insertEvent.run(
        batch.agentId, item.seq, envelope.pc, envelope.timeMs, receivedMs, envelope.kind, envelope.user, item.hash, item.bytes,
        seal?.chain ?? null, seal?.epochs[i] ?? null, seal ? seal.seals.subarray(i * 32, i * 32 + 32) : null,
      );
      inserted += result.changes;
    }
    for (const close of seal?.closes ?? []) {
      insertSealClose.run(batch.agentId, seal!.chain, close.epoch, close.lastSeq, close.lastHash, close.mac, receivedMs);
    }
    insertBatch.run(batch.agentId, batch.firstSeq, batch.lastSeq, batch.prevHash, batch.lastHash, batch.signature, receivedMs);
    moveHead.run(batch.lastSeq, batch.lastHash, batch.agentId, batch.lastSeq);
    return { inserted };
  });
  // IMMEDIATE: take the write lock at BEGIN, so a connection that wrote in between makes this wait (busy_timeout)
  // instead of failing on a stale read snapshot.
  return (batch, receivedMs) => append.immediate(batch, receivedMs);
}
