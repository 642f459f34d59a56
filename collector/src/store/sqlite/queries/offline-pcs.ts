import type Database from 'better-sqlite3';
import type { Alert, OfflinePc } from '../../repositories/alerts.ts';
import { getAlert } from './alerts.ts';
import type { NotReportingPc } from '../../repositories/pcs.ts';

function statements(db: Database.Database) {
  return {
    add: db.prepare('INSERT OR IGNORE INTO alert_offline_pcs (alert_id, agent_id, pc, since_ms) VALUES (?, ?, ?, ?)'),
    counted: db.prepare('SELECT COUNT(*) AS n FROM alert_offline_pcs WHERE alert_id = ?'),
    // The title keeps the site and day the tracker put in parentheses; only the number in front changes.
    setCount: db.prepare(`UPDATE alerts SET count = @count,
      title = @lead || substr(title, instr(title, ' at site ')) WHERE id = @id`),
    list: db.prepare(`SELECT agent_id AS agentId, pc, since_ms AS sinceMs FROM alert_offline_pcs WHERE alert_id = ?
      ORDER BY since_ms, pc LIMIT ?`),
    notReporting: db.prepare(`SELECT id AS agentId, pc, last_seen_ms AS lastSeenMs, enrolled_ms AS enrolledMs FROM agents
      WHERE retired_ms IS NULL AND connected = 0 AND COALESCE(last_seen_ms, enrolled_ms) < ? ORDER BY COALESCE(last_seen_ms, enrolled_ms), pc`),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof statements>>();
function s(db: Database.Database) {
  let prepared = cache.get(db);
  if (!prepared) cache.set(db, (prepared = statements(db)));
  return prepared;
}

/**
 * Adds PCs to an "N PCs offline" alert and sets its count (and the number in its title) to the distinct PCs listed,
 * so the same PC reported twice counts once. Runs inside the caller's transaction.
 */
export function addOfflinePcs(db: Database.Database, alertId: number, pcs: OfflinePc[]): Alert {
  const st = s(db);
  for (const pc of pcs) st.add.run(alertId, pc.agentId, pc.pc, pc.sinceMs);
  const count = (st.counted.get(alertId) as { n: number }).n;
  st.setCount.run({ id: alertId, count, lead: count === 1 ? '1 PC offline' : `${count} PCs offline` });
  return getAlert(db, alertId)!;
}

/** The PCs behind an offline alert, earliest outage first. */
export function offlinePcsOf(db: Database.Database, alertId: number, limit = 10_000): OfflinePc[] {
  return s(db).list.all(alertId, limit) as OfflinePc[];
}

/** Current (not retired), disconnected agents silent since before `beforeMs`, longest silent first: one row per PC. */
export function notReportingPcs(db: Database.Database, beforeMs: number): NotReportingPc[] {
  return s(db).notReporting.all(beforeMs) as NotReportingPc[];
}
