import { useApi } from '../../api/api-context.tsx';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';

/** The PCs behind an "N PCs offline" alert (one alert per site and working day), earliest outage first. */
export function OfflinePcsPanel({ alertId, count }: { alertId: number; count: number }) {
  const api = useApi();
  const { t, formatDate } = useI18n();
  // Reload when the alert's count grows (live update), so the list matches the count shown.
  const pcs = useAsync(() => api.offlinePcs(alertId), [api, alertId, count]);
  return (
    <div data-testid="alert-offline-pcs">
      <h4>{t('offlinePcs.title')}</h4>
      <ErrorBanner error={pcs.error} />
      <ul className="compact">
        {(pcs.data ?? []).map((row) => (
          <li key={row.agentId} data-pc={row.pc}><a href={href(['pcs', row.pc], { around: row.sinceMs })}>{row.pc}</a> {t('offlinePcs.since', { time: formatDate(row.sinceMs) })}</li>
        ))}
      </ul>
    </div>
  );
}
