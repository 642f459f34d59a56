import type pg from 'pg';
import type { HistoryCursor, HistoryRow, NotReportingPc, PcRow, PcsRepository } from '../../repositories/pcs.ts';

const pcColumns = `pc, id AS "agentId", os, connected, last_seen_ms AS "lastSeenMs", current_user_name AS "currentUser",
  agent_version AS "agentVersion", policy_version AS "policyVersion", journal_backlog AS "journalBacklog"`;
const historyColumns = 'id, agent_id AS "agentId", seq, time_ms AS "timeMs", received_ms AS "receivedMs", kind, user_name AS "user", bytes';

/** PCs from the shared agents table, with open alerts from the shared alerts table (both on PostgreSQL). */
export class PostgresPcsRepository implements PcsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<PcRow[]> {
    return (await this.pool.query<PcRow>(`SELECT ${pcColumns},
      (SELECT COUNT(*) FROM alerts a WHERE a.pc = agents.pc AND a.status != 'resolved') AS "openAlerts"
      FROM agents WHERE retired_ms IS NULL ORDER BY pc COLLATE "C"`)).rows;
  }

  async get(pc: string): Promise<PcRow | undefined> {
    return (await this.pool.query<PcRow>(`SELECT ${pcColumns},
      (SELECT COUNT(*) FROM alerts a WHERE a.pc = agents.pc AND a.status != 'resolved') AS "openAlerts"
      FROM agents WHERE pc = $1 AND retired_ms IS NULL ORDER BY enrolled_ms DESC LIMIT 1`, [pc])).rows[0];
  }

  async historyPage(pc: string, options: { before?: HistoryCursor; kinds?: string[]; limit: number }): Promise<HistoryRow[]> {
    const params: unknown[] = [pc];
    let where = 'pc = $1';
    if (options.before) {
      params.push(options.before.timeMs, options.before.id);
      where += ' AND (time_ms, id) < ($2, $3)';
    }
    if (options.kinds?.length) {
      params.push(options.kinds);
      where += ` AND kind = ANY($${params.length}::text[])`;
    }
    params.push(options.limit);
    return (await this.pool.query<HistoryRow>(`SELECT ${historyColumns} FROM events WHERE ${where} ORDER BY time_ms DESC, id DESC LIMIT $${params.length}`, params)).rows;
  }

  async historyWindow(pc: string, fromMs: number, toMs: number, limit: number): Promise<HistoryRow[]> {
    return (await this.pool.query<HistoryRow>(`SELECT ${historyColumns} FROM events WHERE pc = $1 AND time_ms BETWEEN $2 AND $3
      ORDER BY time_ms, id LIMIT $4`, [pc, fromMs, toMs, limit])).rows;
  }

  async latestInventory(pc: string): Promise<HistoryRow | undefined> {
    return (await this.pool.query<HistoryRow>(`SELECT ${historyColumns} FROM events WHERE pc = $1 AND kind = 'inventory'
      ORDER BY time_ms DESC, id DESC LIMIT 1`, [pc])).rows[0];
  }

  async currentUnlockKey(pc: string): Promise<Buffer | undefined> {
    return (await this.pool.query<{ unlock_key: Buffer }>('SELECT unlock_key FROM agents WHERE pc = $1 AND retired_ms IS NULL ORDER BY enrolled_ms DESC LIMIT 1',
      [pc])).rows[0]?.unlock_key;
  }

  async withActiveExceptions(nowMs: number): Promise<Set<string>> {
    return new Set((await this.pool.query<{ pc: string }>('SELECT DISTINCT pc FROM device_exceptions WHERE until_ms > $1 AND revoked_ms IS NULL',
      [nowMs])).rows.map((r) => r.pc));
  }

  async notReporting(beforeMs: number): Promise<NotReportingPc[]> {
    return (await this.pool.query<NotReportingPc>(`SELECT id AS "agentId", pc, last_seen_ms AS "lastSeenMs", enrolled_ms AS "enrolledMs" FROM agents
      WHERE retired_ms IS NULL AND NOT connected AND COALESCE(last_seen_ms, enrolled_ms) < $1
      ORDER BY COALESCE(last_seen_ms, enrolled_ms), pc COLLATE "C"`, [beforeMs])).rows;
  }
}
