import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { Alert, AlertFilter, Role, Severity } from '@mamori/collector/api';
import { KindBadge, SeverityBadge, safeColor, severityColors } from '../../components/badges.tsx';
import { fromLocalInput, toLocalInput } from '../../components/time-input.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { href } from '../../router.ts';
import { AlertActions } from './alert-actions.tsx';
import { AlertDetail } from './alert-detail.tsx';
import { mergeAlert } from './alert-filter.ts';
import { PcText } from '../../components/pc-text.tsx';
import { BulkActions } from './bulk-actions.tsx';
import { SavedFilters } from './saved-filters.tsx';
import { DirectorySelects } from '../../components/directory-selects.tsx';

const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const statuses = ['open', 'new', 'acknowledged', 'resolved'] as const;
/** Alerts per page: a screenful to triage; the pager and the total reach the rest. */
export const alertPageSize = 100;

type Draft = { severity: string; status: string; kind: string; pc: string; user: string; department: string; site: string; from: string; to: string };
const emptyDraft: Draft = { severity: '', status: '', kind: '', pc: '', user: '', department: '', site: '', from: '', to: '' };

/** The form's fields for a filter (a saved one, say). */
function draftOf(filter: AlertFilter): Draft {
  return {
    severity: filter.severity ?? '', status: filter.status ?? '', kind: filter.kind ?? '', pc: filter.pc ?? '', user: filter.user ?? '',
    department: filter.department ?? '', site: filter.site ?? '',
    from: filter.from !== undefined ? toLocalInput(filter.from) : '', to: filter.to !== undefined ? toLocalInput(filter.to) : '',
  };
}

/**
 * Alerts, newest first by event time, a page at a time with the total; live: new and updated alerts arrive over the
 * stream without a reload, sorted the same way. Operators tick alerts (or take all matching) to act on them at once.
 * `focus` opens one; `place` starts the list filtered by department/site (the dashboard links here that way).
 */
export function AlertsView({ role, focus, pageSize = alertPageSize, place = {} }: {
  role: Role; focus?: number | undefined; pageSize?: number; place?: { department?: string; site?: string; status?: string };
}) {
  const api = useApi();
  const { t, formatDate, formatNumber } = useI18n();
  const placeStatus = (statuses as readonly string[]).includes(place.status ?? '') ? place.status as AlertFilter['status'] : undefined;
  const initialPlace = {
    ...(place.department ? { department: place.department } : {}), ...(place.site ? { site: place.site } : {}), ...(placeStatus ? { status: placeStatus } : {}),
  };
  const [draft, setDraft] = useState<Draft>({ ...emptyDraft, ...initialPlace });
  const [filter, setFilter] = useState<AlertFilter>({ limit: pageSize, page: 1, ...initialPlace });
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [total, setTotal] = useState(0);
  const [kinds, setKinds] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [live, setLive] = useState(false);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [acting, setActing] = useState<{ id: number; mode: 'acknowledge' | 'resolve' } | undefined>();
  const [tick, setTick] = useState(0);
  const canAct = role !== 'auditor';

  useEffect(() => {
    let stale = false;
    api.alerts(filter).then((page) => {
      if (stale) return;
      setAlerts(page.alerts);
      setTotal(page.total);
      setError(undefined);
    }, (e: Error) => { if (!stale) setError(e); });
    return () => { stale = true; };
  }, [api, filter, tick]);

  useEffect(() => {
    let stale = false;
    api.alertKinds().then((list) => { if (!stale) setKinds(list); }, () => undefined);
    return () => { stale = true; };
  }, [api, tick]);

  // A dashboard link to another department while the list is open: take its place filter (an alert opened from the
  // list carries no place, and keeps the filter in use).
  const appliedPlace = useRef(`${place.department ?? ''}\n${place.site ?? ''}\n${placeStatus ?? ''}`);
  useEffect(() => {
    const key = `${place.department ?? ''}\n${place.site ?? ''}\n${placeStatus ?? ''}`;
    if ((!place.department && !place.site) || key === appliedPlace.current) return;
    appliedPlace.current = key;
    const next = { ...(place.department ? { department: place.department } : {}), ...(place.site ? { site: place.site } : {}) };
    setDraft((d) => ({ ...d, department: next.department ?? '', site: next.site ?? '', status: placeStatus ?? '' }));
    setFilter((f) => ({ ...f, page: 1, department: next.department, site: next.site, status: placeStatus }));
  }, [place.department, place.site, placeStatus]);

  // The stream cannot tell a new alert from a changed one on another page, so the total is asked again, at most
  // once a second however many alerts arrive.
  const recountTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const recount = useCallback(() => {
    if (recountTimer.current) return;
    recountTimer.current = setTimeout(() => {
      recountTimer.current = undefined;
      api.alerts({ ...filter, limit: 1, page: 1 }).then((page) => setTotal(page.total), () => undefined);
    }, 1_000);
  }, [api, filter]);
  useEffect(() => () => clearTimeout(recountTimer.current), []);

  useEffect(() => api.subscribeAlerts((alert) => {
    setAlerts((list) => mergeAlert(list, alert, filter));
    recount();
    setFresh((set) => new Set(set).add(alert.id));
  }, setLive), [api, filter, recount]);

  const onError = useCallback((e: Error) => setError(e), []);
  const apply = () => {
    setSelected(new Set());
    setFilter({
      limit: pageSize, page: 1,
      ...(draft.severity ? { severity: draft.severity as Severity } : {}),
      ...(draft.status ? { status: draft.status as AlertFilter['status'] } : {}),
      ...(draft.kind ? { kind: draft.kind } : {}), ...(draft.pc ? { pc: draft.pc } : {}), ...(draft.user ? { user: draft.user } : {}),
      ...(draft.department ? { department: draft.department } : {}), ...(draft.site ? { site: draft.site } : {}),
      ...(fromLocalInput(draft.from) !== undefined ? { from: fromLocalInput(draft.from) } : {}),
      ...(fromLocalInput(draft.to) !== undefined ? { to: fromLocalInput(draft.to) } : {}),
    });
  };
  const page = filter.page ?? 1;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const goTo = (next: number) => {
    setSelected(new Set());
    setFilter({ ...filter, page: next });
  };
  const field = (name: keyof typeof draft) => ({ value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }) });

  return (
    <section>
      <header className="view-header">
        <h2>{t('alerts.title')}</h2>
        <span className={live ? 'live on' : 'live off'} data-testid="live-state">{live ? t('alerts.live') : t('alerts.offline')}</span>
        <a className="button" href={api.alertsExportUrl(filter, 'csv')} download>{t('logs.export')}</a>
        <a className="button" href={api.alertsExportUrl(filter, 'jsonl')} download>{t('logs.exportJsonLines')}</a>
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
        <select aria-label={t('common.kind')} {...field('kind')}>
          <option value="">{t('common.kind')}: {t('common.all')}</option>
          {/* A saved filter may name a kind no alert has any more: keep it choosable. */}
          {[...new Set([...kinds, ...(draft.kind ? [draft.kind] : [])])].map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        <input aria-label={t('common.pc')} placeholder={t('common.pc')} {...field('pc')} />
        <input aria-label={t('common.user')} placeholder={t('common.user')} {...field('user')} />
        <DirectorySelects value={{ department: draft.department, site: draft.site }} onChange={(place) => setDraft({ ...draft, ...place })} />
        <input aria-label={t('common.from')} type="datetime-local" {...field('from')} />
        <input aria-label={t('common.to')} type="datetime-local" {...field('to')} />
        <button type="submit">{t('common.apply')}</button>
      </form>
      <SavedFilters current={filter} onError={onError} onPick={(saved) => {
        setDraft(draftOf(saved));
        setSelected(new Set());
        setFilter({ ...saved, limit: pageSize, page: 1 });
      }} />
      {canAct && (selected.size > 0 || total > 0) ? (
        <BulkActions selected={[...selected]} total={total} filter={filter} onDone={(result) => {
          if (result instanceof Error) { setError(result); return; }
          setNotice(t('alerts.bulkDone', { changed: formatNumber(result.changed), skipped: formatNumber(result.skipped.length) }));
          setSelected(new Set());
          setTick((n) => n + 1);
        }} />
      ) : null}
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {focus !== undefined ? <AlertDetail key={focus} id={focus} role={role} onChanged={() => setTick((n) => n + 1)} /> : null}
      {error ? <div role="alert" className="error">{t('alerts.unavailable', { message: error.message })}</div> : null}
      <table className="grid alerts">
        <thead>
          <tr>{canAct ? <th><input type="checkbox" aria-label={t('alerts.selectPage')} checked={alerts.length > 0 && alerts.every((a) => selected.has(a.id))}
            onChange={(e) => setSelected(e.target.checked ? new Set(alerts.map((a) => a.id)) : new Set())} /></th> : null}<th>{t('common.time')}</th><th>{t('alerts.severity')}</th><th>{t('alerts.alert')}</th><th>{t('common.kind')}</th><th>{t('common.pc')}</th>
            <th>{t('pcs.department')}</th><th>{t('common.user')}</th><th>{t('alerts.count')}</th><th>{t('alerts.status')}</th><th /></tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <Fragment key={alert.id}>
              <tr className={`alert-row${fresh.has(alert.id) ? ' fresh' : ''}${focus === alert.id ? ' focus' : ''}`} data-alert-id={alert.id} data-severity={alert.severity}
                style={{ borderLeftColor: safeColor(alert.color, severityColors[alert.severity] ?? '#757575') }}>
                {canAct ? <td><input type="checkbox" aria-label={t('alerts.select', { id: alert.id })} checked={selected.has(alert.id)} onChange={(e) => {
                  const next = new Set(selected);
                  if (e.target.checked) next.add(alert.id); else next.delete(alert.id);
                  setSelected(next);
                }} /></td> : null}
                <td className="nowrap">{formatDate(alert.lastMs)}</td>
                <td><SeverityBadge severity={alert.severity} color={alert.color} /></td>
                <td className="title"><a href={href(['alerts', String(alert.id)])} data-testid="alert-link"><PcText value={alert.title} /></a><div className="muted">{alert.ruleName}</div>{alert.note ? <div className="muted">“{alert.note}”</div> : null}</td>
                <td><KindBadge kind={alert.kind} /></td>
                <td>{alert.pc ? <a href={href(['pcs', alert.pc], { around: alert.firstMs })} title={t('alerts.historyTitle')}><PcText value={alert.pc} /></a> : null}</td>
                <td><PcText value={alert.department ?? ''} /></td>
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
                <tr className="action-row"><td colSpan={canAct ? 11 : 10}>
                  <AlertActions alert={alert} mode={acting.mode} onDone={(e) => { setActing(undefined); if (e) setError(e); else setTick((n) => n + 1); }} />
                </td></tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {alerts.length === 0 && !error ? <p className="muted">{t('common.none')}</p> : null}
      <nav className="pager" aria-label={t('alerts.pages')}>
        <span data-testid="alert-range">{t('alerts.range', {
          first: formatNumber(total === 0 ? 0 : (page - 1) * pageSize + 1), last: formatNumber(Math.min(total, (page - 1) * pageSize + alerts.length)), total: formatNumber(total),
        })}</span>
        <button type="button" disabled={page <= 1} onClick={() => goTo(page - 1)}>{t('common.previous')}</button>
        <span>{t('common.page', { page: formatNumber(page), pages: formatNumber(pages) })}</span>
        <button type="button" disabled={page >= pages} onClick={() => goTo(page + 1)}>{t('common.next')}</button>
      </nav>
    </section>
  );
}
