import type { ReportRecord } from './repositories/reports.ts';

// One stored report with its review, as both stores read it: the same columns in SQLite and PostgreSQL
// (migrations 0920 and 0281), so the select and the row mapping are shared.

export const reportSelect = `SELECT r.*, v.reviewer, v.reviewer_role, v.note, v.reviewed_ms, v.audit_id AS review_audit_id
  FROM reports r LEFT JOIN report_reviews v ON v.report_id = r.id`;

export function reportFromRow(row: Record<string, unknown>): ReportRecord {
  return {
    id: row.id as number, template: row.template as string, title: row.title as string, periodKind: row.period_kind as ReportRecord['periodKind'],
    fromMs: row.from_ms as number, toMs: row.to_ms as number, timezone: row.timezone as string,
    scope: JSON.parse(row.scope_json as string) as ReportRecord['scope'], items: JSON.parse(row.items_json as string) as string[],
    totals: JSON.parse(row.totals_json as string) as ReportRecord['totals'], coveredActors: JSON.parse(row.covered_actors_json as string) as string[],
    generatedMs: row.generated_ms as number, generatedBy: row.generated_by as string, pdfSha256: row.pdf_sha256 as string,
    csvSha256: row.csv_sha256 as string, auditId: row.audit_id as number,
    review: row.reviewer ? {
      reviewer: row.reviewer as string, reviewerRole: row.reviewer_role as string, note: row.note as string,
      reviewedMs: row.reviewed_ms as number, auditId: row.review_audit_id as number,
    } : null,
  };
}
