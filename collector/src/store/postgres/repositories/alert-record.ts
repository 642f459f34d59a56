import type pg from 'pg';
import { severityLevels, type Severity } from '@mamori/policies';
import { alertFoldKey, maxLinkedEvents, type Alert, type AlertCandidate, type OfflinePc, type RecordedAlert } from '../../repositories/alerts.ts';
import { alertById } from './alert-rows.ts';

interface FoldTarget { id: number; rank: number; severity: Severity; linked: number }

/**
 * Folds one candidate into the open alert of the same key within its window (or, `foldWhileNew`, the newest still
 * new), else opens one; links its events up to maxLinkedEvents. Runs on `client` inside the caller's transaction,
 * which holds the alerts advisory lock: folding reads then writes, and two collectors must not both open an alert.
 */
export async function recordCandidate(client: pg.PoolClient, candidate: AlertCandidate, nowMs: number): Promise<RecordedAlert> {
  // The same key as SQLite's, so a store copied from SQLite keeps folding into its open alerts.
  const key = alertFoldKey(candidate);
  const rank = severityLevels.indexOf(candidate.severity);
  const target = (candidate.foldWhileNew
    ? await client.query<FoldTarget>(`SELECT id, severity_rank AS rank, severity, linked_count AS linked FROM alerts
        WHERE fold_key = $1 AND status = 'new' ORDER BY id DESC LIMIT 1`, [key])
    : await client.query<FoldTarget>(`SELECT id, severity_rank AS rank, severity, linked_count AS linked FROM alerts
        WHERE fold_key = $1 AND status != 'resolved' AND last_ms >= $2 AND first_ms <= $3 ORDER BY id DESC LIMIT 1`,
    [key, candidate.firstMs - candidate.foldWindowMs, candidate.lastMs + candidate.foldWindowMs])).rows[0];
  let id: number;
  if (target) {
    id = target.id;
    await client.query(`UPDATE alerts SET count = count + $2, first_ms = LEAST(first_ms, $3), last_ms = GREATEST(last_ms, $4),
      title = $5, updated_ms = $6,
      severity = CASE WHEN $7 > severity_rank THEN $8 ELSE severity END,
      color = CASE WHEN $7 > severity_rank THEN $9 ELSE color END,
      severity_rank = GREATEST(severity_rank, $7) WHERE id = $1`,
    [id, candidate.count, candidate.firstMs, candidate.lastMs, candidate.title, nowMs, rank, candidate.severity, candidate.color]);
  } else {
    id = (await client.query<{ id: number }>(`INSERT INTO alerts (rule_id, rule_name, kind, severity, severity_rank, color, pc, user_name, agent_id, title,
      count, first_ms, last_ms, fold_key, fold_window_ms, created_ms, updated_ms)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
    [candidate.ruleId, candidate.ruleName, candidate.kind, candidate.severity, rank, candidate.color, candidate.pc, candidate.user, candidate.agentId,
      candidate.title, candidate.count, candidate.firstMs, candidate.lastMs, key, candidate.foldWindowMs, nowMs])).rows[0]!.id;
  }
  if (candidate.eventIds.length > 0) await linkEvents(client, id, candidate.eventIds, maxLinkedEvents - (target?.linked ?? 0));
  let alert = (await alertById(client, id))!;
  if (candidate.offlinePcs) alert = await addOfflinePcs(client, id, candidate.offlinePcs);
  return target && rank > target.rank ? { alert, created: false, escalatedFrom: target.severity } : { alert, created: !target };
}

/** Links events not yet linked, in the candidate's order, while there is room (the count goes on beyond it). */
async function linkEvents(client: pg.PoolClient, alertId: number, eventIds: number[], room: number): Promise<void> {
  if (room <= 0) return;
  const linked = new Set((await client.query<{ id: number }>('SELECT event_id AS id FROM alert_events WHERE alert_id = $1 AND event_id = ANY($2::bigint[])',
    [alertId, eventIds])).rows.map((r) => r.id));
  const fresh = [...new Set(eventIds)].filter((id) => !linked.has(id)).slice(0, room);
  if (fresh.length === 0) return;
  await client.query('INSERT INTO alert_events (alert_id, event_id) SELECT $1, unnest($2::bigint[])', [alertId, fresh]);
  await client.query('UPDATE alerts SET linked_count = linked_count + $2 WHERE id = $1', [alertId, fresh.length]);
}

/** Adds PCs to an "N PCs offline" alert; its count (and the number leading its title) is the distinct PCs listed. */
async function addOfflinePcs(client: pg.PoolClient, alertId: number, pcs: OfflinePc[]): Promise<Alert> {
  if (pcs.length > 0) {
    await client.query(`INSERT INTO alert_offline_pcs (alert_id, agent_id, pc, since_ms)
      SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[]) ON CONFLICT DO NOTHING`,
    [alertId, pcs.map((p) => p.agentId), pcs.map((p) => p.pc), pcs.map((p) => p.sinceMs)]);
  }
  const count = (await client.query<{ n: number }>('SELECT COUNT(*) AS n FROM alert_offline_pcs WHERE alert_id = $1', [alertId])).rows[0]!.n;
  // The title keeps the site and day in parentheses after " at site "; only the number in front changes (as SQLite).
  await client.query(`UPDATE alerts SET count = $2, title = $3 || CASE WHEN strpos(title, ' at site ') > 0 THEN substr(title, strpos(title, ' at site ')) ELSE title END
    WHERE id = $1`, [alertId, count, count === 1 ? '1 PC offline' : `${count} PCs offline`]);
  return (await alertById(client, alertId))!;
}
