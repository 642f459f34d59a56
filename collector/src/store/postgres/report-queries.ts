import type pg from 'pg';
import { lifecycleKindOf } from '@mamori/proto';
import { aggregate, reportRiskPerson, type RawEvent } from '../report-aggregate.ts';
import {
  reportBucketMs, type ExternalMailCheck, type ItemQueryResult, type OffHoursIntervals, type ReportItemQueries, type ReportPcs, type ReportRange,
  type ReportRow,
} from '../repositories/reports.ts';

// Inspection reports' item queries on PostgreSQL, over the query tables the projector fills there (and, for agent
// stops, the evidence itself). The same items as sqlite/queries/reports.ts, counted by the same JavaScript
// (report-aggregate.ts). The scope travels with each query as arrays ($1 PC names lower-cased, $2 their calendar)
// instead of SQLite's per-connection temp tables, so a report holds no connection between its items. PC names
// match without case, as SQLite's NOCASE scope table does.

const bucketMs = reportBucketMs;
const stopKinds = new Set(['STOPPED', 'UNINSTALLED', 'JOURNAL_GAP', 'JOURNAL_FULL', 'CLOCK_JUMP']);

interface Matched { timeMs: number; pc: string | null; user: string | null; category: string | null; distinct?: string | null; bytes: number; sum: number | null }

/** The key aggregate() groups by: pc, user and category (and a value counted distinct per group), NUL-separated. */
function raw(rows: Matched[], distinct = false): RawEvent[] {
  return rows.map((r) => [Number(r.timeMs), `${r.pc ?? ''}\u0000${r.user ?? ''}\u0000${r.category ?? ''}${distinct ? `\u0000${r.distinct ?? ''}` : ''}`,
    Number(r.bytes ?? 0), r.sum === null ? null : Number(r.sum)]);
}

function reportRows(rows: Partial<ReportRow>[]): ReportRow[] {
  return rows.map((r) => ({
    pc: r.pc ?? '', user: r.user ?? '', category: r.category ?? '', detail: r.detail ?? '', count: Number(r.count ?? 0),
    bytes: Number(r.bytes ?? 0), timeMs: r.timeMs ?? null,
  }));
}

export class PostgresReportQueries implements ReportItemQueries {
  readonly #pcs: string[];
  readonly #calendars: number[];
  readonly #offHours: OffHoursIntervals;

  constructor(private readonly pool: pg.Pool, private readonly scope: ReportPcs, offHours: OffHoursIntervals) {
    // First entry per PC name without case wins, as SQLite's INSERT OR IGNORE into its NOCASE table does.
    const byName = new Map<string, number>();
    for (const [pc, calendar] of scope.pcs) if (!byName.has(pc.toLowerCase())) byName.set(pc.toLowerCase(), calendar);
    this.#pcs = [...byName.keys()];
    this.#calendars = [...byName.values()];
    const windows = new Map<string, OffHoursIntervals[number]>();
    for (const w of offHours) if (!windows.has(`${w.calendar}:${w.startMs}`)) windows.set(`${w.calendar}:${w.startMs}`, w);
    this.#offHours = [...windows.values()];
  }

  /** Runs an item query with the scope CTE `s (pc, calendar)` and the range as $3, $4. */
  async #query<T extends pg.QueryResultRow>(sql: string, range: ReportRange, extra: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(`WITH s (pc, calendar) AS (SELECT * FROM unnest($1::text[], $2::int[])) ${sql}`,
      [this.#pcs, this.#calendars, range.fromMs, range.toMs, ...extra])).rows;
  }

  /** Restricts a table aliased `t` to the report's PCs (nothing when the report covers every PC). */
  get #scopeJoin(): string {
    return this.scope.restricted ? 'JOIN s ON s.pc = lower(t.pc)' : '';
  }

  async usbUse(range: ReportRange): Promise<ItemQueryResult> {
    const copies = aggregate(raw(await this.#query<Matched>(`SELECT t.time_ms AS "timeMs", t.pc, t.user_name AS user, 'copy' AS category, t.serial AS distinct,
        t.size_bytes AS bytes, NULL AS sum FROM file_copies t ${this.#scopeJoin}
      WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.destination_kind = 'removable'`, range), true), range, { distinct: true, unit: ' device(s)' });
    const mounts = aggregate(raw(await this.#query<Matched>(`SELECT t.time_ms AS "timeMs", t.pc, t.user_name AS user, 'mount' AS category, t.serial AS distinct,
        0 AS bytes, NULL AS sum FROM device_events t ${this.#scopeJoin}
      WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.action = 'MOUNTED'`, range), true), range, { distinct: true, unit: ' device(s)' });
    return { rows: [...copies.rows, ...mounts.rows], total: copies.total, buckets: copies.buckets };
  }

  async blockedAttempts(range: ReportRange): Promise<ItemQueryResult> {
    return aggregate(raw(await this.#query<Matched>(`SELECT t.time_ms AS "timeMs", t.pc, t.user_name AS user, 'usb' AS category, 0 AS bytes, NULL::bigint AS sum
        FROM device_events t ${this.#scopeJoin} WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.action = 'BLOCKED'
      UNION ALL SELECT t.time_ms, t.pc, t.user_name, 'mail', 0, NULL FROM mails t ${this.#scopeJoin}
        WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.verdict = 'blocked'
      UNION ALL SELECT t.time_ms, t.pc, t.job_user, 'print', 0, NULL FROM print_jobs t ${this.#scopeJoin}
        WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.action IN ('cancelled', 'held')`, range)), range);
  }

  async offHoursActivity(range: ReportRange, days: number): Promise<ItemQueryResult & { daily: number[] }> {
    const w = this.#offHours;
    const calendarMatch = this.scope.restricted ? 'JOIN s ON s.pc = lower(t.pc) AND s.calendar = w.calendar'
      : 'LEFT JOIN s ON s.pc = lower(t.pc) WHERE COALESCE(s.calendar, 0) = w.calendar';
    // Each off-hours piece is range-scanned on the log's time index; counted per piece's day, PC, user and kind.
    const grouped = await this.#query<{ day: number; pc: string; user: string; kind: string; n: number }>(`, w (calendar, day, start_ms, end_ms) AS (
        SELECT * FROM unnest($5::int[], $6::int[], $7::bigint[], $8::bigint[]))
      SELECT w.day, t.pc, t.user_name AS user, t.kind, COUNT(*) AS n
      FROM w JOIN log_entries t ON t.time_ms >= GREATEST(w.start_ms, $3) AND t.time_ms < LEAST(w.end_ms, $4) ${calendarMatch}
      GROUP BY w.day, t.pc, t.user_name, t.kind`, range, [w.map((x) => x.calendar), w.map((x) => x.day), w.map((x) => x.startMs), w.map((x) => x.endMs)]);
    const daily = Array.from({ length: days }, () => 0);
    const byKey = new Map<string, ReportRow>();
    let total = 0;
    for (const g of grouped) {
      total += g.n;
      if (g.day >= 0 && g.day < days) daily[g.day]! += g.n;
      const key = `${g.pc}\u0000${g.user}\u0000${g.kind}`;
      const row = byKey.get(key) ?? { pc: g.pc ?? '', user: g.user ?? '', category: g.kind ?? '', detail: '', count: 0, bytes: 0, timeMs: null };
      row.count += g.n;
      byKey.set(key, row);
    }
    return { rows: [...byKey.values()], total, buckets: new Map(), daily };
  }

  async externalMailWithAttachments(range: ReportRange, isExternal: ExternalMailCheck): Promise<ItemQueryResult> {
    const candidates = await this.#query<Matched & { to: string; cc: string; bcc: string; files: number }>(`SELECT t.time_ms AS "timeMs", t.pc,
        t.user_name AS user, '' AS category, t.size_bytes AS bytes, t.to_json AS to, t.cc_json AS cc, t.bcc_json AS bcc,
        (SELECT COUNT(*) FROM mail_attachments a WHERE a.mail_id = t.id AND NOT a.inline) AS files
      FROM mails t ${this.#scopeJoin}
      WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.verdict IN ('relayed', 'warned') AND t.attachment_count > 0`, range);
    const matching = candidates.filter((c) => c.files > 0 && isExternal(c.to, c.cc, c.bcc)).map((c) => ({ ...c, sum: c.files }));
    return aggregate(raw(matching), range, { unit: ' file(s)' });
  }

  async personalStorageUploads(range: ReportRange): Promise<ItemQueryResult> {
    return aggregate(raw(await this.#query<Matched>(`SELECT t.time_ms AS "timeMs", t.pc, t.user_name AS user, t.destination_host AS category,
        t.size_bytes AS bytes, NULL AS sum FROM uploads t ${this.#scopeJoin}
      WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.category = 'personal_cloud'`, range)), range);
  }

  async largePrints(range: ReportRange, pages: number): Promise<ItemQueryResult> {
    const where = `FROM print_jobs t ${this.#scopeJoin} WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.pages > $5`;
    const list = reportRows(await this.#query(`SELECT t.pc, t.job_user AS user, t.printer AS category, t.document_name AS detail, t.pages AS count,
      t.size_bytes AS bytes, t.time_ms AS "timeMs" ${where} ORDER BY t.pages DESC, t.time_ms`, range, [pages]));
    return { rows: list, total: list.length, buckets: await this.#buckets(`SELECT div(t.time_ms, ${bucketMs}) AS b, COUNT(*) AS n ${where} GROUP BY 1`, range, [pages]) };
  }

  async contentFindings(range: ReportRange): Promise<ItemQueryResult> {
    const where = `FROM mails t ${this.#scopeJoin} WHERE t.time_ms >= $3 AND t.time_ms < $4 AND t.rule LIKE '%mail.patterns.%'`;
    const grouped = await this.#query<{ pc: string; user: string; verdict: string; rule: string; n: number }>(
      `SELECT t.pc, t.user_name AS user, t.verdict, t.rule, COUNT(*) AS n ${where} GROUP BY t.pc, t.user_name, t.verdict, t.rule`, range);
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
    return { rows: [...byKey.values()], total, buckets: await this.#buckets(`SELECT div(t.time_ms, ${bucketMs}) AS b, COUNT(*) AS n ${where} GROUP BY 1`, range) };
  }

  async tamperAndStops(range: ReportRange): Promise<ItemQueryResult> {
    const findings = reportRows(await this.#query(`SELECT t.pc, '' AS user, t.kind AS category, 'integrity finding' AS detail, SUM(t.count) AS count, 0 AS bytes
      FROM integrity_findings t ${this.#scopeJoin} WHERE t.time_ms >= $3 AND t.time_ms < $4 GROUP BY t.pc, t.kind`, range));
    const series = await this.#buckets(`SELECT div(t.time_ms, ${bucketMs}) AS b, SUM(t.count) AS n FROM integrity_findings t ${this.#scopeJoin}
      WHERE t.time_ms >= $3 AND t.time_ms < $4 GROUP BY 1`, range);
    const stops = new Map<string, ReportRow>();
    const lifecycle = await this.#query<{ pc: string; timeMs: number; bytes: Buffer }>(`SELECT t.pc, t.time_ms AS "timeMs", t.bytes FROM events t ${this.#scopeJoin}
      WHERE t.kind = 'lifecycle' AND t.time_ms >= $3 AND t.time_ms < $4`, range);
    for (const { pc, timeMs, bytes } of lifecycle) {
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

  async riskScores(fromDay: number, toDay: number, limit: number, threshold: number): ReturnType<ReportItemQueries['riskScores']> {
    const range = { fromMs: fromDay, toMs: toDay };
    // People with scored events on the report's PCs in the period (only when the report is restricted).
    const scope = this.scope.restricted
      ? 'AND person IN (SELECT o.person FROM risk_observations o JOIN s ON s.pc = lower(o.pc) WHERE o.day BETWEEN $3 AND $4)' : '';
    const top = await this.#query<{ person: string; peakScore: number; peakDay: number }>(`, peaks AS (
        SELECT DISTINCT ON (person) person, score AS "peakScore", day AS "peakDay" FROM risk_person_days
        WHERE day BETWEEN $3 AND $4 AND person <> '' ${scope} ORDER BY person, score DESC, day)
      SELECT * FROM peaks ORDER BY "peakScore" DESC, person COLLATE "C" LIMIT $5`, range, [limit]);
    const persons = [];
    for (const row of top) {
      const days = (await this.pool.query<{ breakdown: string }>('SELECT breakdown FROM risk_person_days WHERE person = $1 AND day BETWEEN $2 AND $3 ORDER BY day',
        [row.person, fromDay, toDay])).rows.map((r) => r.breakdown);
      persons.push(reportRiskPerson(row, days));
    }
    const daily = Array.from({ length: toDay - fromDay + 1 }, () => 0);
    for (const { day, n } of await this.#query<{ day: number; n: number }>(`SELECT day, COUNT(*) AS n FROM risk_person_days
      WHERE day BETWEEN $3 AND $4 AND score >= $5 ${scope} GROUP BY day`, range, [threshold])) daily[day - fromDay] = n;
    const aboveThreshold = (await this.#query<{ n: number }>(`SELECT COUNT(DISTINCT person) AS n FROM risk_person_days
      WHERE day BETWEEN $3 AND $4 AND score >= $5 ${scope}`, range, [threshold]))[0]!.n;
    const secret = (await this.pool.query<{ secret: Buffer }>('SELECT secret FROM risk_secret')).rows[0]?.secret;
    const revealed = new Set((await this.pool.query<{ person: string }>('SELECT person FROM risk_reveals')).rows.map((r) => r.person));
    return { persons, daily, aboveThreshold, secret, revealed };
  }

  async adminActions(range: ReportRange): Promise<ItemQueryResult> {
    const entries = (await this.pool.query<{ id: number; time_ms: number; actor: string; action: string; entry_json: string }>(
      'SELECT id, time_ms, actor, action, entry_json FROM audit_log WHERE time_ms >= $1 AND time_ms < $2 ORDER BY id', [range.fromMs, range.toMs])).rows;
    const list = entries.map((r): ReportRow => {
      const entry = JSON.parse(r.entry_json) as Record<string, unknown>;
      return {
        pc: typeof entry.pc === 'string' ? entry.pc : '', user: r.actor, category: r.action, detail: `#${r.id} ${r.entry_json.slice(0, 200)}`,
        count: 1, bytes: 0, timeMs: r.time_ms,
      };
    });
    const series = new Map<number, number>();
    for (const r of entries) series.set(Math.floor(r.time_ms / bucketMs), (series.get(Math.floor(r.time_ms / bucketMs)) ?? 0) + 1);
    return { rows: list, total: list.length, buckets: series };
  }

  async #buckets(sql: string, range: ReportRange, extra: unknown[] = []): Promise<Map<number, number>> {
    return new Map((await this.#query<{ b: number; n: number }>(sql, range, extra)).map((r) => [Number(r.b), Number(r.n)]));
  }
}
