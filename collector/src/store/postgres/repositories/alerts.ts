import type pg from 'pg';
import {
  maxBulkAlerts, maxLinkedEvents, type Alert, type AlertCandidate, type AlertEventRow, type AlertFilter, type AlertFindingRow, type AlertResolution,
  type AlertSummary, type AlertsRepository, type BulkAction, type BulkResult, type BulkTarget, type DepartmentAlertCounts, type LifecycleResult,
  type OfflinePc, type RecordedAlert,
} from '../../repositories/alerts.ts';
import type { NotifyTransaction } from '../../repositories/notify.ts';
import { alertById, alertColumns, alertWhere } from './alert-rows.ts';
import { recordCandidate } from './alert-record.ts';
import { BufferedNotifyTransaction } from './notify-transaction.ts';
import { advisoryLocks, inTransaction } from './transaction.ts';

type Filter = Omit<AlertFilter, 'limit' | 'offset'>;

export class PostgresAlertsRepository implements AlertsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async record(candidates: AlertCandidate[], nowMs: number, onRecorded?: (recorded: RecordedAlert, tx: NotifyTransaction) => void): Promise<Alert[]> {
    if (candidates.length === 0) return [];
    return inTransaction(this.pool, async (client) => {
      // One recorder at a time across every collector on this database: folding is read-then-write, and the mails'
      // rate limit counts what the others queued.
      await client.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.alerts]);
      const tx = onRecorded ? await BufferedNotifyTransaction.open(client, nowMs) : undefined;
      const alerts: Alert[] = [];
      for (const candidate of candidates) {
        const recorded = await recordCandidate(client, candidate, nowMs);
        if (onRecorded && tx) {
          await tx.reserveIds(client);
          onRecorded(recorded, tx);
        }
        alerts.push(recorded.alert);
      }
      await tx?.flush(client);
      return alerts;
    });
  }

  async get(id: number): Promise<Alert | undefined> { return alertById(this.pool, id); }

  async list(filter: AlertFilter): Promise<Alert[]> {
    const { sql, params } = alertWhere(filter);
    const n = params.length;
    return (await this.pool.query<Alert>(`SELECT ${alertColumns} FROM alerts ${sql} ORDER BY last_ms DESC, id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, filter.limit, filter.offset ?? 0])).rows;
  }

  async count(filter: Filter): Promise<number> {
    const { sql, params } = alertWhere(filter);
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM alerts ${sql}`, params)).rows[0]!.n;
  }

  async kinds(): Promise<string[]> {
    return (await this.pool.query<{ kind: string }>('SELECT DISTINCT kind FROM alerts ORDER BY kind')).rows.map((r) => r.kind);
  }

  async events(alertId: number, limit = maxLinkedEvents): Promise<AlertEventRow[]> {
    return (await this.pool.query<AlertEventRow>(`SELECT e.id, e.agent_id AS "agentId", e.seq, e.time_ms AS "timeMs", e.received_ms AS "receivedMs",
      e.kind, e.pc, e.user_name AS "user", e.bytes
      FROM alert_events ae JOIN events e ON e.id = ae.event_id WHERE ae.alert_id = $1 ORDER BY e.time_ms, e.id LIMIT $2`, [alertId, limit])).rows;
  }

  async findings(alert: Pick<Alert, 'pc' | 'kind' | 'firstMs' | 'lastMs'>, limit = 200): Promise<AlertFindingRow[]> {
    return (await this.pool.query<AlertFindingRow>(`SELECT agent_id AS "agentId", time_ms AS "timeMs", kind, detail, count FROM integrity_findings
      WHERE pc = $1 AND kind = $2 AND time_ms BETWEEN $3 AND $4 ORDER BY id LIMIT $5`, [alert.pc, alert.kind, alert.firstMs, alert.lastMs, limit])).rows;
  }

  async acknowledge(id: number, by: string, nowMs: number, note?: string): Promise<LifecycleResult> {
    return lifecycle(this.pool, id, `UPDATE alerts SET status = 'acknowledged', acknowledged_by = $2, acknowledged_ms = $3,
      note = COALESCE($4, note), updated_ms = $3 WHERE id = $1 AND status = 'new'`, [id, by, nowMs, note ?? null]);
  }

  async resolve(id: number, resolution: AlertResolution, by: string, nowMs: number, note?: string): Promise<LifecycleResult> {
    return lifecycle(this.pool, id, `UPDATE alerts SET status = 'resolved', resolution = $5, resolved_by = $2, resolved_ms = $3,
      note = COALESCE($4, note), updated_ms = $3 WHERE id = $1 AND status != 'resolved'`, [id, by, nowMs, note ?? null, resolution]);
  }

  async bulk(target: BulkTarget, action: BulkAction, by: string, nowMs: number, note?: string): Promise<BulkResult> {
    return inTransaction(this.pool, async (client): Promise<BulkResult> => {
      let ids: number[];
      if (target.ids) {
        ids = [...new Set(target.ids)];
      } else {
        const { sql, params } = alertWhere(target.filter ?? {});
        const state = action.action === 'acknowledge' ? "status = 'new'" : "status != 'resolved'";
        ids = (await client.query<{ id: number }>(`SELECT id FROM alerts ${sql ? `${sql} AND ${state}` : `WHERE ${state}`}
          ORDER BY last_ms DESC, id DESC LIMIT $${params.length + 1}`, [...params, maxBulkAlerts + 1])).rows.map((r) => r.id);
      }
      if (ids.length > maxBulkAlerts) return { ok: false, reason: 'too_many', matching: ids.length };
      const changedIds = action.action === 'acknowledge'
        ? (await client.query<{ id: number }>(`UPDATE alerts SET status = 'acknowledged', acknowledged_by = $2, acknowledged_ms = $3,
            note = COALESCE($4, note), updated_ms = $3 WHERE id = ANY($1::bigint[]) AND status = 'new' RETURNING id`, [ids, by, nowMs, note ?? null])).rows
        : (await client.query<{ id: number }>(`UPDATE alerts SET status = 'resolved', resolution = $5, resolved_by = $2, resolved_ms = $3,
            note = COALESCE($4, note), updated_ms = $3 WHERE id = ANY($1::bigint[]) AND status != 'resolved' RETURNING id`,
          [ids, by, nowMs, note ?? null, action.resolution])).rows;
      const changedSet = new Set(changedIds.map((r) => r.id));
      const rows = (await client.query<Alert>(`SELECT ${alertColumns} FROM alerts WHERE id = ANY($1::bigint[])`, [[...changedSet]])).rows;
      const byId = new Map(rows.map((a) => [a.id, a]));
      // In the order asked for, as SQLite answers.
      return { ok: true, changed: ids.filter((id) => changedSet.has(id)).map((id) => byId.get(id)!), skipped: ids.filter((id) => !changedSet.has(id)) };
    });
  }

  async summary(nowMs: number, days: number, utcOffsetMs: number): Promise<AlertSummary> {
    const dayMs = 86_400_000;
    const todayStart = Math.floor((nowMs + utcOffsetMs) / dayMs) * dayMs - utcOffsetMs;
    const fromMs = todayStart - (days - 1) * dayMs;
    const byDay = (await this.pool.query<AlertSummary['byDay'][number]>(`SELECT to_char(to_timestamp((created_ms + $1) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
      severity, COUNT(*) AS count FROM alerts WHERE created_ms >= $2 GROUP BY day, severity, severity_rank ORDER BY day, severity_rank DESC`,
    [utcOffsetMs, fromMs])).rows;
    const today: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const row of (await this.pool.query<{ severity: string; count: number }>('SELECT severity, COUNT(*) AS count FROM alerts WHERE created_ms >= $1 GROUP BY severity',
      [todayStart])).rows) today[row.severity] = row.count;
    const topPcs = (await this.pool.query<{ pc: string; count: number }>(`SELECT pc, COUNT(*) AS count FROM alerts WHERE created_ms >= $1 AND pc != ''
      GROUP BY pc ORDER BY count DESC, pc COLLATE "C" LIMIT 10`, [fromMs])).rows;
    const topUsers = (await this.pool.query<{ user: string; count: number }>(`SELECT user_name AS "user", COUNT(*) AS count FROM alerts WHERE created_ms >= $1 AND user_name != ''
      GROUP BY user_name ORDER BY count DESC, user_name COLLATE "C" LIMIT 10`, [fromMs])).rows;
    return { today, byDay, topPcs, topUsers };
  }

  /** Keyset chunks on (last_ms, id): each chunk is one query, so memory holds one chunk however many match. */
  async *chunks(filter: Filter, chunkRows: number): AsyncIterable<Alert[]> {
    const { sql, params } = alertWhere(filter);
    const n = params.length;
    let cursor = { lastMs: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
    for (;;) {
      const rows = (await this.pool.query<Alert>(`SELECT ${alertColumns} FROM alerts ${sql ? `${sql} AND` : 'WHERE'}
        (last_ms, id) < ($${n + 1}, $${n + 2}) ORDER BY last_ms DESC, id DESC LIMIT $${n + 3}`, [...params, cursor.lastMs, cursor.id, chunkRows])).rows;
      if (rows.length > 0) yield rows;
      if (rows.length < chunkRows) return;
      const last = rows[rows.length - 1]!;
      cursor = { lastMs: last.lastMs, id: last.id };
    }
  }

  async openByDepartment(): Promise<DepartmentAlertCounts[]> {
    const { rows } = await this.pool.query<{ department: string; severity: string; count: number }>(`SELECT d.department, a.severity, COUNT(*) AS count
      FROM alerts a JOIN pc_directory d ON d.pc = a.pc WHERE a.status != 'resolved' AND d.department != '' GROUP BY d.department, a.severity`);
    const byDepartment = new Map<string, DepartmentAlertCounts>();
    for (const row of rows) {
      let entry = byDepartment.get(row.department);
      if (!entry) byDepartment.set(row.department, (entry = { department: row.department, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, total: 0 }));
      entry.bySeverity[row.severity] = row.count;
      entry.total += row.count;
    }
    return [...byDepartment.values()].sort((a, b) => b.total - a.total || a.department.localeCompare(b.department));
  }

  async offlinePcs(alertId: number, limit = 10_000): Promise<OfflinePc[]> {
    return (await this.pool.query<OfflinePc>(`SELECT agent_id AS "agentId", pc, since_ms AS "sinceMs" FROM alert_offline_pcs WHERE alert_id = $1
      ORDER BY since_ms, pc LIMIT $2`, [alertId, limit])).rows;
  }
}

/** Runs one lifecycle update and reads the alert back: changed, not found, or in a state the step does not apply to. */
async function lifecycle(pool: pg.Pool, id: number, sql: string, params: unknown[]): Promise<LifecycleResult> {
  const changes = (await pool.query(sql, params)).rowCount ?? 0;
  const alert = await alertById(pool, id);
  if (!alert) return { ok: false, reason: 'not_found' };
  return changes > 0 ? { ok: true, alert } : { ok: false, reason: 'wrong_state', alert };
}
