import type Database from 'better-sqlite3';
import { acknowledgeAlert, alertWhere, resolveAlert } from './alerts.ts';
import { maxBulkAlerts, type Alert, type BulkAction, type BulkResult, type BulkTarget } from '../../repositories/alerts.ts';

/** The ids a filter selects for an action: only alerts the action can still change (new; or not yet resolved). */
function idsMatching(db: Database.Database, filter: BulkTarget['filter'] & object, action: BulkAction['action']): number[] {
  const { sql, params } = alertWhere(filter);
  const state = action === 'acknowledge' ? "status = 'new'" : "status != 'resolved'";
  const where = sql ? `${sql} AND ${state}` : `WHERE ${state}`;
  return (db.prepare(`SELECT id FROM alerts ${where} ORDER BY last_ms DESC, id DESC LIMIT ?`).all(...params, maxBulkAlerts + 1) as { id: number }[])
    .map((r) => r.id);
}

/**
 * Acknowledges or resolves many alerts with one note, in one transaction: either every eligible alert changes or
 * none does. Alerts already past that state (or unknown ids) are reported as skipped, not as an error, because
 * another operator may have acted on some of them a moment earlier.
 */
export function bulkLifecycle(db: Database.Database, target: BulkTarget, action: BulkAction, by: string, nowMs: number, note?: string): BulkResult {
  return db.transaction((): BulkResult => {
    const ids = target.ids ? [...new Set(target.ids)] : idsMatching(db, target.filter ?? {}, action.action);
    if (ids.length > maxBulkAlerts) return { ok: false, reason: 'too_many', matching: ids.length };
    const changed: Alert[] = [];
    const skipped: number[] = [];
    for (const id of ids) {
      const result = action.action === 'acknowledge'
        ? acknowledgeAlert(db, id, by, nowMs, note)
        : resolveAlert(db, id, action.resolution, by, nowMs, note);
      if (result.ok) changed.push(result.alert);
      else skipped.push(id);
    }
    return { ok: true, changed, skipped };
  }).immediate();
}
