// bench:ingest on PostgreSQL: a durable throwaway PostgreSQL 15 for the run, a fresh database per scenario, and the
// ceiling: the same rows COPYed into a fresh database with the same schema (no network to agents, no decoding,
// no verification, no idempotency check, no chain head). The events go in binary COPY, as the store writes them:
// a text COPY would spell every byte in hex and make the ceiling slower than the path it bounds.
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { PostgresStore } from '@mamori/collector';
import type { AcceptedBatch } from '../../collector/src/store/types.ts';
import { encodeEventRows, eventCopyColumns, eventCopyStream } from '../../collector/src/store/postgres/event-copy.ts';
import { startPostgres, type PostgresServer } from '../harness/postgres.ts';

export interface PostgresBench {
  server: PostgresServer;
  /** A fresh database for one scenario. */
  database(): Promise<string>;
  /** True once the projection cursor passed every stored event. */
  caughtUp(url: string): Promise<boolean>;
  /** Rows per second COPYed (all batches' events in binary and the batch rows, one COPY each, one transaction). */
  ceiling(batches: AcceptedBatch[]): Promise<number>;
  stop(): Promise<void>;
}

const hex = (bytes: Buffer) => `\\\\x${bytes.toString('hex')}`;

async function copyRows(client: pg.PoolClient | pg.Client, sql: string, rows: Iterable<string>): Promise<void> {
  const stream = client.query(copyStreams.from(sql));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let chunk = '';
  for (const row of rows) {
    chunk += row;
    if (chunk.length > 1 << 20) {
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
      chunk = '';
    }
  }
  stream.end(chunk);
  await finished;
}

/**
 * The bench server's settings beside the harness's: durability stays as in production (fsync, synchronous_commit,
 * full_page_writes on); what changes is room, so a run is not timed through checkpoints it would not see on a
 * sized server: WAL and shared buffers of a dedicated database host, no checkpoint forced by WAL volume or the clock
 * inside a run (a run writes ~1 GB of WAL). The ceiling runs on this same server.
 */
const serverSettings: Record<string, string> = {
  shared_buffers: '1GB', wal_buffers: '64MB', max_wal_size: '16GB', min_wal_size: '1GB', checkpoint_timeout: '30min',
};

export async function startPostgresBench(): Promise<PostgresBench> {
  // Durable as in production: fsync and synchronous commit on (the harness turns them off only for tests).
  const server = await startPostgres({ durable: true, settings: process.env.DEBUG_PG_PLAIN ? {} : serverSettings });
  let n = 0;
  return {
    server,
    database: () => server.createDatabase(`bench_${++n}`),
    async caughtUp(url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ behind: boolean }>(
          'SELECT EXISTS (SELECT 1 FROM events e, projection_cursor c WHERE (e.tx, e.id) > (c.tx, c.event_id)) AS behind');
        return !rows[0]!.behind;
      } finally {
        await client.end();
      }
    },
    async ceiling(batches) {
      const url = await server.createDatabase(`ceiling_${++n}`);
      const store = await PostgresStore.open({ url });
      await store.partitions.ensure(Date.now());
      const client = await store.pool.connect();
      try {
        const receivedMs = Date.now();
        const started = performance.now();
        await client.query('BEGIN');
        // The same binary rows the store's group append COPYs (event-copy.ts), all batches in one COPY.
        const events = client.query(copyStreams.from(`COPY events (${eventCopyColumns}) FROM STDIN (FORMAT binary)`));
        await new Promise<void>((resolve, reject) => {
          events.on('finish', resolve);
          events.on('error', reject);
          events.end(eventCopyStream(batches.map((b) => encodeEventRows(b, receivedMs))));
        });
        await copyRows(client, 'COPY batches (agent_id, first_seq, last_seq, prev_hash, last_hash, signature, received_ms) FROM STDIN', (function* () {
          for (const b of batches) yield `${b.agentId}\t${b.firstSeq}\t${b.lastSeq}\t${hex(b.prevHash)}\t${hex(b.lastHash)}\t${hex(b.signature)}\t${receivedMs}\n`;
        })());
        await client.query('COMMIT');
        const seconds = (performance.now() - started) / 1000;
        return batches.reduce((sum, b) => sum + b.events.length, 0) / seconds;
      } finally {
        client.release();
        await store.close();
      }
    },
    stop: () => server.stop(),
  };
}
