import type pg from 'pg';
import type { AlertedEvent, AlertWindowsRepository, WindowEventsQuery } from '../../repositories/alert-windows.ts';
import { decodeStoredEvents } from '../../decode-stored-events.ts';
import type { ProjectedEvent, StoredEvent } from '../../types.ts';

const eventColumns = 'id, agent_id AS "agentId", seq, pc, time_ms AS "timeMs", received_ms AS "receivedMs", kind, user_name AS "user", hash, bytes';

export class PostgresAlertWindowsRepository implements AlertWindowsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async *projectedEvents(query: WindowEventsQuery): AsyncIterable<ProjectedEvent[]> {
    // Projected means at or before the shared cursor in (transaction, id) order: what a former leader handed on.
    const cursor = (await this.pool.query<{ tx: string; eventId: number }>('SELECT tx::text AS tx, event_id AS "eventId" FROM projection_cursor')).rows[0]!;
    for (const kind of query.kinds) {
      let after = { timeMs: query.fromMs, id: Number.MAX_SAFE_INTEGER };
      for (;;) {
        // Index events_kind_time; `time_ms >= $2` bounds its range (the row comparison alone does not).
        const rows = (await this.pool.query<StoredEvent>(`SELECT ${eventColumns} FROM events
          WHERE kind = $1 AND time_ms >= $2 AND (time_ms, id) > ($2, $3) AND (tx, id) <= ($4::xid8, $5::bigint)
          ORDER BY time_ms, id LIMIT $6`, [kind, after.timeMs, after.id, cursor.tx, cursor.eventId, query.chunk])).rows;
        const events = decodeStoredEvents(rows);
        if (events.length > 0) yield events;
        if (rows.length < query.chunk) break;
        const last = rows.at(-1)!;
        after = { timeMs: last.timeMs, id: last.id };
      }
    }
  }

  async alertedEvents(ruleIds: string[], fromMs: number): Promise<AlertedEvent[]> {
    if (ruleIds.length === 0) return [];
    return (await this.pool.query<AlertedEvent>(`SELECT a.rule_id AS "ruleId", ae.event_id AS "eventId" FROM alerts a
      JOIN alert_events ae ON ae.alert_id = a.id WHERE a.last_ms > $1 AND a.rule_id = ANY($2::text[])`, [fromMs, ruleIds])).rows;
  }
}
