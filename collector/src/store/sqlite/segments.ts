import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ChainSegment, QuarantineInput, QuarantineOutcome, QuarantinedBatch } from '../types.ts';

type Row = Record<string, unknown>;

/**
 * Quarantined batches and chain segments (SQLite). A quarantine is one transaction: the batch's bytes, its one
 * finding, and — when the batch reached past the agent's chain head — the head moved to the batch's signed last
 * hash with a segment boundary recorded, so the agent's next batch continues without a chain break and an
 * export can say why the chain restarts there.
 */
export class SqliteSegments {
  readonly #db: Database.Database;
  readonly #s;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#s = {
      byDigest: db.prepare('SELECT id, attempts FROM quarantined_batches WHERE agent_id = ? AND digest = ?'),
      bump: db.prepare('UPDATE quarantined_batches SET attempts = attempts + 1, last_ms = ? WHERE id = ?'),
      insert: db.prepare(`INSERT INTO quarantined_batches (agent_id, pc, first_seq, last_seq, prev_hash, last_hash, signature, code,
        finding_kind, detail, digest, first_ms, last_ms) VALUES (@agentId, @pc, @firstSeq, @lastSeq, @prevHash, @lastHash, @signature,
        @code, @findingKind, @detail, @digest, @timeMs, @timeMs)`),
      insertEvent: db.prepare('INSERT INTO quarantined_events (quarantine_id, position, bytes) VALUES (?, ?, ?)'),
      insertFinding: db.prepare('INSERT INTO integrity_findings (agent_id, pc, time_ms, kind, detail) VALUES (@agentId, @pc, @timeMs, @kind, @detail)'),
      head: db.prepare('SELECT last_seq AS seq, last_hash AS hash FROM agents WHERE id = ?'),
      moveHead: db.prepare('UPDATE agents SET last_seq = ?, last_hash = ? WHERE id = ? AND last_seq < ?'),
      insertSegment: db.prepare(`INSERT INTO chain_segments (agent_id, start_seq, anchor_hash, reason, detail, quarantine_id, time_ms, anchor_json)
        VALUES (@agentId, @startSeq, @anchorHash, @reason, @detail, @quarantineId, @timeMs, @anchorJson)`),
      segments: db.prepare(`SELECT agent_id AS agentId, start_seq AS startSeq, anchor_hash AS anchorHash, reason, detail,
        quarantine_id AS quarantineId, time_ms AS timeMs, anchor_json AS anchorJson FROM chain_segments WHERE agent_id = ? ORDER BY start_seq, id`),
      quarantined: db.prepare('SELECT * FROM quarantined_batches WHERE agent_id = ? ORDER BY first_seq, id'),
      quarantinedEvents: db.prepare('SELECT bytes FROM quarantined_events WHERE quarantine_id = ? ORDER BY position'),
    };
  }

  quarantine(input: QuarantineInput): QuarantineOutcome {
    const lastSeq = input.firstSeq + input.events.length - 1;
    const digest = batchDigest(input);
    return this.#db.transaction((): QuarantineOutcome => {
      const known = this.#s.byDigest.get(input.agentId, digest) as { id: number; attempts: number } | undefined;
      if (known) {
        this.#s.bump.run(input.timeMs, known.id);
        return { id: known.id, firstTime: false, attempts: known.attempts + 1, head: this.#head(input.agentId) };
      }
      const id = Number(this.#s.insert.run({
        agentId: input.agentId, pc: input.pc, firstSeq: input.firstSeq, lastSeq, prevHash: input.prevHash, lastHash: input.lastHash,
        signature: input.signature, code: input.code, findingKind: input.finding.kind, detail: input.finding.detail, digest, timeMs: input.timeMs,
      }).lastInsertRowid);
      input.events.forEach((bytes, position) => this.#s.insertEvent.run(id, position, bytes));
      this.#s.insertFinding.run(input.finding);
      if (this.#s.moveHead.run(lastSeq, input.lastHash, input.agentId, lastSeq).changes > 0) {
        this.#s.insertSegment.run({
          agentId: input.agentId, startSeq: lastSeq + 1, anchorHash: input.lastHash, reason: 'quarantine', quarantineId: id, timeMs: input.timeMs,
          anchorJson: input.segmentAnchorJson ?? null,
          detail: `events ${input.firstSeq}..${lastSeq} quarantined (${input.code}); the chain goes on from the batch's signed last hash`,
        });
      }
      return { id, firstTime: true, attempts: 1, head: this.#head(input.agentId) };
    }).immediate();
  }

  recordSegment(segment: ChainSegment): void {
    this.#s.insertSegment.run({ ...segment, anchorJson: segment.anchorJson ?? null });
  }

  segments(agentId: string): ChainSegment[] {
    return this.#s.segments.all(agentId) as ChainSegment[];
  }

  quarantined(agentId: string): QuarantinedBatch[] {
    return (this.#s.quarantined.all(agentId) as Row[]).map((row) => ({
      id: row.id as number, agentId: row.agent_id as string, pc: row.pc as string, firstSeq: row.first_seq as number,
      lastSeq: row.last_seq as number, prevHash: row.prev_hash as Buffer, lastHash: row.last_hash as Buffer,
      signature: row.signature as Buffer, code: row.code as string, findingKind: row.finding_kind as string, detail: row.detail as string,
      firstMs: row.first_ms as number, lastMs: row.last_ms as number, attempts: row.attempts as number,
      events: (this.#s.quarantinedEvents.all(row.id) as { bytes: Buffer }[]).map((e) => e.bytes),
    }));
  }

  #head(agentId: string): { seq: number; hash: Buffer } {
    return (this.#s.head.get(agentId) as { seq: number; hash: Buffer } | undefined) ?? { seq: 0, hash: Buffer.alloc(32) };
  }
}

/** Identifies one exact batch (header, signature and every event's bytes, length-prefixed so no two batches collide). */
function batchDigest(input: QuarantineInput): Buffer {
  const hash = createHash('sha256').update(`${input.firstSeq}:${input.events.length}\0`).update(input.prevHash).update(input.lastHash).update(input.signature);
  for (const bytes of input.events) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  return hash.digest();
}
