import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { ActiveException, PcDetail, Role } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { defaultUntil, fromLocalInput, toLocalInput } from '../../components/time-input.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';

/** Mode, allow-list and exceptions of one PC; operators grant a temporary exception or make an offline code. */
export function DevicePanel({ detail, role, onChanged, exceptions, now = Date.now }: {
  detail: PcDetail; role: Role; onChanged(): void; now?: () => number;
  /** Active exceptions with their source (offline codes included); falls back to the collector's own list. */
  exceptions?: ActiveException[] | undefined;
}) {
  const api = useApi();
  const { t, formatDate } = useI18n();
  const [mode, setMode] = useState<'allow' | 'read_only' | 'audit'>('allow');
  const [serial, setSerial] = useState('');
  const [until, setUntil] = useState(() => toLocalInput(defaultUntil(now())));
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const canAct = role !== 'auditor';
  const pc = detail.pc.pc;

  const grant = async () => {
    setError(undefined);
    setMessage(undefined);
    try {
      const untilMs = fromLocalInput(until);
      if (untilMs === undefined) throw new Error(t('pc.until'));
      const exception = await api.grantException({ pc, mode, untilMs, reason, ...(serial.trim() ? { serial: serial.trim() } : {}) });
      setMessage(t('pc.granted', { until: formatDate(exception.untilMs) }));
      onChanged();
    } catch (e) {
      setError(e as Error);
    }
  };

  const revoke = async (id: string) => {
    setError(undefined);
    setMessage(undefined);
    try {
      await api.revokeException(id);
      setMessage(t('pc.revoked'));
      onChanged();
    } catch (e) {
      setError(e as Error);
    }
  };
  const listed: ActiveException[] = exceptions ?? detail.exceptions.map((x) => ({ ...x, source: 'collector' as const }));

  const unlock = async () => {
    setError(undefined);
    setMessage(undefined);
    try {
      const untilMs = fromLocalInput(until);
      if (untilMs === undefined) throw new Error(t('pc.until'));
      const result = await api.unlockCode({ pc, untilMs, ...(serial.trim() ? { serial: serial.trim() } : {}) });
      setMessage(t('pc.code', { code: result.code, until: formatDate(result.untilMs) }));
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <div className="panel device-panel">
      <h3>{t('pc.device')}</h3>
      <dl className="facts">
        <dt>{t('pc.mode')}</dt><dd data-testid="device-mode">{t(`mode.${detail.device.mode}` as MessageKey)}</dd>
        <dt>{t('pc.rule')}</dt><dd>{detail.device.rule}</dd>
      </dl>
      <h4>{t('pc.allowList')}</h4>
      {detail.device.allow.length === 0 ? <p className="muted">{t('common.none')}</p> : (
        <ul className="compact">{detail.device.allow.map((a, i) => (
          <li key={i}>{a.name} — {[a.vendor_id, a.product_id].filter(Boolean).join(':')} {a.serial ?? ''} ({t(`mode.${a.mode}` as MessageKey)})</li>
        ))}</ul>
      )}
      <h4>{t('pc.exceptions')}</h4>
      {listed.length === 0 ? <p className="muted">{t('common.none')}</p> : (
        <ul className="compact" data-testid="exceptions">{listed.map((x) => (
          <li key={x.id} data-exception-id={x.id}>
            {t(`mode.${x.mode}` as MessageKey)} → {formatDate(x.untilMs)} {x.serial ? `(${x.serial})` : ''}{' '}
            {x.source === 'collector' ? <>— {x.reason} [{x.createdBy}]</> : <span className="muted">{t('pc.offlineCode', { applied: formatDate(x.appliedMs) })}</span>}
            {canAct && x.source === 'collector' ? <> <button type="button" onClick={() => void revoke(x.id)}>{t('pc.revoke')}</button></> : null}
          </li>
        ))}</ul>
      )}
      {canAct ? (
        <form className="stack" onSubmit={(e) => { e.preventDefault(); void grant(); }}>
          <h4>{t('pc.grant')}</h4>
          <label>{t('pc.grantMode')}
            <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
              <option value="allow">{t('mode.allow')}</option>
              <option value="read_only">{t('mode.read_only')}</option>
              <option value="audit">{t('mode.audit')}</option>
            </select>
          </label>
          <label>{t('pc.serial')}<input value={serial} onChange={(e) => setSerial(e.target.value)} /></label>
          <label>{t('pc.until')}<input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} required /></label>
          <label>{t('pc.reason')}<input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} /></label>
          <div className="row">
            <button type="submit">{t('pc.grant')}</button>
            <button type="button" onClick={() => void unlock()}>{t('pc.generate')}</button>
          </div>
        </form>
      ) : <p className="muted">{t('common.readOnly')}</p>}
      {message ? <p role="status" className="ok">{message}</p> : null}
      <ErrorBanner error={error} />
    </div>
  );
}
