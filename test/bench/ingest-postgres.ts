// bench:ingest on PostgreSQL: a durable throwaway PostgreSQL 15 for the run, a fresh database per scenario, and the
// ceiling: the same rows COPYed into a fresh database with the same schema (no network to agents, no decoding,
// no verification, no idempotency check, no chain head).
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { PostgresStore } from '@mamori/collector';
import type { AcceptedBatch } from '../../collector/src/store/types.ts';
import { startPostgres, type PostgresServer } from '../harness/postgres.ts';

export interface PostgresBench {
  server: PostgresServer;
  /** A fresh database for one scenario. */
  database(): Promise<string>;
  /** True once the projection cursor passed every stored event. */
  caughtUp(url: string): Promise<boolean>;
  /** Rows per second COPYed (all batches' events and the batch rows, one COPY each, one transaction). */
  ceiling(batches: AcceptedBatch[]): Promise<number>;
  stop(): Promise<void>;
}

const hex = (bytes: Buffer) => `\\\\x${bytes.toString('hex')}`;
const text = (value: string) => value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

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

export async function startPostgresBench(): Promise<PostgresBench> {
  // Durable as in production: fsync and synchronous commit on (the harness turns them off only for tests).
  const server = await startPostgres({ durable: true });
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
        await copyRows(client, 'COPY events (agent_id, seq, pc, time_ms, received_ms, kind, user_name, hash, bytes, seal_chain, seal_epoch, seal) FROM STDIN', (function* () {
          for (const b of batches) {
            for (let i = 0; i < b.events.length; i += 1) {
              const e = b.events[i]!;
              const seal = b.seal ? `${b.seal.chain}\t${b.seal.epochs[i]}\t${hex(b.seal.seals.subarray(i * 32, i * 32 + 32))}` : '\\N\t\\N\t\\N';
              yield `${b.agentId}\t${e.seq}\t${text(e.envelope.pc)}\t${e.envelope.timeMs}\t${receivedMs}\t${e.envelope.kind}\t${text(e.envelope.user)}\t${hex(e.hash)}\t${hex(e.bytes)}\t${seal}\n`;
            }
          }
        })());
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
