import type Database from 'better-sqlite3';
import type { SiemAlertRecord, SiemAuditRecord, SiemRecordStream, SiemRecordsRepository } from '../../repositories/siem-records.ts';

export class SqliteSiemRecordsRepository implements SiemRecordsRepository {
  readonly #cursor;
  readonly #advance;
  readonly #alerts;
  readonly #audit;
  readonly #lastAlert;
  readonly #lastAudit;

  constructor(db: Database.Database) {
    this.#cursor = db.prepare('SELECT last_id AS lastId, exported FROM siem_record_cursors WHERE sink = ? AND stream = ?');
    this.#advance = db.prepare(`INSERT INTO siem_record_cursors (sink, stream, last_id, exported, updated_ms) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (sink, stream) DO UPDATE SET last_id = excluded.last_id, exported = siem_record_cursors.exported + excluded.exported,
      updated_ms = excluded.updated_ms WHERE excluded.last_id > siem_record_cursors.last_id`);
    this.#alerts = db.prepare(`SELECT id, rule_id AS ruleId, rule_name AS ruleName, kind, severity, pc, user, agent_id AS agentId, title, count,
      first_ms AS firstMs, created_ms AS createdMs FROM alerts WHERE id > ? ORDER BY id LIMIT ?`);
    this.#audit = db.prepare(`SELECT id, time_ms AS timeMs, actor, action, entry_json AS entryJson, lower(hex(hash)) AS hash
      FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`);
    this.#lastAlert = db.prepare('SELECT COALESCE(MAX(id), 0) FROM alerts').pluck();
    this.#lastAudit = db.prepare('SELECT COALESCE(MAX(id), 0) FROM audit_log').pluck();
  }

  async cursor(sink: string, stream: SiemRecordStream): Promise<{ lastId: number; exported: number } | undefined> {
    return this.#cursor.get(sink, stream) as { lastId: number; exported: number } | undefined;
  }

  async advance(sink: string, stream: SiemRecordStream, lastId: number, exported: number, nowMs: number): Promise<void> {
    this.#advance.run(sink, stream, lastId, exported, nowMs);
  }

  async alertsAfter(afterId: number, limit: number): Promise<SiemAlertRecord[]> {
    return this.#alerts.all(afterId, limit) as SiemAlertRecord[];
  }

  async auditAfter(afterId: number, limit: number): Promise<SiemAuditRecord[]> {
    return this.#audit.all(afterId, limit) as SiemAuditRecord[];
  }

  async lastId(stream: SiemRecordStream): Promise<number> {
    return (stream === 'alerts' ? this.#lastAlert : this.#lastAudit).get() as number;
  }
}
