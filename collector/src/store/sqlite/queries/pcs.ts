import type Database from 'better-sqlite3';
import type { HistoryCursor, HistoryRow, PcRow } from '../../repositories/pcs.ts';

function hasTable(db: Database.Database, name: string, columns: string[]): boolean {
  const found = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(name) as { name: string }[]).map((r) => r.name));
  return columns.every((c) => found.has(c));
}

/**
 * Open (not resolved) alerts per PC. The alerts table belongs to the alerts feature; when it is not there (an
 * older store, or a test DB without it) every PC has 0 rather than the PC list failing.
 */
export function openAlertCounts(db: Database.Database): Map<string, number> {
  if (!hasTable(db, 'alerts', ['pc', 'status'])) return new Map();
  const rows = db.prepare("SELECT pc, COUNT(*) AS n FROM alerts WHERE status != 'resolved' GROUP BY pc").all() as { pc: string; n: number }[];
  return new Map(rows.map((r) => [r.pc, r.n]));
}

const pcColumns = `pc, id AS agentId, os, connected, last_seen_ms AS lastSeenMs, current_user AS currentUser,
  agent_version AS agentVersion, policy_version AS policyVersion, journal_backlog AS journalBacklog`;
type RawPc = Omit<PcRow, 'connected' | 'openAlerts'> & { connected: number };

/** Every PC with a current agent, by name. 3,000 rows is one scan; the console sorts and pages them. */
export function listPcs(db: Database.Database): PcRow[] {
  const alerts = openAlertCounts(db);
  const rows = db.prepare(`SELECT ${pcColumns} FROM agents WHERE retired_ms IS NULL ORDER BY pc`).all() as RawPc[];
  return rows.map((r) => ({ ...r, connected: r.connected === 1, openAlerts: alerts.get(r.pc) ?? 0 }));
}

export function getPc(db: Database.Database, pc: string): PcRow | undefined {
  const row = db.prepare(`SELECT ${pcColumns} FROM agents WHERE pc = ? AND retired_ms IS NULL ORDER BY enrolled_ms DESC LIMIT 1`).get(pc) as RawPc | undefined;
  if (!row) return undefined;
  const open = hasTable(db, 'alerts', ['pc', 'status'])
    ? (db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE pc = ? AND status != 'resolved'").get(pc) as { n: number }).n : 0;
  return { ...row, connected: row.connected === 1, openAlerts: open };
}

const historyColumns = 'id, agent_id AS agentId, seq, time_ms AS timeMs, received_ms AS receivedMs, kind, user, bytes';

/** A page of a PC's history, newest first, strictly before the cursor (or from the newest event). */
export function historyPage(db: Database.Database, pc: string, options: { before?: HistoryCursor; kinds?: string[]; limit: number }): HistoryRow[] {
  const kinds = options.kinds?.length ? ` AND kind IN (${options.kinds.map(() => '?').join(', ')})` : '';
  const params: unknown[] = [pc];
  let cursor = '';
  if (options.before) {
    cursor = ' AND (time_ms < ? OR (time_ms = ? AND id < ?))';
    params.push(options.before.timeMs, options.before.timeMs, options.before.id);
  }
  params.push(...(options.kinds ?? []), options.limit);
  return db.prepare(`SELECT ${historyColumns} FROM events INDEXED BY events_pc_time WHERE pc = ?${cursor}${kinds}
    ORDER BY time_ms DESC, id DESC LIMIT ?`).all(...params) as HistoryRow[];
}

/** Everything a PC recorded in [fromMs, toMs], oldest first ("5 minutes around this alert"), capped. */
export function historyWindow(db: Database.Database, pc: string, fromMs: number, toMs: number, limit: number): HistoryRow[] {
  return db.prepare(`SELECT ${historyColumns} FROM events INDEXED BY events_pc_time WHERE pc = ? AND time_ms BETWEEN ? AND ?
    ORDER BY time_ms, id LIMIT ?`).all(pc, fromMs, toMs, limit) as HistoryRow[];
}

/** The PC's newest inventory snapshot event, if it ever sent one. */
export function latestInventory(db: Database.Database, pc: string): HistoryRow | undefined {
  return db.prepare(`SELECT ${historyColumns} FROM events WHERE pc = ? AND kind = 'inventory' ORDER BY time_ms DESC, id DESC LIMIT 1`)
    .get(pc) as HistoryRow | undefined;
}

/** The unlock key of the PC's current agent (for offline unlock codes). */
export function currentUnlockKey(db: Database.Database, pc: string): Buffer | undefined {
  return (db.prepare('SELECT unlock_key FROM agents WHERE pc = ? AND retired_ms IS NULL ORDER BY enrolled_ms DESC LIMIT 1').get(pc) as
    { unlock_key: Buffer } | undefined)?.unlock_key;
}

/** Active (unexpired, unrevoked) device exceptions of every PC, for the device-mode column. */
export function pcsWithActiveExceptions(db: Database.Database, nowMs: number): Set<string> {
  return new Set((db.prepare('SELECT DISTINCT pc FROM device_exceptions WHERE until_ms > ? AND revoked_ms IS NULL').all(nowMs) as { pc: string }[]).map((r) => r.pc));
}
