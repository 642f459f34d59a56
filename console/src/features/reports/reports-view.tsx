import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { InspectionReport, Session } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { reportPeriod } from './report-period.ts';
import { ReportReview } from './report-review.tsx';

/** Inspection reports (auditors and admins): generated reports with their hashes, downloads and review record. */
export function ReportsView({ session }: { session: Session }) {
  const api = useApi();
  const { t, formatDate, formatNumber } = useI18n();
  const list = useAsync(() => api.reports(), [api]);
  const templates = useAsync(() => api.reportTemplates(), [api]);
  const [reports, setReports] = useState<InspectionReport[]>([]);
  const [form, setForm] = useState({ template: '', from: '', to: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  // The list may arrive after a report generated here; merge by id so neither hides the other.
  useEffect(() => { if (list.data) setReports((shown) => mergeReports(shown, list.data!)); }, [list.data]);
  // The first template is chosen until the user picks another; derived, so no effect can race the user's input.
  const chosen = { ...form, template: form.template || templates.data?.[0]?.name || '' };

  const generate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const report = await api.generateReport(chosen);
      setReports((all) => mergeReports(all, [report]));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const replace = (updated: InspectionReport) => setReports((all) => all.map((r) => (r.id === updated.id ? updated : r)));
  const itemLabel = (item: string) => t(`reports.item.${item}` as MessageKey);

  return (
    <section>
      <header className="view-header"><h2>{t('reports.title')}</h2></header>
      <ErrorBanner error={error ?? list.error ?? templates.error} />
      {templates.data && templates.data.length > 0 ? (
        <form className="toolbar" onSubmit={(e) => { e.preventDefault(); void generate(); }}>
          <label>{t('reports.template')}{' '}
            <select value={chosen.template} onChange={(e) => { const template = e.target.value; setForm((f) => ({ ...f, template })); }}>
              {templates.data.map((tpl) => <option key={tpl.name} value={tpl.name}>{tpl.title} ({t(`reports.schedule.${tpl.schedule}` as MessageKey)})</option>)}
            </select>
          </label>
          <label>{t('reports.from')} <input type="date" required value={form.from} onChange={(e) => { const from = e.target.value; setForm((f) => ({ ...f, from })); }} /></label>
          <label>{t('reports.to')} <input type="date" required value={form.to} onChange={(e) => { const to = e.target.value; setForm((f) => ({ ...f, to })); }} /></label>
          <button type="submit" disabled={busy || !chosen.template}>{t('reports.generate')}</button>
        </form>
      ) : null}
      {reports.length === 0 && !list.loading ? <p className="muted">{t('reports.none')}</p> : null}
      {reports.map((report) => (
        <article key={report.id} className="card" data-testid={`report-${report.id}`}>
          <h3>{report.title} <span className="muted">#{report.id}</span></h3>
          <p>
            {t('reports.period')}: <strong>{reportPeriod(report)}</strong> ({report.timezone}) · {t('reports.scope')}: {report.scope.description} ·{' '}
            {t('reports.generated')}: {formatDate(report.generatedMs)} ({report.generatedBy})
          </p>
          <ul className="totals">
            {report.items.map((item) => (
              <li key={item}>{itemLabel(item)}: <strong>{report.totals[item] === null || report.totals[item] === undefined ? t('reports.notComputed') : formatNumber(report.totals[item]!)}</strong></li>
            ))}
          </ul>
          {report.items.includes('admin_actions') && report.coveredActors.length > 0
            ? <p className="muted">{t('reports.coversActions', { actors: report.coveredActors.join(', ') })}</p> : null}
          <p>
            <a href={api.reportFileUrl(report.id, 'pdf')}>PDF</a> · <a href={api.reportFileUrl(report.id, 'csv')}>CSV</a>{' '}
            <span className="muted mono" title={t('reports.hash', { id: report.auditId })}>SHA-256 {report.pdfSha256}</span>
          </p>
          <ReportReview report={report} session={session} onReviewed={replace} />
        </article>
      ))}
    </section>
  );
}

/** Reports newest first, one per id; a report in `incoming` replaces the shown copy. */
function mergeReports(shown: InspectionReport[], incoming: InspectionReport[]): InspectionReport[] {
  const byId = new Map(shown.map((r) => [r.id, r]));
  for (const r of incoming) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}
