import { useApi } from '../../api/api-context.tsx';
import type { Severity } from '@mamori/collector/api';
import { ErrorBanner, severityColors } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { href } from '../../router.ts';
import { PcText } from '../../components/pc-text.tsx';
import { useSensorLabel } from '../pcs/sensor-health-panel.tsx';
import { DepartmentAlerts } from './department-alerts.tsx';

const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Alerts by colour today and over 7 days, top PCs and users, agents online/offline. */
export function DashboardView() {
  const api = useApi();
  const { t, formatNumber, formatDay } = useI18n();
  const summary = useAsync(() => api.alertSummary(7), [api]);
  const pcs = useAsync(() => api.pcs(), [api]);
  const notReporting = useAsync(() => api.notReporting(), [api]);
  const health = useAsync(() => api.sensorHealth(), [api]);
  const sensorLabel = useSensorLabel();
  const sensorsOff = Object.entries(health.data?.bySensor ?? {}).filter(([, c]) => c.off > 0).sort((a, b) => b[1].off - a[1].off);
  const s = summary.data;
  const online = pcs.data?.pcs.filter((p) => p.connected).length ?? 0;
  const total = pcs.data?.pcs.length ?? 0;
  const days = [...new Set((s?.byDay ?? []).map((d) => d.day))].sort();
  const dayTotal = (day: string) => (s?.byDay ?? []).filter((d) => d.day === day).reduce((n, d) => n + d.count, 0);
  const max = Math.max(1, ...days.map(dayTotal));

  return (
    <section>
      <header className="view-header"><h2>{t('dashboard.title')}</h2></header>
      <ErrorBanner error={summary.error ?? pcs.error ?? notReporting.error} />
      <div className="cards">
        <div className="panel">
          <h3>{t('dashboard.today')}</h3>
          <div className="tiles">
            {severities.map((sev) => (
              <a key={sev} className="tile" href={href(['alerts'])} style={{ background: severityColors[sev] }} data-severity={sev}>
                <strong>{formatNumber(s?.today[sev] ?? 0)}</strong><span>{t(`severity.${sev}` as MessageKey)}</span>
              </a>
            ))}
          </div>
        </div>
        <div className="panel">
          <h3>{t('dashboard.agents')}</h3>
          <p className="big"><span className="dot online">{formatNumber(online)}</span> / <span className="dot offline">{formatNumber(total - online)}</span></p>
          <p className="muted">{t('pcs.summary', { online: formatNumber(online), offline: formatNumber(total - online), total: formatNumber(total) })}</p>
        </div>
        <div className="panel">
          <h3>{t('dashboard.notReporting')}</h3>
          <p className="big"><a href={href(['not-reporting'])} data-testid="not-reporting-count">{formatNumber(notReporting.data?.count ?? 0)}</a></p>
        </div>
        <div className="panel" data-testid="sensors-off">
          <h3>{t('dashboard.monitoring')}</h3>
          {sensorsOff.length === 0 ? <p className="muted">{t('dashboard.monitoringOk')}</p> : (
            <ul className="compact">{sensorsOff.map(([name, counts]) => (
              <li key={name} data-sensor={name} className="hot"><a href={href(['pcs'])}>{t('dashboard.sensorOff', { count: formatNumber(counts.off), sensor: sensorLabel(name) })}</a></li>
            ))}</ul>
          )}
        </div>
      </div>
      <div className="panel">
        <h3>{t('dashboard.week')}</h3>
        <div className="bars">
          {days.map((day) => (
            <div key={day} className="bar-column" title={`${day}: ${dayTotal(day)}`}>
              <div className="bar-stack" style={{ height: `${(dayTotal(day) / max) * 120}px` }}>
                {severities.map((sev) => {
                  const count = (s?.byDay ?? []).find((d) => d.day === day && d.severity === sev)?.count ?? 0;
                  return count ? <div key={sev} style={{ flexGrow: count, background: severityColors[sev] }} /> : null;
                })}
              </div>
              <span className="muted">{formatDay(day)}</span>
            </div>
          ))}
        </div>
      </div>
      <DepartmentAlerts />
      <div className="cards">
        <div className="panel">
          <h3>{t('dashboard.topPcs')}</h3>
          <ol className="compact">{(s?.topPcs ?? []).map((p) => <li key={p.pc}><a href={href(['pcs', p.pc])}><PcText value={p.pc} /></a> — {formatNumber(p.count)}</li>)}</ol>
        </div>
        <div className="panel">
          <h3>{t('dashboard.topUsers')}</h3>
          <ol className="compact">{(s?.topUsers ?? []).map((u) => <li key={u.user}><PcText value={u.user} /> — {formatNumber(u.count)}</li>)}</ol>
        </div>
      </div>
    </section>
  );
}
