import type Database from 'better-sqlite3';
import { signalChange } from '../change-signals.ts';
import type { OutboxProblemRow, OutboxState, SettingsRepository, StoredSetting } from '../../repositories/settings.ts';

export class SqliteSettingsRepository implements SettingsRepository {
  constructor(private readonly db: Database.Database) {}

  async all(): Promise<StoredSetting[]> {
    const rows = this.db.prepare('SELECT key, value_json AS valueJson, updated_ms AS updatedMs, updated_by AS updatedBy FROM collector_settings ORDER BY key')
      .all() as { key: string; valueJson: string; updatedMs: number; updatedBy: string }[];
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.valueJson) as unknown, updatedMs: r.updatedMs, updatedBy: r.updatedBy }));
  }

  async put(key: string, value: unknown, actor: string, nowMs: number): Promise<void> {
    this.db.prepare(`INSERT INTO collector_settings (key, value_json, updated_ms, updated_by) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_ms = excluded.updated_ms, updated_by = excluded.updated_by`)
      .run(key, JSON.stringify(value), nowMs, actor);
    signalChange(this.db.name, 'setting');
  }

  async outboxState(nowMs: number): Promise<OutboxState> {
    const counts = this.db.prepare(`SELECT
        SUM(sent_ms IS NULL AND failed_ms IS NULL AND attempts = 0) AS queued,
        SUM(sent_ms IS NULL AND failed_ms IS NULL AND attempts > 0) AS failing,
        SUM(failed_ms IS NOT NULL) AS failed,
        SUM(sent_ms >= ?) AS sentLastDay
      FROM notify_outbox`).get(nowMs - 86_400_000) as Record<string, number | null>;
    const problems = this.db.prepare(`SELECT id, recipient, subject, attempts, last_error AS lastError, created_ms AS createdMs,
        next_attempt_ms AS nextAttemptMs, failed_ms AS failedMs
      FROM notify_outbox WHERE sent_ms IS NULL AND (attempts > 0 OR failed_ms IS NOT NULL) ORDER BY id DESC LIMIT 20`).all() as OutboxProblemRow[];
    return { queued: counts.queued ?? 0, failing: counts.failing ?? 0, failed: counts.failed ?? 0, sentLastDay: counts.sentLastDay ?? 0, problems };
  }
}
