import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { Alert, Resolution } from '@mamori/collector/api';
import { useI18n } from '../../i18n/i18n.tsx';

/** Acknowledge or resolve one alert with a note (operators and admins). */
export function AlertActions({ alert, mode, onDone }: { alert: Alert; mode: 'acknowledge' | 'resolve'; onDone(error?: Error): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [resolution, setResolution] = useState<Resolution>('true_positive');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      if (mode === 'acknowledge') await api.acknowledgeAlert(alert.id, note);
      else await api.resolveAlert(alert.id, resolution, note);
      onDone();
    } catch (error) {
      onDone(error as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inline-form">
      {mode === 'resolve' ? (
        <select aria-label={t('alerts.resolve')} value={resolution} onChange={(e) => setResolution(e.target.value as Resolution)}>
          <option value="true_positive">{t('alerts.truePositive')}</option>
          <option value="false_positive">{t('alerts.falsePositive')}</option>
        </select>
      ) : null}
      <input aria-label={t('alerts.note')} placeholder={t('alerts.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
      <button type="button" disabled={busy} onClick={submit}>{mode === 'acknowledge' ? t('alerts.acknowledge') : t('alerts.resolve')}</button>
    </div>
  );
}
