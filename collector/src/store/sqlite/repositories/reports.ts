import type Database from 'better-sqlite3';
import type {
  ExternalMailCheck, ItemQueryResult, NewReport, OffHoursIntervals, ReportItemQueries, ReportPcs, ReportRange, ReportRecord, ReportReview,
  ReportsRepository,
} from '../../repositories/reports.ts';
import {
  adminActions, blockedAttempts, contentFindings, externalMailWithAttachments, getReport, insertReport, insertReview, knownPcs, largePrints,
  listReports, offHoursActivity, personalStorageUploads, prepareReportScope, reportFile, scheduleCursor, scheduledReportExists, setReportAudit,
  setScheduleCursor, tamperAndStops, usbUse,
} from '../queries/reports.ts';
import { riskScores } from '../queries/report-risk.ts';

export class SqliteReportsRepository implements ReportsRepository {
  /** The report running on this connection: the scope lives in per-connection temp tables, so reports take turns. */
  #running: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database.Database) {}

  readerFile(): string | undefined {
    return this.db.memory ? undefined : this.db.name;
  }

  async knownPcs(): Promise<string[]> { return knownPcs(this.db); }

  withScope<T>(pcs: ReportPcs, offHours: OffHoursIntervals, work: (queries: ReportItemQueries) => Promise<T>): Promise<T> {
    const mine = this.#running.catch(() => undefined).then(() => this.#runScoped(pcs, offHours, work));
    this.#running = mine;
    return mine;
  }

  async #runScoped<T>(pcs: ReportPcs, offHours: OffHoursIntervals, work: (queries: ReportItemQueries) => Promise<T>): Promise<T> {
    const db = this.db;
    // A month of a large site's rows is read once per item: a bigger page cache for this run spares re-reading
    // pages from the OS (restored afterwards; the collector's other work keeps SQLite's default).
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    db.pragma('cache_size = -131072');
    try {
      prepareReportScope(db, pcs, offHours);
      const queries: ReportItemQueries = {
        usbUse: async (range: ReportRange) => usbUse(db, range, pcs),
        blockedAttempts: async (range: ReportRange) => blockedAttempts(db, range, pcs),
        offHoursActivity: async (range: ReportRange, days: number) => offHoursActivity(db, range, pcs, days),
        externalMailWithAttachments: async (range: ReportRange, isExternal: ExternalMailCheck) => externalMailWithAttachments(db, range, pcs, isExternal),
        personalStorageUploads: async (range: ReportRange) => personalStorageUploads(db, range, pcs),
        largePrints: async (range: ReportRange, pages: number) => largePrints(db, range, pcs, pages),
        contentFindings: async (range: ReportRange) => contentFindings(db, range, pcs),
        tamperAndStops: async (range: ReportRange) => tamperAndStops(db, range, pcs),
        adminActions: async (range: ReportRange): Promise<ItemQueryResult> => adminActions(db, range),
        riskScores: async (fromDay: number, toDay: number, limit: number, threshold: number) => riskScores(db, pcs, fromDay, toDay, limit, threshold),
      };
      return await work(queries);
    } finally {
      db.pragma(`cache_size = ${cacheSize}`);
    }
  }

  async scheduledExists(template: string, periodKind: string, fromMs: number): Promise<boolean> { return scheduledReportExists(this.db, template, periodKind, fromMs); }
  async insert(report: NewReport, files: { pdf: Buffer; csv: Buffer }, nextFromMs?: number): Promise<number | undefined> { return insertReport(this.db, report, files, nextFromMs); }
  async setAudit(id: number, auditId: number): Promise<void> { setReportAudit(this.db, id, auditId); }
  async get(id: number): Promise<ReportRecord | undefined> { return getReport(this.db, id); }
  async list(options: { template?: string; beforeId?: number; limit: number }): Promise<ReportRecord[]> { return listReports(this.db, options); }
  async file(id: number, format: 'pdf' | 'csv'): Promise<Buffer | undefined> { return reportFile(this.db, id, format); }
  async insertReview(reportId: number, review: ReportReview): Promise<boolean> { return insertReview(this.db, reportId, review); }
  async scheduleCursor(template: string): Promise<{ periodKind: string; nextFromMs: number } | undefined> { return scheduleCursor(this.db, template); }
  async setScheduleCursor(template: string, periodKind: string, nextFromMs: number): Promise<void> { setScheduleCursor(this.db, template, periodKind, nextFromMs); }
}
