import type pg from 'pg';
import type { ExpiredEvidence, ExpiredMonths, MonthlyRetentionRepository } from '../../repositories/retention.ts';
import { EventPartitions } from '../partitions.ts';
import { advisoryLocks, inTransaction } from './transaction.ts';

/**
 * Tables with an event_id that is not a copy of an event: the projection cursor is a position, and imported_rows
 * remembers which rows of another system's log were taken in (kept, as on SQLite, so a re-import stays idempotent).
 */
const notEventRows = new Set(['projection_cursor', 'imported_rows']);

/**
 * Retention on PostgreSQL: `events` is partitioned by the month the collector received each event, so a month goes
 * as one DROP TABLE once all of it is older than the limit. A month partly newer waits, whole, until it is not.
 * The query rows made from the month's events (every table with an event_id column, found in the catalog so a table
 * added later is covered; mail attachments with their mails) and its batches go in the same transaction.
 */
export class PostgresRetentionRepository implements MonthlyRetentionRepository {
  readonly #partitions: EventPartitions;

  constructor(private readonly pool: pg.Pool) {
    this.#partitions = new EventPartitions(pool);
  }

  async expiredMonths(beforeMs: number): Promise<ExpiredMonths> {
    const partitions = await this.#partitions.list();
    const old = partitions.filter((p) => p.toMs <= beforeMs);
    const partly = partitions.find((p) => p.fromMs < beforeMs && p.toMs > beforeMs);
    const waiting = partly ? { month: partly.name, untilMs: partly.toMs } : undefined;
    const cutoffMs = Math.max(0, ...old.map((p) => p.toMs));
    if (old.length === 0) return { months: [], cutoffMs, waiting, agents: [] };
    const { rows } = await this.pool.query<ExpiredEvidence>(`SELECT agent_id AS "agentId", MIN(seq) AS "fromSeq", MAX(seq) AS "toSeq", COUNT(*) AS events
      FROM events WHERE received_ms < $1 GROUP BY agent_id ORDER BY agent_id COLLATE "C"`, [cutoffMs]);
    return { months: old.map((p) => p.name), cutoffMs, waiting, agents: rows };
  }

  async dropMonths(months: string[]): Promise<Map<string, number>> {
    const known = new Map((await this.#partitions.list()).map((p) => [p.name, p]));
    const dropped = new Map<string, number>();
    await inTransaction(this.pool, async (client) => {
      // Two collectors' retention runs drop one after the other; the second finds the month gone and counts nothing.
      await client.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.retention]);
      const tables = await eventRowTables(client);
      for (const month of months) {
        const partition = known.get(month);
        if (!partition) continue;
        const exists = (await client.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [month])).rows[0]!.oid;
        if (!exists) continue;
        const ids = `SELECT id FROM ${month}`;
        for (const { agentId, n } of (await client.query<{ agentId: string; n: number }>(`SELECT agent_id AS "agentId", COUNT(*) AS n FROM ${month} GROUP BY agent_id`)).rows) {
          dropped.set(agentId, (dropped.get(agentId) ?? 0) + n);
        }
        if (tables.includes('mails')) await client.query(`DELETE FROM mail_attachments WHERE mail_id IN (SELECT id FROM mails WHERE event_id IN (${ids}))`);
        // Risk observations of integrity findings (event_id = -finding id) are not rows of events: they stay.
        for (const table of tables) await client.query(`DELETE FROM ${table} WHERE event_id IN (${ids})`);
        await client.query('DELETE FROM batches WHERE received_ms >= $1 AND received_ms < $2', [partition.fromMs, partition.toMs]);
        await client.query(`DROP TABLE ${month}`);
      }
    });
    return dropped;
  }
}

/** Every table holding rows made from events (an event_id column), the events partitions and cursors aside. */
async function eventRowTables(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`SELECT c.table_name AS name FROM information_schema.columns c
    JOIN pg_class t ON t.relname = c.table_name AND t.relkind = 'r' AND NOT t.relispartition
    WHERE c.table_schema = current_schema() AND c.column_name = 'event_id' ORDER BY c.table_name`);
  return rows.map((r) => r.name).filter((name) => !notEventRows.has(name));
}
