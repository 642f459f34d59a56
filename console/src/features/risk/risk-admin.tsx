import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** One CSV import (attendance or HR leavers): a refused file shows its bad lines and changes nothing. */
function RiskCsvImport({ label, testId, send }: { label: string; testId: string; send(csv: string): Promise<{ imported: number }> }) {
  const { t, formatNumber } = useI18n();
  const [result, setResult] = useState<{ imported: number } | undefined>();
  const [problems, setProblems] = useState<{ line: number; message: string }[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const upload = async (file: File) => {
    setResult(undefined);
    setProblems([]);
    setError(undefined);
    try {
      setResult(await send(await file.text()));
    } catch (caught) {
      if (caught instanceof ApiError && caught.problems.length > 0) setProblems(caught.problems);
      else setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  };
  return (
    <div className="filters" data-testid={testId}>
      <label>{label} <input type="file" accept=".csv,text/csv" aria-label={label} onChange={(e) => { const file = e.target.files?.[0]; if (file) void upload(file); }} /></label>
      {result ? <span className="muted">{t('risk.imported', { count: formatNumber(result.imported) })}</span> : null}
      <ErrorBanner error={error} />
      {problems.length > 0 ? <ul className="compact problems">{problems.map((p) => <li key={p.line}>{t('risk.importProblem', { line: p.line, message: p.message })}</li>)}</ul> : null}
    </div>
  );
}

/** Admins: attendance and HR imports, and the managers who get the daily digest of risk movers. */
export function RiskAdmin() {
  const api = useApi();
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const subscriptions = useAsync(() => api.riskDigestSubscriptions(), [api, version]);
  const [email, setEmail] = useState('');
  const [department, setDepartment] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const act = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
      setVersion((v) => v + 1);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  };
  const subscribe = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api.subscribeRiskDigest(email.trim(), department.trim());
      setEmail('');
      setDepartment('');
    });
  };
  return (
    <section className="risk-admin">
      <h3>{t('risk.imports')}</h3>
      <RiskCsvImport label={t('risk.attendanceImport')} testId="risk-attendance-import" send={(csv) => api.importRiskAttendance(csv)} />
      <RiskCsvImport label={t('risk.departingImport')} testId="risk-departing-import" send={(csv) => api.importRiskDeparting(csv)} />
      <h3>{t('risk.digest')}</h3>
      <p className="muted">{t('risk.digestHelp')}</p>
      <ErrorBanner error={error ?? subscriptions.error} />
      <ul className="compact risk-digest-subscriptions">
        {(subscriptions.data ?? []).map((s) => (
          <li key={s.email}>
            {s.email} — {s.department || t('risk.allDepartments')}{' '}
            <button type="button" className="link" onClick={() => void act(() => api.unsubscribeRiskDigest(s.email))}>{t('risk.unsubscribe')}</button>
          </li>
        ))}
      </ul>
      <form className="filters" onSubmit={subscribe}>
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-label={t('risk.digestEmail')} placeholder={t('risk.digestEmail')} />
        <input value={department} onChange={(e) => setDepartment(e.target.value)} aria-label={t('risk.digestDepartment')} placeholder={t('risk.digestDepartment')} />
        <button type="submit">{t('risk.subscribe')}</button>
      </form>
    </section>
  );
}
