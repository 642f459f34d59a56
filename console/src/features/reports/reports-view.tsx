import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { InspectionReport, Session } from '../../api/types.ts';
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
  useEffect(() => { if (list.data) setReports(list.data); }, [list.data]);
  useEffect(() => {
    const first = templates.data?.[0];
    if (first && !form.template) setForm((f) => ({ ...f, template: first.name }));
  }, [templates.data, form.template]);

  const generate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const report = await api.generateReport(form);
      setReports((all) => [report, ...all]);
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
            <select value={form.template} onChange={(e) => setForm({ ...form, template: e.target.value })}>
              {templates.data.map((tpl) => <option key={tpl.name} value={tpl.name}>{tpl.title} ({t(`reports.schedule.${tpl.schedule}` as MessageKey)})</option>)}
            </select>
          </label>
          <label>{t('reports.from')} <input type="date" required value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} /></label>
          <label>{t('reports.to')} <input type="date" required value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} /></label>
          <button type="submit" disabled={busy || !form.template}>{t('reports.generate')}</button>
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
