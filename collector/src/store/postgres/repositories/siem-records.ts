import type pg from 'pg';
import type { SiemAlertRecord, SiemAuditRecord, SiemRecordStream, SiemRecordsRepository } from '../../repositories/siem-records.ts';

/**
 * Alerts and audit entries after a sink's cursors on PostgreSQL (migration 0125). Id cursors hold here because both
 * tables are written only under transaction-scoped advisory locks (alerts.ts, the store's appendAudit), so their ids
 * commit in order; a writer added without the lock would break that.
 */
export class PostgresSiemRecordsRepository implements SiemRecordsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async cursor(sink: string, stream: SiemRecordStream): Promise<{ lastId: number; exported: number } | undefined> {
    return (await this.pool.query<{ lastId: number; exported: number }>(`SELECT last_id AS "lastId", exported FROM siem_record_cursors
      WHERE sink = $1 AND stream = $2`, [sink, stream])).rows[0];
  }

  async advance(sink: string, stream: SiemRecordStream, lastId: number, exported: number, nowMs: number): Promise<void> {
    await this.pool.query(`INSERT INTO siem_record_cursors (sink, stream, last_id, exported, updated_ms) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (sink, stream) DO UPDATE SET last_id = excluded.last_id, exported = siem_record_cursors.exported + excluded.exported,
        updated_ms = excluded.updated_ms
      WHERE excluded.last_id > siem_record_cursors.last_id`, [sink, stream, lastId, exported, nowMs]);
  }

  async alertsAfter(afterId: number, limit: number): Promise<SiemAlertRecord[]> {
    return (await this.pool.query<SiemAlertRecord>(`SELECT id, rule_id AS "ruleId", rule_name AS "ruleName", kind, severity, pc, user_name AS "user",
        agent_id AS "agentId", title, count, first_ms AS "firstMs", created_ms AS "createdMs"
      FROM alerts WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit])).rows;
  }

  async auditAfter(afterId: number, limit: number): Promise<SiemAuditRecord[]> {
    return (await this.pool.query<SiemAuditRecord>(`SELECT id, time_ms AS "timeMs", actor, action, entry_json AS "entryJson", encode(hash, 'hex') AS hash
      FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit])).rows;
  }

  async lastId(stream: SiemRecordStream): Promise<number> {
    const table = stream === 'alerts' ? 'alerts' : 'audit_log';
    return (await this.pool.query<{ id: number }>(`SELECT COALESCE(MAX(id), 0) AS id FROM ${table}`)).rows[0]!.id;
  }
}
