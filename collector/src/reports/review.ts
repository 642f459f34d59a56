import { CollectorError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { ReportRecord, ReportsRepository } from '../store/repositories/reports.ts';

/**
 * Marks a report reviewed: the review record inspectors ask for (who, when, note), written to the audit chain.
 * Operators do not review (they are among the reviewed); and a report that lists administrators' actions cannot
 * be reviewed by any of the administrators whose actions it lists (IPA: admins' own actions are checked by
 * someone else).
 */
export async function reviewReport(
  parts: { reports: ReportsRepository; store: Store; now: () => number },
  reportId: number, reviewer: { username: string; role: 'admin' | 'operator' | 'auditor' }, note: string,
): Promise<ReportRecord> {
  const report = await parts.reports.get(reportId);
  if (!report) throw new CollectorError('COLLECTOR_NOT_FOUND', `report ${reportId}`);
  if (reviewer.role === 'operator') throw new CollectorError('COLLECTOR_FORBIDDEN', 'reports are reviewed by auditors and admins');
  if (report.items.includes('admin_actions') && report.coveredActors.includes(reviewer.username)) {
    throw new CollectorError('COLLECTOR_REPORT_SELF_REVIEW', `report ${reportId} lists actions by ${reviewer.username}`);
  }
  if (report.review) throw new CollectorError('COLLECTOR_REPORT_REVIEWED', `by ${report.review.reviewer}`);
  const reviewedMs = parts.now();
  const audit = await parts.store.appendAudit({
    timeMs: reviewedMs, actor: reviewer.username, action: 'report.review',
    entry: { reportId, template: report.template, fromMs: report.fromMs, toMs: report.toMs, pdfSha256: report.pdfSha256, note },
  });
  if (!await parts.reports.insertReview(reportId, { reviewer: reviewer.username, reviewerRole: reviewer.role, note, reviewedMs, auditId: audit.id })) {
    throw new CollectorError('COLLECTOR_REPORT_REVIEWED', 'by someone else just now');
  }
  return (await parts.reports.get(reportId))!;
}
