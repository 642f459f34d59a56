import { useApi } from '../../api/api-context.tsx';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';

const day = 86_400_000;

/**
 * PCs silent longer than the policy's `not_reporting_after`: one line each, longest silent first. These PCs raise no
 * offline alert day after day; this list (and the dashboard count) is where they are seen.
 */
export function NotReportingView() {
  const api = useApi();
  const { t, formatDate, formatNumber } = useI18n();
  const state = useAsync(() => api.notReporting(), [api]);
  const data = state.data;
  return (
    <section>
      <header className="view-header"><h2>{t('notReporting.title')}</h2></header>
      <ErrorBanner error={state.error} />
      {data && <p className="muted">{t('notReporting.intro', { days: formatNumber(Math.round(data.afterMs / day)) })}</p>}
      {data && <p>{t('notReporting.count', { count: formatNumber(data.count) })}</p>}
      {data && data.pcs.length === 0 && <p className="muted">{t('notReporting.none')}</p>}
      {data && data.pcs.length > 0 && (
        <table className="grid not-reporting">
          <thead>
            <tr><th>{t('nav.pcs')}</th><th>{t('notReporting.site')}</th><th>{t('notReporting.lastSeen')}</th><th>{t('notReporting.silentDays')}</th></tr>
          </thead>
          <tbody>
            {data.pcs.map((row) => (
              <tr key={row.agentId} data-pc={row.pc}>
                <td><a href={href(['pcs', row.pc])}>{row.pc}</a></td>
                <td>{row.site}</td>
                <td>{row.lastSeenMs === null ? t('notReporting.never', { date: formatDate(row.enrolledMs) }) : formatDate(row.lastSeenMs)}</td>
                <td className="num">{formatNumber(row.silentDays)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
