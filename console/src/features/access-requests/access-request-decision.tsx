import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { AccessRequest } from '@mamori/collector/api';
import { defaultUntil, fromLocalInput, toLocalInput } from '../../components/time-input.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export type Decision = 'approve' | 'decline';

function todayAt17(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(17, 0, 0, 0);
  return d.getTime();
}

/**
 * Approve (mode or, for uploads, scope; expiry, note) or decline (note) one access request. Approving makes the
 * collector create the temporary device or upload exception; `onDone` gets the collector's error, if any, so the caller can say who was first.
 */
export function AccessRequestDecision({ request, decision, onDone, onCancel, now = Date.now }: {
  request: AccessRequest; decision: Decision; onDone(error?: Error): void; onCancel(): void; now?: () => number;
}) {
  const api = useApi();
  const { t } = useI18n();
  const [mode, setMode] = useState<'allow' | 'read_only'>('allow');
  const [scope, setScope] = useState<'domain' | 'category'>('domain');
  const [until, setUntil] = useState(() => toLocalInput(defaultUntil(now())));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState(false);

  const submit = async () => {
    let untilMs: number | undefined;
    if (decision === 'approve') {
      untilMs = fromLocalInput(until);
      if (untilMs === undefined) { setInvalid(true); return; }
    }
    setBusy(true);
    try {
      if (untilMs !== undefined) await api.approveAccessRequest(request.id, { untilMs, mode, note, ...(request.upload ? { scope } : {}) });
      else await api.declineAccessRequest(request.id, note);
      onDone();
    } catch (error) {
      onDone(error as Error);
    } finally {
      setBusy(false);
    }
  };
  const nowMs = now();

  return (
    <form className="stack" data-testid={`decision-${request.id}`} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      {decision === 'approve' ? (
        <>
          {request.upload ? (
            <label>{t('requests.scope')}
              <select value={scope} onChange={(e) => setScope(e.target.value as typeof scope)}>
                <option value="domain">{t('requests.scopeDomain', { domain: request.upload.domain })}</option>
                <option value="category">{t('requests.scopeCategory', { category: request.upload.category })}</option>
              </select>
            </label>
          ) : (
            <label>{t('requests.mode')}
              <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
                <option value="allow">{t('mode.allow')}</option>
                <option value="read_only">{t('mode.read_only')}</option>
              </select>
            </label>
          )}
          <label>{t('requests.until')}
            <input type="datetime-local" value={until} aria-invalid={invalid || undefined} required
              onChange={(e) => { setUntil(e.target.value); setInvalid(false); }} />
          </label>
          <div className="row">
            <button type="button" disabled={todayAt17(nowMs) <= nowMs} onClick={() => setUntil(toLocalInput(todayAt17(nowMs)))}>{t('requests.today17')}</button>
            {[1, 4, 8].map((hours) => (
              <button key={hours} type="button" onClick={() => setUntil(toLocalInput(nowMs + hours * 3_600_000))}>{t('requests.hours', { hours })}</button>
            ))}
          </div>
          {request.upload || request.device.serial ? null : <p className="muted">{t('requests.noSerial')}</p>}
        </>
      ) : null}
      <label>{t('requests.note')}<input value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} /></label>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{decision === 'approve' ? t('requests.approve') : t('requests.decline')}</button>
        <button type="button" onClick={onCancel}>{t('requests.cancel')}</button>
      </div>
    </form>
  );
}
