import { useApi } from '../../api/api-context.tsx';
import type { Severity } from '@mamori/collector/api';
import { ErrorBanner, severityColors } from '../../components/badges.tsx';
import { PcText } from '../../components/pc-text.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { href } from '../../router.ts';

const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Open alerts per department (from the directory import) by severity colour; each row opens the list of that department's open alerts. */
export function DepartmentAlerts() {
  const api = useApi();
  const { t, formatNumber } = useI18n();
  const departments = useAsync(() => api.alertsByDepartment(), [api]);
  return (
    <div className="panel" data-testid="alerts-by-department">
      <h3>{t('dashboard.byDepartment')}</h3>
      <ErrorBanner error={departments.error} />
      {(departments.data ?? []).length === 0 ? <p className="muted">{t('common.none')}</p> : (
        <table className="grid compact">
          <thead>
            <tr><th>{t('pcs.department')}</th>{severities.map((sev) => <th key={sev}>{t(`severity.${sev}` as MessageKey)}</th>)}<th /></tr>
          </thead>
          <tbody>
            {(departments.data ?? []).map((row) => (
              <tr key={row.department} data-department={row.department}>
                <td><a href={href(['alerts'], { department: row.department, status: 'open' })}><PcText value={row.department} /></a></td>
                {severities.map((sev) => {
                  const count = row.bySeverity[sev] ?? 0;
                  return <td key={sev} className="num" data-severity={sev} style={count ? { background: severityColors[sev], color: '#fff' } : undefined}>{formatNumber(count)}</td>;
                })}
                <td className="num"><strong>{formatNumber(row.total)}</strong></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
