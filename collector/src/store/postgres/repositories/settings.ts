import type pg from 'pg';
import type { OutboxProblemRow, OutboxState, SettingsRepository, StoredSetting } from '../../repositories/settings.ts';

/** Console-edited settings shared by every collector on the database (migration 0122), and the shared outbox's state. */
export class PostgresSettingsRepository implements SettingsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async all(): Promise<StoredSetting[]> {
    const { rows } = await this.pool.query<{ key: string; valueJson: string; updatedMs: number; updatedBy: string }>(`SELECT key, value_json AS "valueJson",
      updated_ms AS "updatedMs", updated_by AS "updatedBy" FROM collector_settings ORDER BY key COLLATE "C"`);
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.valueJson) as unknown, updatedMs: r.updatedMs, updatedBy: r.updatedBy }));
  }

  async put(key: string, value: unknown, actor: string, nowMs: number): Promise<void> {
    await this.pool.query(`INSERT INTO collector_settings (key, value_json, updated_ms, updated_by) VALUES ($1, $2, $3, $4)
      ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_ms = excluded.updated_ms, updated_by = excluded.updated_by`,
    [key, JSON.stringify(value), nowMs, actor]);
  }

  async outboxState(nowMs: number): Promise<OutboxState> {
    const counts = (await this.pool.query<Omit<OutboxState, 'problems'>>(`SELECT
        COUNT(*) FILTER (WHERE sent_ms IS NULL AND failed_ms IS NULL AND attempts = 0) AS queued,
        COUNT(*) FILTER (WHERE sent_ms IS NULL AND failed_ms IS NULL AND attempts > 0) AS failing,
        COUNT(*) FILTER (WHERE failed_ms IS NOT NULL) AS failed,
        COUNT(*) FILTER (WHERE sent_ms >= $1) AS "sentLastDay"
      FROM notify_outbox`, [nowMs - 86_400_000])).rows[0]!;
    const problems = (await this.pool.query<OutboxProblemRow>(`SELECT id, recipient, subject, attempts, last_error AS "lastError", created_ms AS "createdMs",
        next_attempt_ms AS "nextAttemptMs", failed_ms AS "failedMs"
      FROM notify_outbox WHERE sent_ms IS NULL AND (attempts > 0 OR failed_ms IS NOT NULL) ORDER BY id DESC LIMIT 20`)).rows;
    return { ...counts, problems };
  }
}
