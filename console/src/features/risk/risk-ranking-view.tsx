import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { RiskAdmin } from './risk-admin.tsx';
import { Sparkline } from './sparkline.tsx';

/**
 * Whom to look at first: people ranked by risk score (top N, change since yesterday, 14-day trend), filtered by
 * department, and the department view. Names are pseudonyms when the policy says so, until someone reveals one.
 */
export function RiskRankingView({ role }: { role?: string } = {}) {
  const api = useApi();
  const { t, formatNumber } = useI18n();
  const [department, setDepartment] = useState('');
  const [limit, setLimit] = useState(20);
  const ranking = useAsync(() => api.riskRanking({ limit, ...(department ? { department } : {}) }), [api, limit, department]);
  const departments = useAsync(() => api.riskDepartments(), [api]);
  const one = (n: number) => formatNumber(Math.round(n * 10) / 10);
  return (
    <section>
      <header className="view-header">
        <h2>{t('risk.title')}</h2>
        <label>{t('risk.department')}{' '}
          <select aria-label={t('risk.department')} value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">{t('risk.allDepartments')}</option>
            {(departments.data?.departments ?? []).map((d) => <option key={d.department} value={d.department}>{d.department || t('risk.noDepartment')}</option>)}
          </select>
        </label>
        <label>{t('risk.top')}{' '}
          <select aria-label={t('risk.top')} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {[10, 20, 50, 100].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
      </header>
      <ErrorBanner error={ranking.error ?? departments.error} />
      {ranking.data?.pseudonymised && <p className="muted">{t('risk.pseudonymised')}</p>}
      {ranking.data && ranking.data.entries.length === 0 && <p className="muted">{t('risk.none')}</p>}
      {ranking.data && ranking.data.entries.length > 0 && (
        <table className="grid risk-ranking">
          <thead>
            <tr><th>#</th><th>{t('risk.person')}</th><th>{t('risk.department')}</th><th>{t('risk.score')}</th><th>{t('risk.change')}</th><th>{t('risk.trend')}</th></tr>
          </thead>
          <tbody>
            {ranking.data.entries.map((entry, i) => (
              <tr key={entry.person} data-person={entry.person} className={entry.score >= ranking.data!.threshold ? 'above-threshold' : undefined}>
                <td className="num">{i + 1}</td>
                <td><a href={href(['risk', entry.person])}>{entry.person}</a></td>
                <td>{entry.department}</td>
                <td className="num">{one(entry.score)}</td>
                <td className="num">{entry.change > 0.05 ? `▲ ${one(entry.change)}` : entry.change < -0.05 ? `▼ ${one(-entry.change)}` : '–'}</td>
                <td><Sparkline values={entry.trend} label={t('risk.trend')} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {departments.data && departments.data.departments.length > 0 && (
        <>
          <h3>{t('risk.departments')}</h3>
          <table className="grid risk-departments">
            <thead>
              <tr><th>{t('risk.department')}</th><th>{t('risk.people')}</th><th>{t('risk.topScore')}</th><th>{t('risk.meanScore')}</th><th>{t('risk.aboveThreshold')}</th></tr>
            </thead>
            <tbody>
              {departments.data.departments.map((d) => (
                <tr key={d.department}>
                  <td><button type="button" className="link" onClick={() => setDepartment(d.department)}>{d.department || t('risk.noDepartment')}</button></td>
                  <td className="num">{formatNumber(d.people)}</td>
                  <td className="num">{one(d.top)}</td>
                  <td className="num">{one(d.mean)}</td>
                  <td className="num">{formatNumber(d.aboveThreshold)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {role === 'admin' ? <RiskAdmin /> : null}
    </section>
  );
}
