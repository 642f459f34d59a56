// bench:log-search-postgres: keyword search of the combined log on PostgreSQL with pg_trgm (migration 0102), on a
// throwaway PostgreSQL 15. BENCH_ROWS log entries (default 200,000) of Japanese and ASCII names are generated in
// SQL; each query runs through PostgresLogsRepository (first page of 100), with the GIN trigram index and again
// after dropping it. Prints figures and a final JSON line; asserts nothing.
import { PostgresStore } from '../../collector/src/store/postgres/postgres-store.ts';
import { PostgresLogsRepository } from '../../collector/src/store/postgres/repositories/logs.ts';
import { startPostgres } from '../harness/postgres.ts';

const rows = Number(process.env.BENCH_ROWS ?? 200_000);
const repeats = 5;
// 見積書 is rare (1 row in 1,000), 顧客名簿 and report common (1 in 6); 名簿 (common) and 営業 (rare) are two
// characters, which pg_trgm cannot look up (no trigram): they show what a short Japanese word costs.
const queries = ['見積書', '顧客名簿', '名簿', '営業', 'report', '見積書 tokyo'];

const server = await startPostgres();
try {
  const url = await server.createDatabase('log_search');
  const store = await PostgresStore.open({ url });
  const started = performance.now();
  await store.pool.query(`INSERT INTO log_entries (event_id, time_ms, pc, user_name, kind, action, summary, detail, size_bytes)
    SELECT i, 1700000000000 + i * 1000, 'PC-' || (i % 3000), 'user' || (i % 500), 'print_job', 'completed',
      CASE WHEN i % 1000 = 0 THEN '営業見積書_' ELSE (ARRAY['顧客名簿_', '議事録_', '契約書_', '設計図面_', 'Quarterly report ', '請求書_'])[1 + i % 6] END || i || '.pdf',
      (ARRAY['tokyo', 'osaka', 'nagoya'])[1 + i % 3] || ' · ' || (1 + i % 9) || ' pages', 1000
    FROM generate_series(1, $1) AS i`, [rows]);
  await store.pool.query('ANALYZE log_entries');
  const loadS = (performance.now() - started) / 1000;
  const sizes = (await store.pool.query<{ table: number; trigram: number }>(`SELECT pg_total_relation_size('log_entries') AS table,
    pg_relation_size('log_entries_text') AS trigram`)).rows[0]!;
  const logs = new PostgresLogsRepository(store.pool);

  const measure = async (): Promise<Record<string, { ms: number; hits: number }>> => {
    const result: Record<string, { ms: number; hits: number }> = {};
    for (const text of queries) {
      let best = Infinity;
      let hits = 0;
      for (let i = 0; i < repeats; i += 1) {
        const t = performance.now();
        hits = (await logs.search({ text, limit: 100 })).length;
        best = Math.min(best, performance.now() - t);
      }
      result[text] = { ms: Math.round(best * 10) / 10, hits };
    }
    return result;
  };
  const plan = (await store.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT event_id FROM log_entries le
    WHERE (le.summary || E'\\n' || le.detail) ILIKE '%見積書%' ORDER BY time_ms DESC LIMIT 100`)).rows.map((r) => r['QUERY PLAN']).join('\n');
  const usesIndex = plan.includes('log_entries_text');
  const withIndex = await measure();
  await store.pool.query('DROP INDEX log_entries_text');
  const withoutIndex = await measure();
  await store.close();

  console.log(`log entries: ${rows.toLocaleString()} (generated in ${loadS.toFixed(1)} s); table ${(sizes.table / 2 ** 20).toFixed(1)} MiB, trigram index ${(sizes.trigram / 2 ** 20).toFixed(1)} MiB`);
  console.log(`the planner uses the trigram index for a Japanese word: ${usesIndex}`);
  for (const text of queries) {
    console.log(`  ${text.padEnd(12)} with index ${String(withIndex[text]!.ms).padStart(8)} ms   without ${String(withoutIndex[text]!.ms).padStart(8)} ms   (${withIndex[text]!.hits} hits on the first page)`);
  }
  console.log(JSON.stringify({ bench: 'log-search-postgres', rows, table_mib: sizes.table / 2 ** 20, trigram_index_mib: sizes.trigram / 2 ** 20, japanese_uses_index: usesIndex, with_index_ms: withIndex, without_index_ms: withoutIndex }));
} finally {
  await server.stop();
}
