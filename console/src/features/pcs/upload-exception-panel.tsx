import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { Role } from '@mamori/collector/api';
import { useAsync } from '../../components/use-async.ts';
import { ErrorBanner } from '../../components/badges.tsx';
import { defaultUntil, fromLocalInput, toLocalInput } from '../../components/time-input.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** The destination categories the shipped policy blocks or warns (categories.yaml); a domain is typed instead. */
const categories = ['file_transfer', 'personal_cloud', 'generative_ai', 'webmail', 'social_media', 'uncategorised'];

/**
 * Upload exceptions of one PC: the ones in force (revocable) and a one-form grant — a category or a domain, an
 * optional user, until when, why. The collector pushes it to the agent, which hands it to the browser at once.
 */
export function UploadExceptionPanel({ pc, role, now = Date.now }: { pc: string; role: Role; now?: () => number }) {
  const api = useApi();
  const { t, formatDate } = useI18n();
  const list = useAsync(() => api.uploadExceptions(pc), [api, pc]);
  const [kind, setKind] = useState<'category' | 'domain'>('category');
  const [category, setCategory] = useState(categories[0]!);
  const [domain, setDomain] = useState('');
  const [user, setUser] = useState('');
  const [until, setUntil] = useState(() => toLocalInput(defaultUntil(now())));
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const canAct = role !== 'auditor';

  const act = async (work: () => Promise<string>) => {
    setError(undefined);
    setMessage(undefined);
    try {
      setMessage(await work());
      list.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const grant = () => act(async () => {
    const untilMs = fromLocalInput(until);
    if (untilMs === undefined) throw new Error(t('pc.until'));
    const granted = await api.grantUploadException({
      pc, untilMs, reason, ...(kind === 'category' ? { category } : { domain: domain.trim() }), ...(user.trim() ? { user: user.trim() } : {}),
    });
    return t('upx.granted', { until: formatDate(granted.untilMs) });
  });
  const revoke = (id: string) => act(async () => {
    await api.revokeUploadException(id);
    return t('upx.revoked');
  });

  return (
    <div className="panel upload-exception-panel">
      <h3>{t('upx.title')}</h3>
      {(list.data ?? []).length === 0 ? <p className="muted">{t('common.none')}</p> : (
        <ul className="compact" data-testid="upload-exceptions">{(list.data ?? []).map((x) => (
          <li key={x.id} data-exception-id={x.id}>
            {x.domain ?? `${t('upx.category')} ${x.category ?? ''}`}{x.user ? ` (${x.user})` : ''} → {formatDate(x.untilMs)} — {x.reason} [{x.createdBy}]
            {canAct ? <> <button type="button" onClick={() => void revoke(x.id)}>{t('pc.revoke')}</button></> : null}
          </li>
        ))}</ul>
      )}
      {canAct ? (
        <form className="stack" onSubmit={(e) => { e.preventDefault(); void grant(); }}>
          <h4>{t('upx.grant')}</h4>
          <label>{t('upx.target')}
            <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
              <option value="category">{t('upx.category')}</option>
              <option value="domain">{t('upx.domain')}</option>
            </select>
          </label>
          {kind === 'category' ? (
            <label>{t('upx.category')}
              <select value={category} onChange={(e) => setCategory(e.target.value)}>{categories.map((c) => <option key={c} value={c}>{c}</option>)}</select>
            </label>
          ) : <label>{t('upx.domain')}<input value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="gigafile.nu" required /></label>}
          <label>{t('upx.user')}<input value={user} onChange={(e) => setUser(e.target.value)} /></label>
          <label>{t('upx.until')}<input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} required /></label>
          <label>{t('upx.reason')}<input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} /></label>
          <div className="row"><button type="submit">{t('upx.grant')}</button></div>
        </form>
      ) : <p className="muted">{t('common.readOnly')}</p>}
      {message ? <p role="status" className="ok">{message}</p> : null}
      <ErrorBanner error={error ?? list.error} />
    </div>
  );
}
