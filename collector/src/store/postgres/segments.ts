import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ChainSegment, QuarantineInput, QuarantineOutcome, QuarantinedBatch } from '../types.ts';

type Row = Record<string, unknown>;

/**
 * Quarantined batches and chain segments (PostgreSQL), as SqliteSegments does it: one transaction per quarantine,
 * under the agent's row lock (the lock append_batch takes), with the batch's bytes, its one finding and — when it
 * reached past the chain head — the head moved to its signed last hash plus a segment boundary.
 */
export class PostgresSegments {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Runs inside the caller's transaction on `client`. */
  async quarantine(client: pg.PoolClient, input: QuarantineInput): Promise<QuarantineOutcome> {
    const lastSeq = input.firstSeq + input.events.length - 1;
    const digest = batchDigest(input);
    const head = async () => (await client.query<{ seq: number; hash: Buffer }>('SELECT last_seq AS seq, last_hash AS hash FROM agents WHERE id = $1', [input.agentId])).rows[0]
      ?? { seq: 0, hash: Buffer.alloc(32) };
    await client.query('SELECT 1 FROM agents WHERE id = $1 FOR UPDATE', [input.agentId]);
    const inserted = await client.query<{ id: number }>(
      `INSERT INTO quarantined_batches (agent_id, pc, first_seq, last_seq, prev_hash, last_hash, signature, code, finding_kind, detail, digest, first_ms, last_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT (agent_id, digest) DO NOTHING RETURNING id`,
      [input.agentId, input.pc, input.firstSeq, lastSeq, input.prevHash, input.lastHash, input.signature, input.code, input.finding.kind,
        input.finding.detail, digest, input.timeMs],
    );
    if (inserted.rows.length === 0) {
      const { rows } = await client.query<{ id: number; attempts: number }>(
        'UPDATE quarantined_batches SET attempts = attempts + 1, last_ms = $1 WHERE agent_id = $2 AND digest = $3 RETURNING id, attempts',
        [input.timeMs, input.agentId, digest]);
      return { id: rows[0]!.id, firstTime: false, attempts: rows[0]!.attempts, head: await head() };
    }
    const id = inserted.rows[0]!.id;
    await client.query(
      'INSERT INTO quarantined_events (quarantine_id, position, bytes) SELECT $1, p - 1, b FROM unnest($2::bytea[]) WITH ORDINALITY AS e(b, p)',
      [id, input.events]);
    await client.query('INSERT INTO integrity_findings (agent_id, pc, time_ms, kind, detail) VALUES ($1, $2, $3, $4, $5)',
      [input.finding.agentId, input.finding.pc, input.finding.timeMs, input.finding.kind, input.finding.detail]);
    const moved = await client.query('UPDATE agents SET last_seq = $1, last_hash = $2 WHERE id = $3 AND last_seq < $1', [lastSeq, input.lastHash, input.agentId]);
    if ((moved.rowCount ?? 0) > 0) {
      await this.recordSegment(client, {
        agentId: input.agentId, startSeq: lastSeq + 1, anchorHash: input.lastHash, reason: 'quarantine', quarantineId: id, timeMs: input.timeMs,
        anchorJson: input.segmentAnchorJson ?? null,
        detail: `events ${input.firstSeq}..${lastSeq} quarantined (${input.code}); the chain goes on from the batch's signed last hash`,
      });
    }
    return { id, firstTime: true, attempts: 1, head: await head() };
  }

  async recordSegment(runner: pg.Pool | pg.PoolClient, segment: ChainSegment): Promise<void> {
    await runner.query(
      `INSERT INTO chain_segments (agent_id, start_seq, anchor_hash, reason, detail, quarantine_id, time_ms, anchor_json)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [segment.agentId, segment.startSeq, segment.anchorHash, segment.reason, segment.detail, segment.quarantineId, segment.timeMs, segment.anchorJson ?? null]);
  }

  async segments(agentId: string): Promise<ChainSegment[]> {
    const { rows } = await this.#pool.query<ChainSegment>(
      `SELECT agent_id AS "agentId", start_seq AS "startSeq", anchor_hash AS "anchorHash", reason, detail, quarantine_id AS "quarantineId",
        time_ms AS "timeMs", anchor_json AS "anchorJson" FROM chain_segments WHERE agent_id = $1 ORDER BY start_seq, id`, [agentId]);
    return rows;
  }

  async quarantined(agentId: string): Promise<QuarantinedBatch[]> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM quarantined_batches WHERE agent_id = $1 ORDER BY first_seq, id', [agentId]);
    const { rows: events } = await this.#pool.query<{ id: number; bytes: Buffer }>(
      `SELECT e.quarantine_id AS id, e.bytes FROM quarantined_events e JOIN quarantined_batches q ON q.id = e.quarantine_id
       WHERE q.agent_id = $1 ORDER BY e.quarantine_id, e.position`, [agentId]);
    return rows.map((row) => ({
      id: row.id as number, agentId: row.agent_id as string, pc: row.pc as string, firstSeq: row.first_seq as number,
      lastSeq: row.last_seq as number, prevHash: row.prev_hash as Buffer, lastHash: row.last_hash as Buffer,
      signature: row.signature as Buffer, code: row.code as string, findingKind: row.finding_kind as string, detail: row.detail as string,
      firstMs: row.first_ms as number, lastMs: row.last_ms as number, attempts: row.attempts as number,
      events: events.filter((e) => e.id === row.id).map((e) => e.bytes),
    }));
  }
}

/** Identifies one exact batch (the same digest as SQLite's, so a store copied across keeps recognising resends). */
function batchDigest(input: QuarantineInput): Buffer {
  const hash = createHash('sha256').update(`${input.firstSeq}:${input.events.length}\0`).update(input.prevHash).update(input.lastHash).update(input.signature);
  for (const bytes of input.events) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  return hash.digest();
}
