import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { AlertFilter, SavedAlertFilter } from '@mamori/collector/api';
import { useI18n } from '../../i18n/i18n.tsx';

/** The signed-in user's saved alert filters: pick one to apply it, save the current one under a name, delete. */
export function SavedFilters({ current, onPick, onError }: { current: AlertFilter; onPick(filter: AlertFilter): void; onError(error: Error): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [filters, setFilters] = useState<SavedAlertFilter[]>([]);
  const [chosen, setChosen] = useState('');
  const [name, setName] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stale = false;
    api.savedAlertFilters().then((list) => { if (!stale) setFilters(list); }, onError);
    return () => { stale = true; };
  }, [api, tick, onError]);
  const pick = (id: string) => {
    setChosen(id);
    const saved = filters.find((f) => String(f.id) === id);
    if (saved) onPick(saved.filter);
  };
  const save = async () => {
    try {
      await api.saveAlertFilter(name.trim(), current);
      setName('');
      setTick((n) => n + 1);
    } catch (error) {
      onError(error as Error);
    }
  };
  const remove = async () => {
    try {
      await api.deleteAlertFilter(Number(chosen));
      setChosen('');
      setTick((n) => n + 1);
    } catch (error) {
      onError(error as Error);
    }
  };
  return (
    <div className="inline-form saved-filters">
      <select aria-label={t('alerts.savedFilters')} value={chosen} onChange={(e) => pick(e.target.value)}>
        <option value="">{t('alerts.savedFilters')}</option>
        {filters.map((f) => <option key={f.id} value={String(f.id)}>{f.name}</option>)}
      </select>
      {chosen ? <button type="button" onClick={remove}>{t('alerts.deleteFilter')}</button> : null}
      <input aria-label={t('alerts.filterName')} placeholder={t('alerts.filterName')} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      <button type="button" disabled={!name.trim()} onClick={save}>{t('alerts.saveFilter')}</button>
    </div>
  );
}
