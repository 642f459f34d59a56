import { Fragment, useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { Alert, AlertFilter, Role, Severity } from '../../api/types.ts';
import { KindBadge, SeverityBadge, safeColor, severityColors } from '../../components/badges.tsx';
import { fromLocalInput } from '../../components/time-input.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { href } from '../../router.ts';
import { AlertActions } from './alert-actions.tsx';
import { AlertDetail } from './alert-detail.tsx';
import { mergeAlert } from './alert-filter.ts';
import { PcText } from '../../components/pc-text.tsx';

const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const statuses = ['new', 'acknowledged', 'resolved'] as const;

/** Alerts, newest first, live: new and updated alerts arrive over the stream without a reload; `focus` opens one. */
export function AlertsView({ role, focus }: { role: Role; focus?: number | undefined }) {
  const api = useApi();
  const { t, formatDate, formatNumber } = useI18n();
  const [draft, setDraft] = useState({ severity: '', status: '', kind: '', pc: '', user: '', from: '', to: '' });
  const [filter, setFilter] = useState<AlertFilter>({ limit: 200 });
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const [live, setLive] = useState(false);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [acting, setActing] = useState<{ id: number; mode: 'acknowledge' | 'resolve' } | undefined>();
  const [tick, setTick] = useState(0);
  const canAct = role !== 'auditor';

  useEffect(() => {
    let stale = false;
    api.alerts(filter).then((list) => { if (!stale) { setAlerts(list); setError(undefined); } }, (e: Error) => { if (!stale) setError(e); });
    return () => { stale = true; };
  }, [api, filter, tick]);

  useEffect(() => api.subscribeAlerts((alert) => {
    setAlerts((list) => mergeAlert(list, alert, filter));
    setFresh((set) => new Set(set).add(alert.id));
  }, setLive), [api, filter]);

  const apply = () => {
    setFilter({
      limit: 200,
      ...(draft.severity ? { severity: draft.severity as Severity } : {}),
      ...(draft.status ? { status: draft.status as AlertFilter['status'] } : {}),
      ...(draft.kind ? { kind: draft.kind } : {}), ...(draft.pc ? { pc: draft.pc } : {}), ...(draft.user ? { user: draft.user } : {}),
      ...(fromLocalInput(draft.from) !== undefined ? { from: fromLocalInput(draft.from) } : {}),
      ...(fromLocalInput(draft.to) !== undefined ? { to: fromLocalInput(draft.to) } : {}),
    });
  };
  const field = (name: keyof typeof draft) => ({ value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }) });

  return (
    <section>
      <header className="view-header">
        <h2>{t('alerts.title')}</h2>
        <span className={live ? 'live on' : 'live off'} data-testid="live-state">{live ? t('alerts.live') : t('alerts.offline')}</span>
      </header>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); apply(); }}>
        <select aria-label={t('alerts.severity')} {...field('severity')}>
          <option value="">{t('alerts.severity')}: {t('common.all')}</option>
          {severities.map((s) => <option key={s} value={s}>{t(`severity.${s}` as MessageKey)}</option>)}
        </select>
        <select aria-label={t('alerts.status')} {...field('status')}>
          <option value="">{t('alerts.status')}: {t('common.all')}</option>
          {statuses.map((s) => <option key={s} value={s}>{t(`status.${s}` as MessageKey)}</option>)}
        </select>
        <input aria-label={t('common.kind')} placeholder={t('common.kind')} {...field('kind')} />
        <input aria-label={t('common.pc')} placeholder={t('common.pc')} {...field('pc')} />
        <input aria-label={t('common.user')} placeholder={t('common.user')} {...field('user')} />
        <input aria-label={t('common.from')} type="datetime-local" {...field('from')} />
        <input aria-label={t('common.to')} type="datetime-local" {...field('to')} />
        <button type="submit">{t('common.apply')}</button>
      </form>
      {focus !== undefined ? <AlertDetail key={focus} id={focus} role={role} onChanged={() => setTick((n) => n + 1)} /> : null}
      {error ? <div role="alert" className="error">{t('alerts.unavailable', { message: error.message })}</div> : null}
      <table className="grid alerts">
        <thead>
          <tr><th>{t('common.time')}</th><th>{t('alerts.severity')}</th><th>{t('alerts.alert')}</th><th>{t('common.kind')}</th><th>{t('common.pc')}</th>
            <th>{t('common.user')}</th><th>{t('alerts.count')}</th><th>{t('alerts.status')}</th><th /></tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <Fragment key={alert.id}>
              <tr className={`alert-row${fresh.has(alert.id) ? ' fresh' : ''}${focus === alert.id ? ' focus' : ''}`} data-alert-id={alert.id} data-severity={alert.severity}
                style={{ borderLeftColor: safeColor(alert.color, severityColors[alert.severity] ?? '#757575') }}>
                <td className="nowrap">{formatDate(alert.lastMs)}</td>
                <td><SeverityBadge severity={alert.severity} color={alert.color} /></td>
                <td className="title"><PcText value={alert.title} /><div className="muted">{alert.ruleName}</div>{alert.note ? <div className="muted">“{alert.note}”</div> : null}</td>
                <td><KindBadge kind={alert.kind} /></td>
                <td>{alert.pc ? <a href={href(['pcs', alert.pc], { around: alert.firstMs })} title={t('alerts.historyTitle')}><PcText value={alert.pc} /></a> : null}</td>
                <td><PcText value={alert.user} /></td>
                <td className="num">{alert.count > 1 ? <span className="folded">{t('alerts.folded', { count: formatNumber(alert.count) })}</span> : formatNumber(alert.count)}</td>
                <td>{t(`status.${alert.status}` as MessageKey)}{alert.acknowledgedBy ? <div className="muted">{alert.acknowledgedBy}</div> : null}</td>
                <td className="actions nowrap">
                  {/* An unknown agent's failed authentication has no PC to show the history of. */}
                  {alert.pc ? <a className="button" href={href(['pcs', alert.pc], { around: alert.firstMs })}>{t('alerts.history')}</a> : null}
                  {canAct && alert.status === 'new' ? <button type="button" onClick={() => setActing({ id: alert.id, mode: 'acknowledge' })}>{t('alerts.acknowledge')}</button> : null}
                  {canAct && alert.status !== 'resolved' ? <button type="button" onClick={() => setActing({ id: alert.id, mode: 'resolve' })}>{t('alerts.resolve')}</button> : null}
                </td>
              </tr>
              {acting?.id === alert.id ? (
                <tr className="action-row"><td colSpan={9}>
                  <AlertActions alert={alert} mode={acting.mode} onDone={(e) => { setActing(undefined); if (e) setError(e); else setTick((n) => n + 1); }} />
                </td></tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {alerts.length === 0 && !error ? <p className="muted">{t('common.none')}</p> : null}
    </section>
  );
}
