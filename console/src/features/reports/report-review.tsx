import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { ApiError } from '../../api/client.ts';
import type { InspectionReport, Session } from '@mamori/collector/api';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * The review record of one report: who reviewed it and their note, or a form to review it. An admin whose own
 * actions the report lists is told someone else must review it (the collector refuses it too).
 */
export function ReportReview({ report, session, onReviewed }: { report: InspectionReport; session: Session; onReviewed: (r: InspectionReport) => void }) {
  const api = useApi();
  const { t, formatDate } = useI18n();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  if (report.review) {
    return <p className="ok" data-testid={`review-${report.id}`}>{t('reports.reviewed', { reviewer: report.review.reviewer, time: formatDate(report.review.reviewedMs), note: report.review.note })}</p>;
  }
  const ownActions = report.items.includes('admin_actions') && report.coveredActors.includes(session.username);
  if (ownActions) return <p className="muted" data-testid={`review-${report.id}`}>{t('reports.selfReview')}</p>;
  const submit = async () => {
    setError(undefined);
    try {
      onReviewed(await api.reviewReport(report.id, note));
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'COLLECTOR_REPORT_SELF_REVIEW' ? t('reports.selfReview') : (e as Error).message);
    }
  };
  return (
    <form className="inline" data-testid={`review-${report.id}`} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <span className="muted">{t('reports.notReviewed')}</span>
      <input aria-label={t('reports.reviewNote')} placeholder={t('reports.reviewNote')} value={note} onChange={(e) => setNote(e.target.value)} required maxLength={4000} />
      <button type="submit" disabled={note.trim() === ''}>{t('reports.markReviewed')}</button>
      {error ? <span className="error" role="alert">{error}</span> : null}
    </form>
  );
}
