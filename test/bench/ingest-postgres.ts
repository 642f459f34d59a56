// bench:ingest on PostgreSQL: a durable throwaway PostgreSQL 15 for the run, a fresh database per scenario, and the
// ceiling: the same rows COPYed into a fresh database with the same schema (no network to agents, no decoding,
// no verification, no idempotency check, no chain head). The events go in binary COPY, as the store writes them:
// a text COPY would spell every byte in hex and make the ceiling slower than the path it bounds. It COPYs on as many
// connections at once as the appender commits on (group-append.ts, defaultGroupConcurrency = 2): with one
// connection it measured the server's one backend, ~16-19 µs of CPU a row here (six indexes per event), i.e. a ceiling
// below what the collector's two committing groups may reach; two connections COPYed 50-58k rows/s against 37-53k.
// The rows are encoded by the store's own encoder and sent as the store sends them (event-copy.ts writeEventCopy: one
// chunk per batch, no concatenation), so a cheaper encoder lowers both sides' cost alike. The bench also reads the
// server's CPU seconds (postmaster and children, from /proc) in the ingest window and in the ceiling's COPY: what
// the backends cost per row, which on these 2 cores is CPU the collector does not get (it measures, it changes nothing).
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { PostgresStore } from '@mamori/collector';
import type { AcceptedBatch } from '../../collector/src/store/types.ts';
import { encodeEventRows, eventCopyColumns, writeEventCopy } from '../../collector/src/store/postgres/event-copy.ts';
import { defaultGroupConcurrency } from '../../collector/src/store/postgres/group-append.ts';
import { startPostgres, type PostgresServer } from '../harness/postgres.ts';

export interface PostgresBench {
  server: PostgresServer;
  /** A fresh database for one scenario. */
  database(): Promise<string>;
  /** True once the projection cursor passed every stored event. */
  caughtUp(url: string): Promise<boolean>;
  /**
   * Rows per second COPYed: all batches' events in binary and the batch rows, split over as many connections as the
   * appender commits on at once (one transaction, one events COPY and one batches COPY each).
   */
  ceiling(batches: AcceptedBatch[]): Promise<{ eventsPerS: number; serverCpuS: number }>;
  /** The server's CPU seconds so far (postmaster, its live processes and those it reaped): backends, WAL writer, checkpointer. */
  serverCpuSeconds(): number;
  stop(): Promise<void>;
}

/** utime + stime (+ cutime + cstime: reaped children) of one process from /proc, in seconds (clock ticks are 100/s on Linux). */
function cpuOf(pid: number, children: boolean): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (children ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
}

/**
 * The whole server's CPU seconds: the postmaster with the children it reaped, plus every live child (a backend,
 * the WAL writer, the checkpointer…). Load-independent, unlike the rates: the server's share of a run's CPU.
 */
function serverCpuSeconds(postmaster: number): number {
  let total = cpuOf(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.split(') ')[1]!.split(' ')[1]) === postmaster) total += cpuOf(Number(entry), false);
    } catch {
      // the process ended between the listing and the read: its time is in the postmaster's cutime now
    }
  }
  return total;
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

/** One connection's share of the ceiling: its batches' events in one binary COPY and their batch rows, one transaction. */
async function copyShare(client: pg.PoolClient, batches: AcceptedBatch[], receivedMs: number): Promise<void> {
  await client.query('BEGIN');
  // The same binary rows the store's group append COPYs (event-copy.ts).
  const events = client.query(copyStreams.from(`COPY events (${eventCopyColumns}) FROM STDIN (FORMAT binary)`));
  await new Promise<void>((resolve, reject) => {
    events.on('finish', resolve);
    events.on('error', reject);
    writeEventCopy(events, batches.map((b) => encodeEventRows(b, receivedMs)));
  });
  await copyRows(client, 'COPY batches (agent_id, first_seq, last_seq, prev_hash, last_hash, signature, received_ms) FROM STDIN', (function* () {
    for (const b of batches) yield `${b.agentId}\t${b.firstSeq}\t${b.lastSeq}\t${hex(b.prevHash)}\t${hex(b.lastHash)}\t${hex(b.signature)}\t${receivedMs}\n`;
  })());
  await client.query('COMMIT');
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

/**
 * BENCH_PG_STATEMENTS=1 (a profiling aid, not for figures: tracking costs a little): pg_stat_statements on, and the
 * statements that took the server's time are printed when the ingest window ends (the first caught-up check) and
 * again before the ceiling (the projection's catch-up).
 */
const traceStatements = process.env.BENCH_PG_STATEMENTS === '1';

async function printStatements(server: PostgresServer, label: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ ms: number; calls: string; rows: string; query: string }>(
      `SELECT round(total_exec_time)::float8 AS ms, calls, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12`);
    console.log(`[pg statements: ${label}] ms calls rows query`);
    for (const row of rows) console.log(`  ${String(row.ms).padStart(8)} ${row.calls.padStart(6)} ${row.rows.padStart(8)}  ${row.query}`);
    await client.query('SELECT pg_stat_statements_reset()');
  } finally {
    await client.end();
  }
}

export async function startPostgresBench(): Promise<PostgresBench> {
  // Durable as in production: fsync and synchronous commit on (the harness turns them off only for tests).
  const settings = {
    ...(process.env.DEBUG_PG_PLAIN ? {} : serverSettings),
    ...(traceStatements ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {}),
  };
  const server = await startPostgres({ durable: true, settings });
  if (traceStatements) {
    const client = new pg.Client({ connectionString: server.url('postgres') });
    await client.connect();
    await client.query('CREATE EXTENSION pg_stat_statements');
    await client.end();
  }
  let n = 0;
  const traced = new Set<string>();
  return {
    server,
    database: () => server.createDatabase(`bench_${++n}`),
    async caughtUp(url) {
      if (traceStatements && !traced.has(url)) {
        traced.add(url);
        await printStatements(server, 'ingest window');
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ behind: boolean }>(
          // The cursor as a scalar subquery: the row comparison becomes an index condition on events_projection. As a
          // join it was a scan of every event (~54 ms a call, polled every 20 ms: server CPU the catch-up then lacked).
          'SELECT EXISTS (SELECT 1 FROM events WHERE (tx, id) > (SELECT tx, event_id FROM projection_cursor)) AS behind');
        return !rows[0]!.behind;
      } finally {
        await client.end();
      }
    },
    async ceiling(batches) {
      if (traceStatements) await printStatements(server, 'projection catch-up');
      const url = await server.createDatabase(`ceiling_${++n}`);
      const store = await PostgresStore.open({ url });
      await store.partitions.ensure(Date.now());
      // As many connections as the collector's appender commits on at once, each COPYing its share of the batches.
      const shares = Array.from({ length: defaultGroupConcurrency }, (_, i) => batches.filter((_, j) => j % defaultGroupConcurrency === i));
      const clients = await Promise.all(shares.map(() => store.pool.connect()));
      try {
        const receivedMs = Date.now();
        const cpuBefore = serverCpuSeconds(server.pid);
        const started = performance.now();
        await Promise.all(clients.map((client, i) => copyShare(client, shares[i]!, receivedMs)));
        const seconds = (performance.now() - started) / 1000;
        return { eventsPerS: batches.reduce((sum, b) => sum + b.events.length, 0) / seconds, serverCpuS: serverCpuSeconds(server.pid) - cpuBefore };
      } finally {
        for (const client of clients) client.release();
        await store.close();
      }
    },
    serverCpuSeconds: () => serverCpuSeconds(server.pid),
    stop: () => server.stop(),
  };
}
