import { useMemo, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { ErrorBanner, OnlineDot } from '../../components/badges.tsx';
import { Pager } from '../../components/pager.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { href } from '../../router.ts';
import { PcText } from '../../components/pc-text.tsx';
import type { Role } from '@mamori/collector/api';
import { DirectoryImport } from './directory-import.tsx';
import { useSensorLabel } from './sensor-health-panel.tsx';
import { directoryChoices, pcTablePage, type PcSortKey } from './pc-table-model.ts';

const pageSize = 100;

/** Every PC, searchable and sortable; 3,000 rows are paged 100 at a time so the DOM stays small. */
export function PcsView({ role }: { role?: Role } = {}) {
  const api = useApi();
  const { t, formatDate, formatNumber } = useI18n();
  const { data, error, reload } = useAsync(() => api.pcs(), [api]);
  const health = useAsync(() => api.sensorHealth(), [api]);
  const sensorLabel = useSensorLabel();
  const offByPc = useMemo(() => new Map((health.data?.pcs ?? []).map((p) => [p.pc, p.sensors.filter((s) => s.state === 'degraded' || s.state === 'stopped')])), [health.data]);
  const [search, setSearch] = useState('');
  const [department, setDepartment] = useState('');
  const [site, setSite] = useState('');
  const [sort, setSort] = useState<PcSortKey>('pc');
  const [descending, setDescending] = useState(false);
  const [page, setPage] = useState(1);
  const all = useMemo(() => data?.pcs ?? [], [data]);
  const view = useMemo(() => pcTablePage(all, { search, department, site, sort, descending, page, pageSize }), [all, search, department, site, sort, descending, page]);
  const choices = useMemo(() => directoryChoices(all), [all]);
  const online = all.filter((p) => p.connected).length;

  const header = (key: PcSortKey, label: MessageKey) => (
    <th aria-sort={sort === key ? (descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort" onClick={() => { if (sort === key) setDescending(!descending); else { setSort(key); setDescending(false); } setPage(1); }}>
        {t(label)}{sort === key ? (descending ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <section>
      <header className="view-header">
        <h2>{t('pcs.title')}</h2>
        <span className="muted">{t('pcs.summary', { online: formatNumber(online), offline: formatNumber(all.length - online), total: formatNumber(all.length) })}</span>
      </header>
      <div className="filters">
        <input type="search" aria-label={t('pcs.search')} placeholder={t('pcs.search')} value={search} onChange={(e) => { setSearch(e.target.value); setPage(1); }} />
        <select aria-label={t('pcs.department')} value={department} onChange={(e) => { setDepartment(e.target.value); setPage(1); }}>
          <option value="">{t('pcs.allDepartments')}</option>
          {choices.departments.map((name) => <option key={name} value={name}>{name}</option>)}
        </select>
        <select aria-label={t('pcs.site')} value={site} onChange={(e) => { setSite(e.target.value); setPage(1); }}>
          <option value="">{t('pcs.allSites')}</option>
          {choices.sites.map((name) => <option key={name} value={name}>{name}</option>)}
        </select>
        <span className="muted">{t('common.rows', { count: formatNumber(view.total) })}</span>
      </div>
      {role === 'admin' ? <DirectoryImport onImported={reload} /> : null}
      <ErrorBanner error={error} />
      <table className="grid pcs">
        <thead>
          <tr>{header('connected', 'pcs.status')}{header('pc', 'common.pc')}{header('os', 'pcs.os')}{header('currentUser', 'common.user')}
            {header('department', 'pcs.department')}{header('site', 'pcs.site')}
            {header('lastSeenMs', 'pcs.lastSeen')}{header('deviceMode', 'pcs.deviceMode')}{header('openAlerts', 'pcs.openAlerts')}<th>{t('pcs.monitoring')}</th></tr>
        </thead>
        <tbody>
          {view.rows.map((row) => (
            <tr key={row.agentId} data-pc={row.pc}>
              <td><OnlineDot online={row.connected} /></td>
              <td><a href={href(['pcs', row.pc])}><PcText value={row.pc} /></a></td>
              <td><PcText value={row.os} /></td>
              <td><PcText value={row.currentUser} /></td>
              <td><PcText value={row.department} /></td>
              <td><PcText value={row.site} /></td>
              <td className="nowrap">{formatDate(row.lastSeenMs)}</td>
              <td>{t(`mode.${row.deviceMode}` as MessageKey)}{row.exceptionActive ? <span className="tag">{t('pcs.exception')}</span> : null}</td>
              <td className={row.openAlerts > 0 ? 'num hot' : 'num'}>{formatNumber(row.openAlerts)}</td>
              <td data-testid="monitoring">{(offByPc.get(row.pc)?.length ?? 0) === 0 ? <span className="muted">{t('pcs.monitoringOk')}</span>
                : <span className="hot" title={offByPc.get(row.pc)!.map((s) => `${sensorLabel(s.name)}: ${s.detail}`).join('\n')}>{t('pcs.monitoringOff', { sensors: offByPc.get(row.pc)!.map((s) => sensorLabel(s.name)).join(', ') })}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={Math.min(page, view.pages)} pages={view.pages} onPage={setPage} />
    </section>
  );
}
