import type Database from 'better-sqlite3';
import { severityLevels, type Severity } from '@mamori/policies';
import {
  alertFoldKey, maxLinkedEvents, type Alert, type DepartmentAlertCounts, type AlertCandidate, type AlertEventRow, type AlertFilter, type AlertFindingRow, type AlertResolution,
  type AlertSummary, type LifecycleResult,
} from '../../repositories/alerts.ts';

const severityRank = (severity: Severity): number => severityLevels.indexOf(severity);

const alertColumns = `id, rule_id AS ruleId, rule_name AS ruleName, kind, severity, color, status, resolution, pc, user, title, title_message AS titleMessage, count,
  first_ms AS firstMs, last_ms AS lastMs, acknowledged_by AS acknowledgedBy, acknowledged_ms AS acknowledgedMs,
  resolved_by AS resolvedBy, resolved_ms AS resolvedMs, note,
  COALESCE((SELECT d.department FROM pc_directory d WHERE d.pc = alerts.pc), '') AS department,
  COALESCE((SELECT d.site FROM pc_directory d WHERE d.pc = alerts.pc), '') AS site`;

function statements(db: Database.Database) {
  return {
    foldTarget: db.prepare(`SELECT id, severity_rank AS rank, severity, count, linked_count AS linked FROM alerts
      WHERE fold_key = ? AND status != 'resolved' AND last_ms >= ? AND first_ms <= ? ORDER BY id DESC LIMIT 1`),
    // Integrity findings: only a still-new alert takes more, at any age (alerts_open_fold index).
    openTarget: db.prepare(`SELECT id, severity_rank AS rank, severity, count, linked_count AS linked FROM alerts
      WHERE fold_key = ? AND status = 'new' ORDER BY id DESC LIMIT 1`),
    insert: db.prepare(`INSERT INTO alerts (rule_id, rule_name, kind, severity, severity_rank, color, pc, user, agent_id, title, title_message, count,
      first_ms, last_ms, fold_key, fold_window_ms, created_ms, updated_ms)
      VALUES (@ruleId, @ruleName, @kind, @severity, @rank, @color, @pc, @user, @agentId, @title, @titleMessage, @count, @firstMs, @lastMs, @foldKey, @foldWindowMs, @nowMs, @nowMs)`),
    fold: db.prepare(`UPDATE alerts SET count = count + @count, first_ms = MIN(first_ms, @firstMs), last_ms = MAX(last_ms, @lastMs),
      title = @title, title_message = @titleMessage, updated_ms = @nowMs,
      severity = CASE WHEN @rank > severity_rank THEN @severity ELSE severity END,
      color = CASE WHEN @rank > severity_rank THEN @color ELSE color END,
      severity_rank = MAX(severity_rank, @rank) WHERE id = @id`),
    addLinked: db.prepare('UPDATE alerts SET linked_count = linked_count + ? WHERE id = ?'),
    link: db.prepare('INSERT OR IGNORE INTO alert_events (alert_id, event_id) VALUES (?, ?)'),
    get: db.prepare(`SELECT ${alertColumns} FROM alerts WHERE id = ?`),
    acknowledge: db.prepare(`UPDATE alerts SET status = 'acknowledged', acknowledged_by = @by, acknowledged_ms = @nowMs,
      note = CASE WHEN @note IS NULL THEN note ELSE @note END, updated_ms = @nowMs WHERE id = @id AND status = 'new'`),
    resolve: db.prepare(`UPDATE alerts SET status = 'resolved', resolution = @resolution, resolved_by = @by, resolved_ms = @nowMs,
      note = CASE WHEN @note IS NULL THEN note ELSE @note END, updated_ms = @nowMs WHERE id = @id AND status != 'resolved'`),
    events: db.prepare(`SELECT e.id, e.agent_id AS agentId, e.seq, e.time_ms AS timeMs, e.received_ms AS receivedMs, e.kind, e.pc, e.user, e.bytes
      FROM alert_events ae JOIN events e ON e.id = ae.event_id WHERE ae.alert_id = ? ORDER BY e.time_ms, e.id LIMIT ?`),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof statements>>();
function s(db: Database.Database) {
  let prepared = cache.get(db);
  if (!prepared) cache.set(db, (prepared = statements(db)));
  return prepared;
}

const messageJson = (candidate: AlertCandidate): string | null => (candidate.titleMessage ? JSON.stringify(candidate.titleMessage) : null);


/**
 * Stores a candidate: folds it into the open alert of the same rule + PC + user whose time span lies within the
 * fold window of it (or, for `foldWhileNew` candidates, into the newest one still new), else opens a new alert. One transaction, so concurrent writers cannot open two.
 */
export function recordAlert(
  db: Database.Database, candidate: AlertCandidate, nowMs: number,
): { alert: Alert; created: boolean; escalatedFrom?: Severity } {
  const st = s(db);
  return db.transaction(() => {
    const key = alertFoldKey(candidate);
    const rank = severityRank(candidate.severity);
    const target = (candidate.foldWhileNew
      ? st.openTarget.get(key)
      : st.foldTarget.get(key, candidate.firstMs - candidate.foldWindowMs, candidate.lastMs + candidate.foldWindowMs)) as
      { id: number; rank: number; count: number; linked: number; severity: Severity } | undefined;
    let id: number;
    if (target) {
      id = target.id;
      st.fold.run({ ...candidate, titleMessage: messageJson(candidate), rank, nowMs, id });
    } else {
      id = Number(st.insert.run({ ...candidate, titleMessage: messageJson(candidate), rank, foldKey: key, nowMs }).lastInsertRowid);
    }
    if (candidate.eventIds.length > 0) {
      let room = maxLinkedEvents - (target?.linked ?? 0);
      let added = 0;
      for (const eventId of candidate.eventIds) {
        if (room <= 0) break;
        const changes = st.link.run(id, eventId).changes;
        room -= changes;
        added += changes;
      }
      if (added > 0) st.addLinked.run(added, id);
    }
    const alert = st.get.get(id) as Alert;
    return target && rank > target.rank ? { alert, created: false, escalatedFrom: target.severity } : { alert, created: !target };
  }).immediate();
}

export function getAlert(db: Database.Database, id: number): Alert | undefined {
  return s(db).get.get(id) as Alert | undefined;
}

/** LIKE pattern for "contains", with the caller's % and _ taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause shared by the list, the total and bulk actions, so all three see the same alerts. */
export function alertWhere(filter: Omit<AlertFilter, 'limit' | 'offset'>): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.severity?.length) {
    where.push(`severity IN (${filter.severity.map(() => '?').join(', ')})`);
    params.push(...filter.severity);
  }
  if (filter.status?.length) {
    where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
    params.push(...filter.status);
  }
  if (filter.kind) { where.push('kind = ?'); params.push(filter.kind); }
  // LIKE is case-insensitive for ASCII in SQLite, which is what PC and user names are in practice.
  if (filter.pc) { where.push("pc LIKE ? ESCAPE '\\'"); params.push(containsPattern(filter.pc)); }
  if (filter.user) { where.push("user LIKE ? ESCAPE '\\'"); params.push(containsPattern(filter.user)); }
  // Department and site come from the PC directory (pc_directory's primary key makes each a keyed lookup).
  if (filter.department) { where.push('pc IN (SELECT pc FROM pc_directory WHERE department = ?)'); params.push(filter.department); }
  if (filter.site) { where.push('pc IN (SELECT pc FROM pc_directory WHERE site = ?)'); params.push(filter.site); }
  if (filter.fromMs !== undefined) { where.push('last_ms >= ?'); params.push(filter.fromMs); }
  if (filter.toMs !== undefined) { where.push('first_ms <= ?'); params.push(filter.toMs); }
  if (filter.beforeId !== undefined) { where.push('id < ?'); params.push(filter.beforeId); }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * Alerts newest first by event time (the latest event folded in, then id), filtered. The live feed sorts the same
 * way, so an alert that grows moves to the top in the list and in the stream alike.
 */
export function listAlerts(db: Database.Database, filter: AlertFilter): Alert[] {
  const { sql, params } = alertWhere(filter);
  return db.prepare(`SELECT ${alertColumns} FROM alerts ${sql} ORDER BY last_ms DESC, id DESC LIMIT ? OFFSET ?`)
    .all(...params, filter.limit, filter.offset ?? 0) as Alert[];
}

/**
 * Every alert a filter selects, newest first by event time, in bounded chunks walked with a (last_ms, id) keyset
 * cursor; the plain bound on last_ms lets SQLite start each chunk's index walk at the cursor.
 */
export function* alertChunks(db: Database.Database, filter: Omit<AlertFilter, 'limit' | 'offset'>, chunkRows: number): Generator<Alert[]> {
  const { sql, params } = alertWhere(filter);
  const statement = db.prepare(`SELECT ${alertColumns} FROM alerts ${sql ? `${sql} AND` : 'WHERE'}
    last_ms <= ? AND (last_ms < ? OR id < ?) ORDER BY last_ms DESC, id DESC LIMIT ?`);
  let cursor = { lastMs: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
  for (;;) {
    const rows = statement.all(...params, cursor.lastMs, cursor.lastMs, cursor.id, chunkRows) as Alert[];
    if (rows.length > 0) yield rows;
    if (rows.length < chunkRows) return;
    const last = rows[rows.length - 1]!;
    cursor = { lastMs: last.lastMs, id: last.id };
  }
}

/** How many alerts match (the list's total). */
export function countAlerts(db: Database.Database, filter: Omit<AlertFilter, 'limit' | 'offset'>): number {
  const { sql, params } = alertWhere(filter);
  return (db.prepare(`SELECT COUNT(*) AS n FROM alerts ${sql}`).get(...params) as { n: number }).n;
}

/** The kinds of alert present, for the console's choice list. */
export function alertKinds(db: Database.Database): string[] {
  return (db.prepare('SELECT DISTINCT kind FROM alerts ORDER BY kind').all() as { kind: string }[]).map((r) => r.kind);
}

/** The stored events behind an alert, oldest first. */
export function alertEvents(db: Database.Database, alertId: number, limit = maxLinkedEvents): AlertEventRow[] {
  return s(db).events.all(alertId, limit) as AlertEventRow[];
}

/**
 * The integrity findings behind an integrity alert (`integrity.<kind>`): that kind on that PC within the alert's
 * time span, oldest first. An alert opened after an acknowledge starts later, so each finding shows under one alert.
 */
export function alertFindings(db: Database.Database, alert: Pick<Alert, 'pc' | 'kind' | 'firstMs' | 'lastMs'>, limit = 200): AlertFindingRow[] {
  return db.prepare(`SELECT agent_id AS agentId, time_ms AS timeMs, kind, detail, count FROM integrity_findings
    WHERE pc = ? AND kind = ? AND time_ms BETWEEN ? AND ? ORDER BY id LIMIT ?`).all(alert.pc, alert.kind, alert.firstMs, alert.lastMs, limit) as AlertFindingRow[];
}

/** new → acknowledged, with who, when and an optional note. */
export function acknowledgeAlert(db: Database.Database, id: number, by: string, nowMs: number, note?: string): LifecycleResult {
  const changes = s(db).acknowledge.run({ id, by, nowMs, note: note ?? null }).changes;
  const alert = getAlert(db, id);
  if (!alert) return { ok: false, reason: 'not_found' };
  return changes > 0 ? { ok: true, alert } : { ok: false, reason: 'wrong_state', alert };
}

/** new/acknowledged → resolved as a true or false positive. */
export function resolveAlert(
  db: Database.Database, id: number, resolution: AlertResolution, by: string, nowMs: number, note?: string,
): LifecycleResult {
  const changes = s(db).resolve.run({ id, resolution, by, nowMs, note: note ?? null }).changes;
  const alert = getAlert(db, id);
  if (!alert) return { ok: false, reason: 'not_found' };
  return changes > 0 ? { ok: true, alert } : { ok: false, reason: 'wrong_state', alert };
}

/**
 * Counts of alerts opened per local day and severity over the last `days` days, plus the PCs and users with the
 * most. `utcOffsetMs` is the local zone's offset, so "today" is the operator's today.
 */
export function alertSummary(db: Database.Database, nowMs: number, days: number, utcOffsetMs: number): AlertSummary {
  const dayMs = 86_400_000;
  const todayStart = Math.floor((nowMs + utcOffsetMs) / dayMs) * dayMs - utcOffsetMs;
  const fromMs = todayStart - (days - 1) * dayMs;
  const offsetS = Math.round(utcOffsetMs / 1000);
  const byDay = db.prepare(`SELECT date(created_ms / 1000 + ?, 'unixepoch') AS day, severity, COUNT(*) AS count
    FROM alerts WHERE created_ms >= ? GROUP BY day, severity ORDER BY day, severity_rank DESC`).all(offsetS, fromMs) as AlertSummary['byDay'];
  const todayRows = db.prepare('SELECT severity, COUNT(*) AS count FROM alerts WHERE created_ms >= ? GROUP BY severity').all(todayStart) as { severity: string; count: number }[];
  const today: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const row of todayRows) today[row.severity] = row.count;
  const topPcs = db.prepare(`SELECT pc, COUNT(*) AS count FROM alerts WHERE created_ms >= ? AND pc != ''
    GROUP BY pc ORDER BY count DESC, pc LIMIT 10`).all(fromMs) as AlertSummary['topPcs'];
  const topUsers = db.prepare(`SELECT user, COUNT(*) AS count FROM alerts WHERE created_ms >= ? AND user != ''
    GROUP BY user ORDER BY count DESC, user LIMIT 10`).all(fromMs) as AlertSummary['topUsers'];
  return { today, byDay, topPcs, topUsers };
}

/** Open (not resolved) alerts per directory department and severity, departments with the most first. */
export function openAlertsByDepartment(db: Database.Database): DepartmentAlertCounts[] {
  const rows = db.prepare(`SELECT d.department AS department, a.severity AS severity, COUNT(*) AS count
    FROM alerts a JOIN pc_directory d ON d.pc = a.pc WHERE a.status != 'resolved' AND d.department != ''
    GROUP BY d.department, a.severity`).all() as { department: string; severity: string; count: number }[];
  const byDepartment = new Map<string, DepartmentAlertCounts>();
  for (const row of rows) {
    let entry = byDepartment.get(row.department);
    if (!entry) byDepartment.set(row.department, (entry = { department: row.department, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, total: 0 }));
    entry.bySeverity[row.severity] = row.count;
    entry.total += row.count;
  }
  return [...byDepartment.values()].sort((a, b) => b.total - a.total || a.department.localeCompare(b.department));
}
