import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { LogEntry, LogFilter, TimelineEvent } from '@mamori/collector/api';
import { ErrorBanner, KindBadge } from '../../components/badges.tsx';
import { ClockSkewBadge } from '../../components/clock-skew-badge.tsx';
import { EntryFields } from '../../components/entry-fields.tsx';
import { actionLabel, localiseDetail } from '../../i18n/event-labels.ts';
import { fromZonedInput } from '../../i18n/zoned-time.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { href } from '../../router.ts';
import { PcText } from '../../components/pc-text.tsx';
import { DirectorySelects } from '../../components/directory-selects.tsx';

const kinds = ['file_copy', 'print_job', 'mail', 'upload', 'device', 'policy_decision'];

/** File copies, print jobs, mails, uploads and device events in one searchable list, with CSV export. */
export function LogsView() {
  const api = useApi();
  const { t, formatDate, formatBytes, timeZone } = useI18n();
  const [draft, setDraft] = useState({ q: '', kind: '', pc: '', user: '', department: '', site: '', from: '', to: '', order: 'desc' });
  const [filter, setFilter] = useState<LogFilter>({ limit: 100 });
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [open, setOpen] = useState<(TimelineEvent & { pc: string }) | undefined>();

  useEffect(() => {
    let stale = false;
    api.logs(filter).then((page) => { if (!stale) { setEntries(page.entries); setNext(page.next); setError(undefined); } }, (e: Error) => { if (!stale) setError(e); });
    return () => { stale = true; };
  }, [api, filter]);

  const apply = () => setFilter({
    limit: 100, order: draft.order === 'asc' ? 'asc' : 'desc',
    ...(draft.q.trim() ? { q: draft.q.trim() } : {}), ...(draft.kind ? { kind: draft.kind } : {}),
    ...(draft.pc ? { pc: draft.pc } : {}), ...(draft.user ? { user: draft.user } : {}),
    ...(draft.department ? { department: draft.department } : {}), ...(draft.site ? { site: draft.site } : {}),
    // The pickers are read in the organisation's time zone, like every time the console shows.
    ...(fromZonedInput(draft.from, timeZone) !== undefined ? { from: fromZonedInput(draft.from, timeZone) } : {}),
    ...(fromZonedInput(draft.to, timeZone) !== undefined ? { to: fromZonedInput(draft.to, timeZone) } : {}),
  });
  const more = async () => {
    if (!next) return;
    try {
      const page = await api.logs({ ...filter, before: next });
      setEntries((list) => [...list, ...page.entries]);
      setNext(page.next);
    } catch (e) {
      setError(e as Error);
    }
  };
  const show = async (eventId: number) => {
    try {
      setOpen(await api.logEvent(eventId));
    } catch (e) {
      setError(e as Error);
    }
  };
  // PC names whose entries on this page come from several agents (a replaced PC, a takeover): those rows name their agent.
  const agentsByPc = new Map<string, Set<string>>();
  for (const e of entries) agentsByPc.set(e.pc, (agentsByPc.get(e.pc) ?? new Set()).add(e.agentId));
  const field = (name: keyof typeof draft) => ({ value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }) });

  return (
    <section>
      <header className="view-header">
        <h2>{t('logs.title')}</h2>
        <a className="button" href={api.logsCsvUrl(filter)} download>{t('logs.export')}</a>
        <a className="button" href={api.logsJsonLinesUrl(filter)} download>{t('logs.exportJsonLines')}</a>
      </header>
      <p className="muted">{t('logs.exportWhole')} <span data-testid="time-zone">{t('common.timeZoneNote', { zone: timeZone })}</span></p>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); apply(); }}>
        <input type="search" aria-label={t('logs.keywords')} placeholder={t('logs.keywords')} {...field('q')} />
        <select aria-label={t('common.kind')} {...field('kind')}>
          <option value="">{t('common.kind')}: {t('common.all')}</option>
          {kinds.map((k) => <option key={k} value={k}>{t(`kind.${k}` as MessageKey)}</option>)}
        </select>
        <input aria-label={t('common.pc')} placeholder={t('common.pc')} {...field('pc')} />
        <input aria-label={t('common.user')} placeholder={t('common.user')} {...field('user')} />
        <DirectorySelects value={{ department: draft.department, site: draft.site }} onChange={(place) => setDraft({ ...draft, ...place })} />
        <input aria-label={t('common.from')} type="datetime-local" {...field('from')} />
        <input aria-label={t('common.to')} type="datetime-local" {...field('to')} />
        <select aria-label={t('logs.sort')} {...field('order')}>
          <option value="desc">{t('logs.newest')}</option>
          <option value="asc">{t('logs.oldest')}</option>
        </select>
        <button type="submit">{t('common.search')}</button>
      </form>
      <ErrorBanner error={error} />
      <table className="grid logs">
        <thead><tr><th>{t('common.time')}</th><th>{t('common.kind')}</th><th>{t('common.pc')}</th><th>{t('common.user')}</th><th>{t('common.action')}</th><th>{t('logs.summary')}</th><th>{t('common.detail')}</th><th>{t('logs.size')}</th></tr></thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.eventId} data-event-id={e.eventId}>
              <td className="nowrap">{formatDate(e.timeMs)}</td>
              <td><KindBadge kind={e.kind} /></td>
              <td><a href={href(['pcs', e.pc], { around: e.timeMs })} title={t('pc.agent', { id: e.agentId })}><PcText value={e.pc} /></a>
                {(agentsByPc.get(e.pc)?.size ?? 0) > 1 ? <div className="muted agent" data-testid="entry-agent">{t('pc.agent', { id: e.agentId })}</div> : null}</td>
              <td><PcText value={e.user} /></td>
              <td data-action={e.action}>{actionLabel(t, e.action)}</td>
              <td><button type="button" className="link" onClick={() => void show(e.eventId)}>{e.summary ? <PcText value={e.summary} name={e.kind === 'file_copy' || e.kind === 'upload' || e.kind === 'print_job'} /> : '—'}</button></td>
              <td className="muted"><PcText value={localiseDetail(t, e.kind, e.detail)} /></td>
              <td className="num">{e.sizeBytes ? formatBytes(e.sizeBytes) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !error ? <p className="muted">{t('common.none')}</p> : null}
      {next ? <button type="button" onClick={() => void more()}>{t('common.loadMore')}</button> : null}
      {open ? (
        <div className="drawer" role="dialog" aria-label={t('logs.event', { id: open.id })}>
          <header className="view-header"><h3>{t('logs.event', { id: open.id })} · <KindBadge kind={open.kind} /> · <PcText value={open.pc} /> · {formatDate(open.timeMs)}</h3>
            <span className="muted" data-testid="event-agent">{t('pc.agent', { id: open.agentId })}</span>
            <ClockSkewBadge timeMs={open.timeMs} receivedMs={open.receivedMs} />
            <button type="button" onClick={() => setOpen(undefined)}>{t('common.close')}</button></header>
          <EntryFields value={open.payload} />
        </div>
      ) : null}
    </section>
  );
}
