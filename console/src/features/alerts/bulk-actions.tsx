import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { AlertFilter, Resolution } from '@mamori/collector/api';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * Acknowledge or resolve many alerts at once with one note: the ones ticked on this page, or every alert matching
 * the current filter (the collector applies it, so alerts on other pages are included). One audited action.
 */
export function BulkActions({ selected, total, filter, onDone }: {
  selected: number[]; total: number; filter: AlertFilter; onDone(result: { changed: number; skipped: number[] } | Error): void;
}) {
  const api = useApi();
  const { t, formatNumber } = useI18n();
  const [action, setAction] = useState<'acknowledge' | 'resolve'>('acknowledge');
  const [resolution, setResolution] = useState<Resolution>('true_positive');
  const [note, setNote] = useState('');
  const [allMatching, setAllMatching] = useState(false);
  const [busy, setBusy] = useState(false);
  const count = allMatching ? total : selected.length;
  const submit = async () => {
    setBusy(true);
    try {
      const target = allMatching ? { filter } : { ids: selected };
      onDone(await api.bulkAlerts({ action, note, ...(action === 'resolve' ? { resolution } : {}), ...target }));
      setNote('');
      setAllMatching(false);
    } catch (error) {
      onDone(error as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inline-form bulk-actions" role="group" aria-label={t('alerts.bulk')}>
      <span>{t('alerts.selected', { count: formatNumber(selected.length) })}</span>
      <label><input type="checkbox" checked={allMatching} onChange={(e) => setAllMatching(e.target.checked)} /> {t('alerts.allMatching', { count: formatNumber(total) })}</label>
      <select aria-label={t('alerts.bulkAction')} value={action} onChange={(e) => setAction(e.target.value as 'acknowledge' | 'resolve')}>
        <option value="acknowledge">{t('alerts.acknowledge')}</option>
        <option value="resolve">{t('alerts.resolve')}</option>
      </select>
      {action === 'resolve' ? (
        <select aria-label={t('alerts.resolution')} value={resolution} onChange={(e) => setResolution(e.target.value as Resolution)}>
          <option value="true_positive">{t('alerts.truePositive')}</option>
          <option value="false_positive">{t('alerts.falsePositive')}</option>
        </select>
      ) : null}
      <input aria-label={t('alerts.bulkNote')} placeholder={t('alerts.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
      <button type="button" disabled={busy || count === 0} onClick={submit}>{t('alerts.applyTo', { count: formatNumber(count) })}</button>
    </div>
  );
}
