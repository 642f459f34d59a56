import type pg from 'pg';
import type { OperationsRepository, OperationsSnapshot } from '../../repositories/operations.ts';

/** Unprojected events counted at most this far (a count past it reads as "at least"): the count walks an index. */
const lagCountCap = 1_000_000;

/** Events after the projection cursor, in the projector's (tx, id) order. */
const afterCursor = '(tx, id) > (SELECT tx, event_id FROM projection_cursor)';

export class PostgresOperationsRepository implements OperationsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async snapshot(nowMs: number): Promise<OperationsSnapshot> {
    // Ids come from a sequence (events are partitioned: no index on id alone); a rolled-back batch leaves its ids
    // taken, so this counts ids handed out, which is the stored count unless batches failed.
    const stored = (await this.pool.query<{ n: number }>('SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM events_id_seq')).rows[0]!.n;
    const lag = (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM events WHERE ${afterCursor} LIMIT ${lagCountCap}) pending`)).rows[0]!.n;
    const oldest = (await this.pool.query<{ receivedMs: number }>(`SELECT received_ms AS "receivedMs" FROM events WHERE ${afterCursor} ORDER BY tx, id LIMIT 1`)).rows[0];
    const agents = (await this.pool.query<{ enrolled: number; connected: number; backlogSum: number; backlogMax: number; withBacklog: number }>(`SELECT
      COUNT(*) AS enrolled, COUNT(*) FILTER (WHERE connected) AS connected, COALESCE(SUM(journal_backlog), 0) AS "backlogSum",
      COALESCE(MAX(journal_backlog), 0) AS "backlogMax", COUNT(*) FILTER (WHERE journal_backlog > 0) AS "withBacklog" FROM agents WHERE retired_ms IS NULL`)).rows[0]!;
    const outbox = (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM notify_outbox WHERE sent_ms IS NULL AND failed_ms IS NULL')).rows[0]!.n;
    const findings = (await this.pool.query<{ kind: string; count: number }>('SELECT kind, COUNT(*) AS count FROM integrity_findings GROUP BY kind ORDER BY kind COLLATE "C"')).rows;
    return {
      eventsStored: stored,
      projectionLagEvents: lag,
      projectionLagMs: oldest ? Math.max(0, nowMs - oldest.receivedMs) : 0,
      agentsEnrolled: agents.enrolled,
      agentsConnected: agents.connected,
      journalBacklogSum: agents.backlogSum,
      journalBacklogMax: agents.backlogMax,
      agentsWithBacklog: agents.withBacklog,
      outboxPending: outbox,
      integrityFindings: findings,
    };
  }

  async hasUnprojected(): Promise<boolean> {
    return (await this.pool.query<{ pending: boolean }>(`SELECT EXISTS (SELECT 1 FROM events WHERE ${afterCursor}) AS pending`)).rows[0]!.pending;
  }

  async ping(): Promise<void> {
    const row = (await this.pool.query<{ ok: number }>('SELECT 1 AS ok')).rows[0];
    if (row?.ok !== 1) throw new Error('database did not answer');
  }
}
