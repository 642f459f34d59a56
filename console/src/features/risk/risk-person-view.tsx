import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { Role } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n, type I18n } from '../../i18n/i18n.tsx';
import { href, navigate } from '../../router.ts';
import { Sparkline } from './sparkline.tsx';

/**
 * One person: score history over 30 days, and each day's breakdown — indicators with their points and the events
 * behind each, linking to the PC's history at that moment. Admins and auditors can reveal a pseudonym (with a reason).
 */
export function RiskPersonView({ person, role }: { person: string; role: Role }) {
  const api = useApi();
  const { t, formatDate, formatNumber } = useI18n();
  const state = useAsync(() => api.riskPerson(person, { days: 30 }), [api, person]);
  const [reason, setReason] = useState('');
  const [revealError, setRevealError] = useState<Error | undefined>(undefined);
  const data = state.data;
  const one = (n: number) => formatNumber(Math.round(n * 10) / 10);
  const reveal = async () => {
    try {
      const revealed = await api.revealRiskPerson(person, reason);
      navigate(['risk', revealed.person]);
    } catch (error) {
      setRevealError(error as Error);
    }
  };
  return (
    <section>
      <header className="view-header">
        <h2>{t('risk.personTitle', { person })}</h2>
        <a href={href(['risk'])}>{t('risk.backToRanking')}</a>
      </header>
      <ErrorBanner error={state.error ?? revealError} />
      {data?.pseudonymous && role !== 'operator' && (
        <form className="risk-reveal" onSubmit={(e) => { e.preventDefault(); void reveal(); }}>
          <label>{t('risk.revealReason')} <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={5} required /></label>
          <button type="submit">{t('risk.reveal')}</button>
        </form>
      )}
      {data && data.days.length === 0 && <p className="muted">{t('risk.none')}</p>}
      {data && data.days.length > 0 && (
        <>
          <p><Sparkline values={data.days.map((d) => d.score)} width={360} height={48} label={t('risk.history')} /></p>
          {[...data.days].reverse().filter((d) => d.contributions.length > 0).map((day) => (
            <article key={day.date} className="risk-day" data-date={day.date}>
              <h3>{day.date}: {t('risk.dayPoints', { points: one(day.raw), score: one(day.score) })}</h3>
              <ul>
                {day.contributions.map((c) => (
                  <li key={c.indicator} data-indicator={c.indicator}>
                    <strong>{one(c.points)}</strong> {t(`risk.indicator.${c.indicator.split('.')[0]}` as 'risk.indicator.vector')} — {c.detail}
                    <ul className="risk-events">
                      {c.events.map((e) => (
                        <li key={e.eventId}>
                          <a href={href(['pcs', e.pc], { at: e.timeMs })}>{e.pc} {formatDate(e.timeMs)}</a> <span className="muted">{eventLabel(e, t)}</span>
                        </li>
                      ))}
                      {c.eventCount > c.events.length && <li className="muted">{t('risk.moreEvents', { count: formatNumber(c.eventCount - c.events.length) })}</li>}
                    </ul>
                  </li>
                ))}
              </ul>
            </article>
          ))}
        </>
      )}
    </section>
  );
}

/**
 * An agent's event is named by its journal sequence; an integrity finding is the collector's own record (the risk
 * scorer refers to it by its negated id and sequence 0), so it is named as a finding instead of "#0".
 */
function eventLabel(e: { seq: number; eventId: number }, t: I18n['t']): string {
  return e.eventId < 0 ? t('risk.findingRef', { id: String(-e.eventId) }) : `#${e.seq}`;
}
