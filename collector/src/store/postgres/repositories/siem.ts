import type pg from 'pg';
import type { SiemEvent, SiemRepository } from '../../repositories/siem.ts';

const eventColumns = `e.id, o.position, e.agent_id AS "agentId", e.seq, e.pc, e.time_ms AS "timeMs", e.received_ms AS "receivedMs", e.kind,
  e.user_name AS "user", e.hash, e.bytes`;

/**
 * SIEM export on PostgreSQL: cursors are positions in export_order, given by the projector as events become final
 * (migration 0124), so an event whose transaction commits after a later-numbered one is exported, not skipped.
 * Events are exported once projected (the projector runs continuously; a pass is what makes them final anyway).
 */
export class PostgresSiemRepository implements SiemRepository {
  constructor(private readonly pool: pg.Pool) {}

  async cursor(sink: string): Promise<{ position: number; exported: number } | undefined> {
    return (await this.pool.query<{ position: number; exported: number }>('SELECT position, exported FROM siem_cursors WHERE sink = $1', [sink])).rows[0];
  }

  async advance(sink: string, position: number, exported: number, nowMs: number): Promise<void> {
    await this.pool.query(`INSERT INTO siem_cursors (sink, position, exported, updated_ms) VALUES ($1, $2, $3, $4)
      ON CONFLICT (sink) DO UPDATE SET position = excluded.position, exported = siem_cursors.exported + excluded.exported, updated_ms = excluded.updated_ms
      WHERE excluded.position > siem_cursors.position`, [sink, position, exported, nowMs]);
  }

  async eventsAfter(position: number, limit: number): Promise<SiemEvent[]> {
    return (await this.pool.query<SiemEvent>(`SELECT ${eventColumns} FROM export_order o
      JOIN events e ON e.tx = o.tx AND e.id = o.event_id AND e.received_ms = o.received_ms
      WHERE o.position > $1 ORDER BY o.position LIMIT $2`, [position, limit])).rows;
  }

  async lastPosition(): Promise<number> {
    return (await this.pool.query<{ position: number }>('SELECT COALESCE(MAX(position), 0) AS position FROM export_order')).rows[0]!.position;
  }

  async positionOf(agentId: string, seq: number): Promise<number | undefined> {
    return (await this.pool.query<{ position: number }>(`SELECT o.position FROM events e JOIN export_order o ON o.event_id = e.id
      WHERE e.agent_id = $1 AND e.seq = $2`, [agentId, seq])).rows[0]?.position;
  }
}
