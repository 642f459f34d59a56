import type Database from 'better-sqlite3';
import { lifecycleKindOf } from '@mamori/proto';
import { aggregate, type RawEvent } from '../../report-aggregate.ts';
import {
  reportBucketMs, type ItemQueryResult, type NewReport, type OffHoursIntervals, type ReportPcs, type ReportRange, type ReportRecord, type ReportReview,
  type ReportRow,
} from '../../repositories/reports.ts';
import { reportFromRow, reportSelect } from '../../report-row.ts';

// Inspection reports: the per-item queries over the query tables (and, for agent stops, the evidence itself),
// and the reports, their files, reviews and schedule cursors. Every query is bounded by [fromMs, toMs) on an
// indexed time column and restricted to the report's PCs through temp.report_pcs, filled per report.

const bucketMs = reportBucketMs;

/**
 * Prepares the temp tables one report's queries use. Call before the item queries, on the same connection, with
 * no await in between (the tables are per connection).
 */
export function prepareReportScope(db: Database.Database, pcs: ReportPcs, offHours: OffHoursIntervals): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS report_pcs (pc TEXT PRIMARY KEY COLLATE NOCASE, calendar INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS report_off (calendar INTEGER NOT NULL, day INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
      PRIMARY KEY (calendar, start_ms)) WITHOUT ROWID;
    DELETE FROM temp.report_pcs; DELETE FROM temp.report_off;`);
  const insertPc = db.prepare('INSERT OR IGNORE INTO temp.report_pcs (pc, calendar) VALUES (?, ?)');
  const insertOff = db.prepare('INSERT OR IGNORE INTO temp.report_off (calendar, day, start_ms, end_ms) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const [pc, calendar] of pcs.pcs) insertPc.run(pc, calendar);
    for (const w of offHours) insertOff.run(w.calendar, w.day, w.startMs, w.endMs);
  })();
}

/** The join that restricts a table aliased `t` to the report's PCs (or only looks up calendars when unrestricted). */
const scopeJoin = (pcs: ReportPcs) => (pcs.restricted ? 'JOIN temp.report_pcs s ON s.pc = t.pc' : 'LEFT JOIN temp.report_pcs s ON s.pc = t.pc');

function rows(db: Database.Database, sql: string, params: Record<string, unknown>): ReportRow[] {
  return (db.prepare(sql).all(params) as ReportRow[]).map((r) => ({
    pc: r.pc ?? '', user: r.user ?? '', category: r.category ?? '', detail: r.detail ?? '', count: Number(r.count ?? 0),
    bytes: Number(r.bytes ?? 0), timeMs: r.timeMs ?? null,
  }));
}

/** Counts per 15-minute bucket (bucket index = floor(time / 15 min)), for the daily charts. */
function buckets(db: Database.Database, sql: string, params: Record<string, unknown>): Map<number, number> {
  const out = new Map<number, number>();
  for (const row of db.prepare(sql).raw().iterate(params) as Iterable<[number, number]>) out.set(row[0], row[1]);
  return out;
}

/** SQL for a row's group key: pc, user, category (and optionally a value counted distinct per group), NUL-separated. */
const groupKey = (pc: string, user: string, category: string, distinct?: string) =>
  `ifnull(${pc}, '') || char(0) || ifnull(${user}, '') || char(0) || ifnull(${category}, '')${distinct ? ` || char(0) || ifnull(${distinct}, '')` : ''}`;

const iterate = (db: Database.Database, sql: string, params: Record<string, unknown>) => db.prepare(sql).raw().iterate(params) as Iterable<RawEvent>;

/** USB use per PC and user: files copied to removable media (category "copy") and mounts (category "mount"). */
export function usbUse(db: Database.Database, range: ReportRange, pcs: ReportPcs): ItemQueryResult {
  const p = { from: range.fromMs, to: range.toMs };
  const copies = aggregate(iterate(db, `SELECT t.time_ms, ${groupKey('t.pc', 't.user', "'copy'", 't.serial')}, t.size_bytes, NULL FROM file_copies t ${scopeJoin(pcs)}
    WHERE t.time_ms >= @from AND t.time_ms < @to AND t.destination_kind = 'removable'`, p), range, { distinct: true, unit: ' device(s)' });
  const mounts = aggregate(iterate(db, `SELECT t.time_ms, ${groupKey('t.pc', 't.user', "'mount'", 't.serial')}, 0, NULL FROM device_events t ${scopeJoin(pcs)}
    WHERE t.time_ms >= @from AND t.time_ms < @to AND t.action = 'MOUNTED'`, p), range, { distinct: true, unit: ' device(s)' });
  return { rows: [...copies.rows, ...mounts.rows], total: copies.total, buckets: copies.buckets };
}

/** Attempts policy stopped: USB devices blocked, mails blocked, print jobs cancelled or held by policy. */
export function blockedAttempts(db: Database.Database, range: ReportRange, pcs: ReportPcs): ItemQueryResult {
  const p = { from: range.fromMs, to: range.toMs };
  return aggregate(iterate(db, `SELECT t.time_ms, ${groupKey('t.pc', 't.user', "'usb'")}, 0, NULL FROM device_events t ${scopeJoin(pcs)}
      WHERE t.time_ms >= @from AND t.time_ms < @to AND t.action = 'BLOCKED'
    UNION ALL SELECT t.time_ms, ${groupKey('t.pc', 't.user', "'mail'")}, 0, NULL FROM mails t ${scopeJoin(pcs)}
      WHERE t.time_ms >= @from AND t.time_ms < @to AND t.verdict = 'blocked'
    UNION ALL SELECT t.time_ms, ${groupKey('t.pc', 't.job_user', "'print'")}, 0, NULL FROM print_jobs t ${scopeJoin(pcs)}
      WHERE t.time_ms >= @from AND t.time_ms < @to AND t.action IN ('cancelled', 'held')`, p), range);
}

/**
 * Logged activity (copies, prints, mails, uploads, device events, policy decisions) outside working time: each
 * off-hours piece is range-scanned on the log's time index (CROSS JOIN keeps the pieces as the outer loop), so
 * rows in working time are never touched; each piece belongs to one report day, which gives the daily series.
 * A month of a large site has over a million such rows: they are counted inside SQLite (per PC, user and kind
 * into a small temp table; per piece in the pieces' own order, so without a sort) rather than handed to
 * JavaScript row by row, which cost about twice as much.
 */
export function offHoursActivity(db: Database.Database, range: ReportRange, pcs: ReportPcs, days: number): ItemQueryResult & { daily: number[] } {
  const p = { from: range.fromMs, to: range.toMs };
  const calendarMatch = pcs.restricted ? 'JOIN temp.report_pcs s ON s.pc = t.pc AND s.calendar = w.calendar WHERE true'
    : 'LEFT JOIN temp.report_pcs s ON s.pc = t.pc WHERE COALESCE(s.calendar, 0) = w.calendar';
  const matching = `FROM temp.report_off w CROSS JOIN log_entries t ON t.time_ms >= MAX(w.start_ms, @from) AND t.time_ms < MIN(w.end_ms, @to) ${calendarMatch}`;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS report_groups (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID; DELETE FROM temp.report_groups;');
  db.prepare(`INSERT INTO temp.report_groups (key, n) SELECT ${groupKey('t.pc', 't.user', 't.kind')}, 1 ${matching}
    ON CONFLICT (key) DO UPDATE SET n = n + 1`).run(p);
  const daily = Array.from({ length: days }, () => 0);
  let total = 0;
  for (const [day, n] of db.prepare(`SELECT w.day, COUNT(*) ${matching} GROUP BY w.calendar, w.start_ms`).raw().iterate(p) as Iterable<[number, number]>) {
    total += n;
    if (day >= 0 && day < days) daily[day]! += n;
  }
  const rows = (db.prepare('SELECT key, n FROM temp.report_groups').raw().all() as [string, number][]).map(([key, count]): ReportRow => {
    const [pc = '', user = '', category = ''] = key.split('\u0000', 3);
    return { pc, user, category, detail: '', count, bytes: 0, timeMs: null };
  });
  db.exec('DELETE FROM temp.report_groups');
  return { rows, total, buckets: new Map(), daily };
}

/**
 * Mails sent (relayed or warned) with at least one non-inline attachment to at least one recipient outside the
 * organisation; `isExternal(toJson, ccJson, bccJson)` decides by the policy's internal domains.
 */
export function externalMailWithAttachments(
  db: Database.Database, range: ReportRange, pcs: ReportPcs, isExternal: (to: string, cc: string, bcc: string) => boolean,
): ItemQueryResult {
  const p = { from: range.fromMs, to: range.toMs };
  const candidates = db.prepare(`SELECT t.time_ms, ${groupKey('t.pc', 't.user', "''")}, t.size_bytes, t.to_json, t.cc_json, t.bcc_json,
      (SELECT COUNT(*) FROM mail_attachments a WHERE a.mail_id = t.id AND a.inline = 0) AS files
    FROM mails t ${scopeJoin(pcs)}
    WHERE t.time_ms >= @from AND t.time_ms < @to AND t.verdict IN ('relayed', 'warned') AND t.attachment_count > 0`)
    .raw().iterate(p) as Iterable<[number, string, number, string, string, string, number]>;
  function* matching(): Iterable<RawEvent> {
    for (const [timeMs, key, bytes, to, cc, bcc, files] of candidates) {
      if (files > 0 && isExternal(to, cc, bcc)) yield [timeMs, key, bytes, files];
    }
  }
  return aggregate(matching(), range, { unit: ' file(s)' });
}

/** Files uploaded to destinations categorised as personal cloud storage, per PC, user and host. */
export function personalStorageUploads(db: Database.Database, range: ReportRange, pcs: ReportPcs): ItemQueryResult {
  return aggregate(iterate(db, `SELECT t.time_ms, ${groupKey('t.pc', 't.user', 't.destination_host')}, t.size_bytes, NULL FROM uploads t ${scopeJoin(pcs)}
    WHERE t.time_ms >= @from AND t.time_ms < @to AND t.category = 'personal_cloud'`, { from: range.fromMs, to: range.toMs }), range);
}

/** Print jobs of more than `pages` pages, one row per job (count = its pages). */
export function largePrints(db: Database.Database, range: ReportRange, pcs: ReportPcs, pages: number): ItemQueryResult {
  const p = { from: range.fromMs, to: range.toMs, bucket: bucketMs, pages };
  const where = `FROM print_jobs t ${scopeJoin(pcs)} WHERE t.time_ms >= @from AND t.time_ms < @to AND t.pages > @pages`;
  const list = rows(db, `SELECT t.pc, t.job_user AS user, t.printer AS category, t.document_name AS detail, t.pages AS count,
    t.size_bytes AS bytes, t.time_ms AS timeMs ${where} ORDER BY t.pages DESC, t.time_ms`, p);
  const series = buckets(db, `SELECT t.time_ms / @bucket, COUNT(*) ${where} GROUP BY 1`, p);
  return { rows: list, total: list.length, buckets: series };
}

/**
 * Mails in which the relay's content patterns (mail.patterns.*: My Number, card numbers, keywords) matched, per
 * pattern, verdict, PC and user. The total counts mails; a mail matching two patterns is in two rows.
 */
export function contentFindings(db: Database.Database, range: ReportRange, pcs: ReportPcs): ItemQueryResult {
  const p = { from: range.fromMs, to: range.toMs, bucket: bucketMs };
  const where = `FROM mails t ${scopeJoin(pcs)} WHERE t.time_ms >= @from AND t.time_ms < @to AND t.rule LIKE '%mail.patterns.%'`;
  const grouped = db.prepare(`SELECT t.pc, t.user, t.verdict, t.rule, COUNT(*) AS n ${where} GROUP BY t.pc, t.user, t.verdict, t.rule`)
    .all(p) as { pc: string; user: string; verdict: string; rule: string; n: number }[];
  const byKey = new Map<string, ReportRow>();
  let total = 0;
  for (const g of grouped) {
    total += g.n;
    for (const rule of g.rule.split(',').map((r) => r.trim()).filter((r) => r.startsWith('mail.patterns.'))) {
      const category = rule.slice('mail.patterns.'.length);
      const key = JSON.stringify([g.pc, g.user, category, g.verdict]);
      const row = byKey.get(key) ?? { pc: g.pc, user: g.user, category, detail: g.verdict, count: 0, bytes: 0, timeMs: null };
      row.count += g.n;
      byKey.set(key, row);
    }
  }
  const series = buckets(db, `SELECT t.time_ms / @bucket, COUNT(*) ${where} GROUP BY 1`, p);
  return { rows: [...byKey.values()], total, buckets: series };
}

const stopKinds = new Set(['STOPPED', 'UNINSTALLED', 'JOURNAL_GAP', 'JOURNAL_FULL', 'CLOCK_JUMP']);

/**
 * Integrity findings (tampering, chain breaks, failed stream authentication …) and agents that stopped, were
 * uninstalled, lost journal events or saw their clock jump. Findings count with their folded counts; lifecycle
 * events are read from the evidence (they have no query table) and decoded here.
 */
export function tamperAndStops(db: Database.Database, range: ReportRange, pcs: ReportPcs): ItemQueryResult {
  const p = { from: range.fromMs, to: range.toMs, bucket: bucketMs };
  const findings = rows(db, `SELECT t.pc, '' AS user, t.kind AS category, 'integrity finding' AS detail, SUM(t.count) AS count, 0 AS bytes
    FROM integrity_findings t ${scopeJoin(pcs)} WHERE t.time_ms >= @from AND t.time_ms < @to GROUP BY t.pc, t.kind`, p);
  const series = buckets(db, `SELECT t.time_ms / @bucket, SUM(t.count) FROM integrity_findings t ${scopeJoin(pcs)}
    WHERE t.time_ms >= @from AND t.time_ms < @to GROUP BY 1`, p);
  const stops = new Map<string, ReportRow>();
  const lifecycle = db.prepare(`SELECT t.pc, t.time_ms, t.bytes FROM events t ${scopeJoin(pcs)}
    WHERE t.kind = 'lifecycle' AND t.time_ms >= @from AND t.time_ms < @to`).raw().iterate(p) as Iterable<[string, number, Buffer]>;
  for (const [pc, timeMs, bytes] of lifecycle) {
    let kind: string;
    try {
      kind = lifecycleKindOf(bytes) ?? '';
    } catch {
      continue; // an undecodable payload is already a malformed_signed_event finding
    }
    if (!stopKinds.has(kind)) continue;
    const key = `${pc}\u0000${kind}`;
    const row = stops.get(key) ?? { pc, user: '', category: kind.toLowerCase(), detail: 'agent', count: 0, bytes: 0, timeMs: null };
    row.count += 1;
    stops.set(key, row);
    const bucket = Math.floor(timeMs / bucketMs);
    series.set(bucket, (series.get(bucket) ?? 0) + 1);
  }
  const list = [...findings, ...stops.values()];
  return { rows: list, total: list.reduce((n, r) => n + r.count, 0), buckets: series };
}

/**
 * Every entry of the collector's audit chain in the period (actor = user, category = action). Not restricted to
 * the report's PCs: administrators' actions are organisation-wide.
 */
export function adminActions(db: Database.Database, range: ReportRange): ItemQueryResult {
  const p = { from: range.fromMs, to: range.toMs, bucket: bucketMs };
  const list = (db.prepare('SELECT id, time_ms, actor, action, entry_json FROM audit_log WHERE time_ms >= @from AND time_ms < @to ORDER BY id')
    .all(p) as { id: number; time_ms: number; actor: string; action: string; entry_json: string }[])
    .map((r): ReportRow => {
      const entry = JSON.parse(r.entry_json) as Record<string, unknown>;
      return {
        pc: typeof entry.pc === 'string' ? entry.pc : '', user: r.actor, category: r.action, detail: `#${r.id} ${r.entry_json.slice(0, 200)}`,
        count: 1, bytes: 0, timeMs: r.time_ms,
      };
    });
  const series = buckets(db, 'SELECT time_ms / @bucket, COUNT(*) FROM audit_log WHERE time_ms >= @from AND time_ms < @to GROUP BY 1', p);
  return { rows: list, total: list.length, buckets: series };
}

// ---- reports, files, reviews, schedule ----

/** Whether a scheduled report for this template and period exists already. */
export function scheduledReportExists(db: Database.Database, template: string, periodKind: string, fromMs: number): boolean {
  return db.prepare('SELECT 1 FROM reports WHERE template = ? AND period_kind = ? AND from_ms = ?').get(template, periodKind, fromMs) !== undefined;
}

/**
 * Stores a report and its files; for a scheduled report also moves the template's cursor past its period, in the
 * same transaction. Returns undefined when a scheduled report for that period is already stored (another
 * collector, or an overlapping run, made it). The audit entry is written next and linked with setReportAudit
 * (audit_id 0 until then: a crash in between leaves a report that visibly has no audit entry, never the reverse).
 */
export function insertReport(
  db: Database.Database, report: NewReport, files: { pdf: Buffer; csv: Buffer }, nextFromMs?: number,
): number | undefined {
  const auditId = 0;
  return db.transaction(() => {
    const result = db.prepare(`INSERT OR IGNORE INTO reports (template, title, period_kind, from_ms, to_ms, timezone, scope_json, items_json,
      totals_json, covered_actors_json, generated_ms, generated_by, pdf_sha256, csv_sha256, audit_id)
      VALUES (@template, @title, @periodKind, @fromMs, @toMs, @timezone, @scope, @items, @totals, @covered, @generatedMs, @generatedBy,
      @pdfSha256, @csvSha256, @auditId)`).run({
      ...report, scope: JSON.stringify(report.scope), items: JSON.stringify(report.items), totals: JSON.stringify(report.totals),
      covered: JSON.stringify(report.coveredActors), auditId,
    });
    if (nextFromMs !== undefined) setScheduleCursor(db, report.template, report.periodKind, nextFromMs);
    if (result.changes === 0) return undefined;
    const id = Number(result.lastInsertRowid);
    const insertFile = db.prepare('INSERT INTO report_files (report_id, format, content) VALUES (?, ?, ?)');
    insertFile.run(id, 'pdf', files.pdf);
    insertFile.run(id, 'csv', files.csv);
    return id;
  }).immediate();
}

/** Links a stored report with the audit entry that carries its hashes. */
export function setReportAudit(db: Database.Database, id: number, auditId: number): void {
  db.prepare('UPDATE reports SET audit_id = ? WHERE id = ?').run(auditId, id);
}

export function getReport(db: Database.Database, id: number): ReportRecord | undefined {
  const row = db.prepare(`${reportSelect} WHERE r.id = ?`).get(id) as Record<string, unknown> | undefined;
  return row ? reportFromRow(row) : undefined;
}

/** Newest first. */
export function listReports(db: Database.Database, options: { template?: string; beforeId?: number; limit: number }): ReportRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.template) { where.push('r.template = ?'); params.push(options.template); }
  if (options.beforeId !== undefined) { where.push('r.id < ?'); params.push(options.beforeId); }
  params.push(options.limit);
  return (db.prepare(`${reportSelect} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT ?`).all(...params) as Record<string, unknown>[])
    .map(reportFromRow);
}

export function reportFile(db: Database.Database, id: number, format: 'pdf' | 'csv'): Buffer | undefined {
  return (db.prepare('SELECT content FROM report_files WHERE report_id = ? AND format = ?').get(id, format) as { content: Buffer } | undefined)?.content;
}

/** Records a review; false when the report already has one. */
export function insertReview(db: Database.Database, reportId: number, review: ReportReview): boolean {
  return db.prepare(`INSERT OR IGNORE INTO report_reviews (report_id, reviewer, reviewer_role, note, reviewed_ms, audit_id)
    VALUES (?, ?, ?, ?, ?, ?)`).run(reportId, review.reviewer, review.reviewerRole, review.note, review.reviewedMs, review.auditId).changes > 0;
}

export function scheduleCursor(db: Database.Database, template: string): { periodKind: string; nextFromMs: number } | undefined {
  return db.prepare('SELECT period_kind AS periodKind, next_from_ms AS nextFromMs FROM report_schedule WHERE template = ?').get(template) as
    { periodKind: string; nextFromMs: number } | undefined;
}

/** Sets a template's cursor (never moves it back: a late duplicate run cannot re-open a period). */
export function setScheduleCursor(db: Database.Database, template: string, periodKind: string, nextFromMs: number): void {
  db.prepare(`INSERT INTO report_schedule (template, period_kind, next_from_ms) VALUES (?, ?, ?)
    ON CONFLICT (template) DO UPDATE SET period_kind = excluded.period_kind,
      next_from_ms = CASE WHEN report_schedule.period_kind = excluded.period_kind THEN MAX(report_schedule.next_from_ms, excluded.next_from_ms)
        ELSE excluded.next_from_ms END`).run(template, periodKind, nextFromMs);
}

/** PC names known to the collector (every agent, retired ones too: their history is still in the period). */
export function knownPcs(db: Database.Database): string[] {
  return (db.prepare('SELECT DISTINCT pc FROM agents ORDER BY pc').all() as { pc: string }[]).map((r) => r.pc);
}

/** Attaches files to an outbox mail (inspection reports), in one transaction. */
export function addOutboxAttachments(
  db: Database.Database, outboxId: number, files: { fileName: string; contentType: string; content: Buffer }[],
): void {
  const insert = db.prepare('INSERT INTO notify_outbox_attachments (outbox_id, ordinal, file_name, content_type, content) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => files.forEach((f, i) => insert.run(outboxId, i, f.fileName, f.contentType, f.content)))();
}

/** Files attached to an outbox mail, in order (none for alert mails). */
export function outboxAttachments(db: Database.Database, outboxId: number): { fileName: string; contentType: string; content: Buffer }[] {
  return db.prepare(`SELECT file_name AS fileName, content_type AS contentType, content FROM notify_outbox_attachments
    WHERE outbox_id = ? ORDER BY ordinal`).all(outboxId) as { fileName: string; contentType: string; content: Buffer }[];
}
