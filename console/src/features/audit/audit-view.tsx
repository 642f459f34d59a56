import { useEffect, useState } from 'react';
import { EntryFields } from '../../components/entry-fields.tsx';
import { useApi } from '../../api/api-context.tsx';
import type { AuditEntry } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { EvidenceKeyPanel } from './evidence-key-panel.tsx';

/** The append-only audit log (auditors and admins), with the result of re-walking its hash chain. */
export function AuditView() {
  const api = useApi();
  const { t, formatDate } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const chain = useAsync(() => api.verifyAudit(), [api]);

  useEffect(() => {
    let stale = false;
    api.audit({ limit: 100 }).then((page) => { if (!stale) { setEntries(page.entries); setNext(page.next); } }, (e: Error) => { if (!stale) setError(e); });
    return () => { stale = true; };
  }, [api]);

  const more = async () => {
    if (next === null) return;
    try {
      const page = await api.audit({ limit: 100, before: next });
      setEntries((list) => [...list, ...page.entries]);
      setNext(page.next);
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <section>
      <header className="view-header">
        <h2>{t('audit.title')}</h2>
        {chain.data ? (
          <span className={chain.data.ok ? 'ok' : 'error'} data-testid="chain">
            {chain.data.ok ? t('audit.chainOk', { entries: chain.data.entries }) : t('audit.chainBroken', { id: chain.data.firstBadId ?? '?' })}
          </span>
        ) : null}
      </header>
      <EvidenceKeyPanel />
      <ErrorBanner error={error ?? chain.error} />
      <table className="grid">
        <thead><tr><th>#</th><th>{t('common.time')}</th><th>{t('audit.actor')}</th><th>{t('common.action')}</th><th>{t('audit.entry')}</th></tr></thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="num">{e.id}</td>
              <td className="nowrap">{formatDate(e.timeMs)}</td>
              <td>{e.actor}</td>
              <td><code>{e.action}</code></td>
              <td className="muted"><EntryFields value={e.entry} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {next !== null ? <button type="button" onClick={() => void more()}>{t('common.loadMore')}</button> : null}
    </section>
  );
}
