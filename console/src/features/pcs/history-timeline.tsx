import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { TimelineEvent } from '@mamori/collector/api';
import { ErrorBanner, KindBadge, kindColor } from '../../components/badges.tsx';
import { ClockSkewBadge } from '../../components/clock-skew-badge.tsx';
import { fromLocalInput, toLocalInput } from '../../components/time-input.ts';
import { actionLabel, localiseDetail } from '../../i18n/event-labels.ts';
import { EntryFields } from '../../components/entry-fields.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { PcText } from '../../components/pc-text.tsx';

const kinds = ['file_copy', 'print_job', 'mail', 'upload', 'device', 'policy_decision', 'lifecycle', 'inventory'];

/**
 * A PC's history, every kind colour-coded: pages of 100 newest first back through months ("Load older" follows the
 * cursor), "jump to" a moment, or the window of ±5 minutes around a moment (how alerts open it).
 */
export function HistoryTimeline({ pc, around, at }: { pc: string; around?: number | undefined; at?: number | undefined }) {
  const api = useApi();
  const { t, formatDate } = useI18n();
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [windowRange, setWindowRange] = useState<{ fromMs: number; toMs: number } | undefined>();
  const [selectedKinds, setSelectedKinds] = useState<string[]>([]);
  const [jump, setJump] = useState(() => toLocalInput(around ?? at ?? Date.now()));
  const [error, setError] = useState<Error | undefined>();

  useEffect(() => {
    let stale = false;
    setError(undefined);
    const query = around !== undefined ? { around } : { ...(at !== undefined ? { at } : {}), kinds: selectedKinds, limit: 100 };
    api.history(pc, query).then((page) => {
      if (stale) return;
      setEvents(page.events);
      setNext(page.next);
      setWindowRange(page.mode === 'window' && page.fromMs !== undefined && page.toMs !== undefined ? { fromMs: page.fromMs, toMs: page.toMs } : undefined);
    }, (e: Error) => { if (!stale) setError(e); });
    return () => { stale = true; };
  }, [api, pc, around, at, selectedKinds]);

  const loadOlder = async () => {
    if (!next) return;
    try {
      const page = await api.history(pc, { before: next, kinds: selectedKinds, limit: 100 });
      setEvents((list) => [...list, ...page.events]);
      setNext(page.next);
    } catch (e) {
      setError(e as Error);
    }
  };

  const toggleKind = (kind: string) => setSelectedKinds((list) => (list.includes(kind) ? list.filter((k) => k !== kind) : [...list, kind]));
  // The event closest to the moment asked for is marked, so the eye lands on "the alert".
  const focus = around ?? at;
  const focusId = focus === undefined || events.length === 0 ? undefined
    : events.reduce((best, e) => (Math.abs(e.timeMs - focus) < Math.abs(best.timeMs - focus) ? e : best), events[0]!).id;
  // A PC name that several agents used (a replaced PC, a takeover): say so, and mark each event with its agent.
  const agentCount = new Set(events.map((e) => e.agentId)).size;

  return (
    <div className="panel history">
      <h3>{t('pc.history')}</h3>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); const ms = fromLocalInput(jump); if (ms !== undefined) navigate(['pcs', pc], { at: ms }); }}>
        <label>{t('pc.jumpTo')} <input type="datetime-local" aria-label={t('pc.jumpTo')} value={jump} onChange={(e) => setJump(e.target.value)} /></label>
        <button type="submit">{t('pc.jump')}</button>
        <button type="button" onClick={() => navigate(['pcs', pc])}>{t('pc.latest')}</button>
        {around === undefined ? (
          <span className="kinds" aria-label={t('pc.kinds')}>
            {kinds.map((k) => (
              <label key={k} className="check"><input type="checkbox" checked={selectedKinds.includes(k)} onChange={() => toggleKind(k)} /><KindBadge kind={k} /></label>
            ))}
          </span>
        ) : null}
      </form>
      {windowRange ? <p className="muted" data-testid="window">{t('pc.window', { from: formatDate(windowRange.fromMs), to: formatDate(windowRange.toMs) })}</p> : null}
      <ErrorBanner error={error} />
      {agentCount > 1 ? <p className="warning" data-testid="several-agents">{t('pc.agents', { count: agentCount })}</p> : null}
      <ol className="timeline">
        {events.map((e) => (
          <li key={e.id} className={e.id === focusId ? 'focus' : undefined} style={{ borderLeftColor: kindColor(e.kind) }} data-event-id={e.id}>
            <span className="nowrap time">{formatDate(e.timeMs)}</span>
            <ClockSkewBadge timeMs={e.timeMs} receivedMs={e.receivedMs} />
            <KindBadge kind={e.kind} />
            {agentCount > 1 ? <span className="muted agent" data-testid="event-agent" title={e.agentId}>{t('pc.agent', { id: e.agentId })}</span> : null}
            <span className="action" data-action={e.action}>{actionLabel(t, e.action)}</span>
            <span className="summary"><PcText value={e.summary} name={e.kind === 'file_copy' || e.kind === 'upload' || e.kind === 'print_job'} /></span>
            <span className="muted detail"><PcText value={localiseDetail(t, e.kind, e.detail)} />
              {e.payload && Object.keys(e.payload).length > 0 ? <details className="fields"><summary>{t('logs.fields')}</summary><EntryFields value={e.payload} /></details> : null}</span>
            <span className="muted"><PcText value={e.user} /></span>
          </li>
        ))}
      </ol>
      {events.length === 0 && !error ? <p className="muted">{t('common.none')}</p> : null}
      {next ? <button type="button" onClick={() => void loadOlder()}>{t('common.loadMore')}</button> : null}
    </div>
  );
}
