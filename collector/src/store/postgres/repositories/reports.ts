import type pg from 'pg';
import type {
  NewReport, OffHoursIntervals, ReportItemQueries, ReportPcs, ReportRecord, ReportReview, ReportsRepository,
} from '../../repositories/reports.ts';
import { reportFromRow, reportSelect } from '../../report-row.ts';
import { PostgresReportQueries } from '../report-queries.ts';
import { inTransaction } from './transaction.ts';

type Row = Record<string, unknown>;

const setCursor = `INSERT INTO report_schedule (template, period_kind, next_from_ms) VALUES ($1, $2, $3)
  ON CONFLICT (template) DO UPDATE SET period_kind = excluded.period_kind,
    next_from_ms = CASE WHEN report_schedule.period_kind = excluded.period_kind THEN GREATEST(report_schedule.next_from_ms, excluded.next_from_ms)
      ELSE excluded.next_from_ms END`;

/**
 * Inspection reports on PostgreSQL (migration 0281): the item queries over the shared query tables, and the reports,
 * files, reviews and schedule cursors every collector on the database sees. No report thread here: that one opens
 * the SQLite file read-only; on PostgreSQL the queries already run in the server, not on the collector's thread.
 */
export class PostgresReportsRepository implements ReportsRepository {
  constructor(private readonly pool: pg.Pool) {}

  readerFile(): string | undefined {
    return undefined;
  }

  async knownPcs(): Promise<string[]> {
    return (await this.pool.query<{ pc: string }>('SELECT DISTINCT pc COLLATE "C" AS pc FROM agents ORDER BY 1')).rows.map((r) => r.pc);
  }

  async withScope<T>(pcs: ReportPcs, offHours: OffHoursIntervals, work: (queries: ReportItemQueries) => Promise<T>): Promise<T> {
    // The scope travels with each query, so reports need not take turns here.
    return work(new PostgresReportQueries(this.pool, pcs, offHours));
  }

  async scheduledExists(template: string, periodKind: string, fromMs: number): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM reports WHERE template = $1 AND period_kind = $2 AND from_ms = $3', [template, periodKind, fromMs])).rowCount! > 0;
  }

  async insert(report: NewReport, files: { pdf: Buffer; csv: Buffer }, nextFromMs?: number): Promise<number | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: number }>(`INSERT INTO reports (template, title, period_kind, from_ms, to_ms, timezone, scope_json, items_json,
          totals_json, covered_actors_json, generated_ms, generated_by, pdf_sha256, csv_sha256, audit_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0)
        ON CONFLICT (template, period_kind, from_ms) WHERE period_kind <> 'on_demand' DO NOTHING RETURNING id`, [
        report.template, report.title, report.periodKind, report.fromMs, report.toMs, report.timezone, JSON.stringify(report.scope),
        JSON.stringify(report.items), JSON.stringify(report.totals), JSON.stringify(report.coveredActors), report.generatedMs, report.generatedBy,
        report.pdfSha256, report.csvSha256,
      ]);
      if (nextFromMs !== undefined) await client.query(setCursor, [report.template, report.periodKind, nextFromMs]);
      const id = rows[0]?.id;
      if (id === undefined) return undefined;
      await client.query(`INSERT INTO report_files (report_id, format, content) VALUES ($1, 'pdf', $2), ($1, 'csv', $3)`, [id, files.pdf, files.csv]);
      return id;
    });
  }

  async setAudit(id: number, auditId: number): Promise<void> {
    await this.pool.query('UPDATE reports SET audit_id = $1 WHERE id = $2', [auditId, id]);
  }

  async get(id: number): Promise<ReportRecord | undefined> {
    const row = (await this.pool.query<Row>(`${reportSelect} WHERE r.id = $1`, [id])).rows[0];
    return row ? reportFromRow(row) : undefined;
  }

  async list(options: { template?: string; beforeId?: number; limit: number }): Promise<ReportRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.template) where.push(`r.template = $${params.push(options.template)}`);
    if (options.beforeId !== undefined) where.push(`r.id < $${params.push(options.beforeId)}`);
    const limit = `$${params.push(options.limit)}`;
    return (await this.pool.query<Row>(`${reportSelect} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT ${limit}`, params))
      .rows.map(reportFromRow);
  }

  async file(id: number, format: 'pdf' | 'csv'): Promise<Buffer | undefined> {
    return (await this.pool.query<{ content: Buffer }>('SELECT content FROM report_files WHERE report_id = $1 AND format = $2', [id, format])).rows[0]?.content;
  }

  async insertReview(reportId: number, review: ReportReview): Promise<boolean> {
    return (await this.pool.query(`INSERT INTO report_reviews (report_id, reviewer, reviewer_role, note, reviewed_ms, audit_id)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (report_id) DO NOTHING`,
    [reportId, review.reviewer, review.reviewerRole, review.note, review.reviewedMs, review.auditId])).rowCount! > 0;
  }

  async scheduleCursor(template: string): Promise<{ periodKind: string; nextFromMs: number } | undefined> {
    return (await this.pool.query<{ periodKind: string; nextFromMs: number }>(
      'SELECT period_kind AS "periodKind", next_from_ms AS "nextFromMs" FROM report_schedule WHERE template = $1', [template])).rows[0];
  }

  async setScheduleCursor(template: string, periodKind: string, nextFromMs: number): Promise<void> {
    await this.pool.query(setCursor, [template, periodKind, nextFromMs]);
  }
}
