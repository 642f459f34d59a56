import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { AcceptedBatch } from '../types.ts';
import { encodeEventRows, eventCopyColumns, writeEventCopy } from './event-copy.ts';
import type { EventPartitions } from './partitions.ts';

interface Pending {
  batch: AcceptedBatch;
  receivedMs: number;
  /** The batch's events as binary COPY rows (encoded when it arrived, so a value no column holds fails it alone). */
  rows: Buffer;
  resolve: (result: { inserted: number }) => void;
  reject: (error: unknown) => void;
}

/** Groups committing at once by default, each on a connection of its own (the bench's ceiling uses as many). */
export const defaultGroupConcurrency = 2;

export interface GroupAppendOptions {
  /** Groups committing at once (default 2: one group waits for its WAL flush while the next is written). */
  concurrency?: number;
  /** A group takes batches until it holds this many events (default 20,000). */
  maxEvents?: number;
}

/**
 * Group commit for evidence: batches from many agents' streams that arrive while earlier groups are committing
 * share one transaction — one WAL flush (fsync) and a handful of round trips for the lot instead of one transaction
 * per batch. Each caller's promise resolves only after its group's COMMIT returned, so an agent is never acked
 * for evidence that is not durable. A lone batch is not held back: with no group committing it goes at once.
 *
 * Idempotency on (agent, seq) is kept as append_batch (migration 0002) keeps it, under each agent's row lock:
 * every stored event has seq <= the agent's head, so a batch starting beyond the head is all new and its events go
 * in by one binary COPY for the whole group; a resend or an overlap (rare) goes through append_batch, which checks
 * event by event. A group holds at most one batch per agent, and locks its agents in id order (no deadlock with
 * another group or another collector). If a group fails, each of its batches is retried in a transaction of its
 * own, so one bad batch fails alone.
 */
export class GroupAppend {
  /** Connections of its own (one per committing group): evidence never queues behind reads on the shared pool. */
  readonly #pool: pg.Pool;
  readonly #partitions: EventPartitions;
  readonly #concurrency: number;
  readonly #maxEvents: number;
  #pending: Pending[] = [];
  #committing = 0;

  /** `shared` is the store's pool; the appender opens its own with the same settings. */
  constructor(shared: pg.Pool, partitions: EventPartitions, options: GroupAppendOptions = {}) {
    this.#partitions = partitions;
    this.#concurrency = options.concurrency ?? defaultGroupConcurrency;
    // Kept open (no idle timeout) and opened now: a flood's first batches must not wait for connections to be made.
    // Idle, they do not keep the process alive (a CLI command or a test ends when its work does).
    this.#pool = new pg.Pool({ ...shared.options, max: this.#concurrency, idleTimeoutMillis: 0, allowExitOnIdle: true });
    // As for the shared pool: an idle connection dropping (server restart) must not crash the process.
    this.#pool.on('error', () => undefined);
    void Promise.all(Array.from({ length: this.#concurrency }, () => this.#pool.connect()))
      .then((clients) => clients.forEach((client) => client.release()), () => undefined);
    this.#maxEvents = options.maxEvents ?? 20_000;
  }

  /** Closes the appender's connections (after the store's callers stopped appending). */
  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** Stores one verified batch; resolves with how many of its events were new, once they are committed. */
  append(batch: AcceptedBatch, receivedMs: number): Promise<{ inserted: number }> {
    return new Promise((resolve, reject) => {
      let rows: Buffer;
      try {
        rows = encodeEventRows(batch, receivedMs);
      } catch (error) {
        reject(error);
        return;
      }
      this.#pending.push({ batch, receivedMs, rows, resolve, reject });
      this.#drain();
    });
  }

  #drain(): void {
    while (this.#committing < this.#concurrency && this.#pending.length > 0) {
      const group = this.#take();
      this.#committing += 1;
      void this.#commit(group).finally(() => {
        this.#committing -= 1;
        this.#drain();
      });
    }
  }

  /** The oldest pending batches, one per agent, up to the event cap (always at least one batch). */
  #take(): Pending[] {
    const group: Pending[] = [];
    const rest: Pending[] = [];
    const agents = new Set<string>();
    let events = 0;
    for (const item of this.#pending) {
      const fits = group.length === 0 || events + item.batch.events.length <= this.#maxEvents;
      if (fits && !agents.has(item.batch.agentId)) {
        group.push(item);
        agents.add(item.batch.agentId);
        events += item.batch.events.length;
      } else {
        rest.push(item);
      }
    }
    this.#pending = rest;
    return group;
  }

  async #commit(group: Pending[]): Promise<void> {
    let results: number[];
    try {
      results = await this.#write(group);
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // One batch may be what failed: each gets its own transaction and its own answer.
      await Promise.all(group.map((item) => this.#write([item]).then(
        ([inserted]) => item.resolve({ inserted: inserted! }), (cause: unknown) => item.reject(cause))));
      return;
    }
    group.forEach((item, i) => item.resolve({ inserted: results[i]! }));
  }

  /** One transaction for the group; returns each batch's count of new events. */
  async #write(group: Pending[]): Promise<number[]> {
    for (const item of group) await this.#partitions.ensure(item.receivedMs);
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const agentIds = [...new Set(group.map((item) => item.batch.agentId))].sort();
      const { rows: heads } = await client.query<{ id: string; head: number }>({
        name: 'group-append-lock-agents',
        text: 'SELECT id, last_seq AS head FROM agents WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
        values: [agentIds],
      });
      const headOf = new Map(heads.map((row) => [row.id, row.head]));
      const fresh: Pending[] = [];
      const results = new Array<number>(group.length);
      for (const [i, item] of group.entries()) {
        const head = headOf.get(item.batch.agentId);
        if (head !== undefined && item.batch.firstSeq > head) {
          fresh.push(item);
          results[i] = item.batch.events.length;
        } else {
          results[i] = await appendChecked(client, item.batch, item.receivedMs);
        }
      }
      if (fresh.length > 0) {
        await copyEvents(client, fresh.map((item) => item.rows));
        await recordBatches(client, fresh);
      }
      await client.query('COMMIT');
      return results;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

async function copyEvents(client: pg.PoolClient, rows: Buffer[]): Promise<void> {
  const stream = client.query(copyStreams.from(`COPY events (${eventCopyColumns}) FROM STDIN (FORMAT binary)`));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    writeEventCopy(stream, rows);
  });
}

/** The batch rows, their seal closes and the new chain heads of batches that start beyond their agent's head. */
async function recordBatches(client: pg.PoolClient, fresh: Pending[]): Promise<void> {
  const closes = fresh.flatMap(({ batch, receivedMs }) => (batch.seal?.closes ?? []).map((close) => ({ batch, receivedMs, close })));
  await client.query({
    name: 'group-append-record-batches',
    text: `WITH stored_batches AS (
        INSERT INTO batches (agent_id, first_seq, last_seq, prev_hash, last_hash, signature, received_ms)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bytea[], $5::bytea[], $6::bytea[], $7::bigint[])
      ), stored_closes AS (
        INSERT INTO seal_closes (agent_id, chain, epoch, last_seq, last_hash, mac, received_ms)
        SELECT * FROM unnest($8::text[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bytea[], $13::bytea[], $14::bigint[])
        ON CONFLICT DO NOTHING
      )
      UPDATE agents a SET last_seq = u.last_seq, last_hash = u.last_hash
      FROM unnest($1::text[], $3::bigint[], $5::bytea[]) AS u(id, last_seq, last_hash)
      WHERE a.id = u.id AND a.last_seq < u.last_seq`,
    values: [
      fresh.map(({ batch }) => batch.agentId), fresh.map(({ batch }) => batch.firstSeq), fresh.map(({ batch }) => batch.lastSeq),
      fresh.map(({ batch }) => batch.prevHash), fresh.map(({ batch }) => batch.lastHash), fresh.map(({ batch }) => batch.signature),
      fresh.map(({ receivedMs }) => receivedMs),
      closes.map(({ batch }) => batch.agentId), closes.map(({ batch }) => batch.seal!.chain), closes.map(({ close }) => close.epoch),
      closes.map(({ close }) => close.lastSeq), closes.map(({ close }) => close.lastHash), closes.map(({ close }) => close.mac),
      closes.map(({ receivedMs }) => receivedMs),
    ],
  });
}

/** A resend, an overlap or an agent without a row: append_batch (migration 0002) checks each event against the table. */
export async function appendChecked(client: pg.PoolClient | pg.Pool, batch: AcceptedBatch, receivedMs: number): Promise<number> {
  const { seal, events } = batch;
  const closes = seal?.closes.length ? seal.closes : null;
  const { rows } = await client.query<{ inserted: number }>(
    `SELECT append_batch($1, $2, $3, $4, $5, $6, $7, $8::bigint[], $9::text[], $10::bigint[], $11::text[], $12::text[], $13::bytea[], $14::bytea[],
      $15::bigint, $16::bigint[], $17::bytea[], $18::bigint[], $19::bigint[], $20::bytea[], $21::bytea[]) AS inserted`,
    [
      batch.agentId, batch.firstSeq, batch.lastSeq, batch.prevHash, batch.lastHash, batch.signature, receivedMs,
      events.map((e) => e.seq), events.map((e) => e.envelope.pc), events.map((e) => e.envelope.timeMs), events.map((e) => e.envelope.kind),
      events.map((e) => e.envelope.user), events.map((e) => e.hash), events.map((e) => e.bytes),
      seal?.chain ?? null, seal ? seal.epochs : null, seal ? events.map((_, i) => seal.seals.subarray(i * 32, i * 32 + 32)) : null,
      closes?.map((c) => c.epoch) ?? null, closes?.map((c) => c.lastSeq) ?? null, closes?.map((c) => c.lastHash) ?? null, closes?.map((c) => c.mac) ?? null,
    ],
  );
  return rows[0]!.inserted;
}
