import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { Role } from '@mamori/collector/api';
import { ErrorBanner, KindBadge, SeverityBadge } from '../../components/badges.tsx';
import { AlertEventsTable } from './alert-events-table.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { href } from '../../router.ts';
import { OfflinePcsPanel } from '../not-reporting/offline-pcs-panel.tsx';
import { AlertActions } from './alert-actions.tsx';
import { PcText } from '../../components/pc-text.tsx';

/** One alert opened by link (`#/alerts/<id>`, where alert mails point): what, where, its events, and the actions. */
export function AlertDetail({ id, role, onChanged }: { id: number; role: Role; onChanged(): void }) {
  const api = useApi();
  const { t, formatDate, formatNumber } = useI18n();
  const loaded = useAsync(() => api.alert(id), [api, id]);
  const [acting, setActing] = useState<'acknowledge' | 'resolve' | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const alert = loaded.data?.alert;
  const canAct = role !== 'auditor';
  return (
    <div className="panel alert-detail" data-testid="alert-detail" data-alert-id={id}>
      <div className="view-header">
        <h3>{t('alerts.detail', { id })}</h3>
        <a href={href(['alerts'])}>{t('common.close')}</a>
      </div>
      <ErrorBanner error={loaded.error ?? error} />
      {alert ? (
        <>
          <dl className="facts">
            <dt>{t('alerts.alert')}</dt><dd><SeverityBadge severity={alert.severity} color={alert.color} /> <PcText value={alert.title} /><div className="muted">{alert.ruleName}</div></dd>
            <dt>{t('common.kind')}</dt><dd><KindBadge kind={alert.kind} /></dd>
            <dt>{t('common.pc')}</dt><dd>{alert.pc ? <a href={href(['pcs', alert.pc], { around: alert.firstMs })} title={t('alerts.historyTitle')}><PcText value={alert.pc} /></a> : '—'}</dd>
            <dt>{t('common.user')}</dt><dd><PcText value={alert.user} /></dd>
            <dt>{t('common.time')}</dt><dd>{formatDate(alert.firstMs)} – {formatDate(alert.lastMs)}</dd>
            <dt>{t('alerts.count')}</dt><dd>{formatNumber(alert.count)}</dd>
            <dt>{t('alerts.status')}</dt><dd>{t(`status.${alert.status}` as MessageKey)}{alert.note ? <div className="muted">“{alert.note}”</div> : null}</dd>
          </dl>
          {canAct ? (
            <div className="row">
              {alert.status === 'new' ? <button type="button" onClick={() => setActing('acknowledge')}>{t('alerts.acknowledge')}</button> : null}
              {alert.status !== 'resolved' ? <button type="button" onClick={() => setActing('resolve')}>{t('alerts.resolve')}</button> : null}
            </div>
          ) : null}
          {acting ? <AlertActions alert={alert} mode={acting} onDone={(e) => { setActing(undefined); setError(e); if (!e) { loaded.reload(); onChanged(); } }} /> : null}
          {alert.kind === 'agent_offline' ? <OfflinePcsPanel alertId={alert.id} count={alert.count} /> : null}
          {loaded.data?.findings && loaded.data.findings.length > 0 ? (
            <ul className="compact" data-testid="alert-findings">
              {loaded.data.findings.map((finding, i) => (
                <li key={i}>{formatDate(finding.timeMs)} {finding.count > 1 ? <span className="folded">{t('alerts.folded', { count: formatNumber(finding.count) })}</span> : null} {finding.detail}</li>
              ))}
            </ul>
          ) : null}
          {loaded.data && loaded.data.events.length > 0 ? <AlertEventsTable events={loaded.data.events} /> : null}
        </>
      ) : null}
    </div>
  );
}
