import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { Session } from '@mamori/collector/api';
import { useI18n } from '../../i18n/i18n.tsx';

export function SignInView({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      onSignedIn(await api.signIn(username, password));
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      setProblem(code === 'COLLECTOR_LOGIN_THROTTLED' ? t('signIn.throttled') : code === 'COLLECTOR_LOGIN_FAILED' ? t('signIn.failed') : t('common.error', { message: (error as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="sign-in" onSubmit={submit}>
      <h1>{t('signIn.title')}</h1>
      <label>{t('signIn.username')}<input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required /></label>
      <label>{t('signIn.password')}<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
      {problem ? <div role="alert" className="error">{problem}</div> : null}
      <button type="submit" disabled={busy}>{t('signIn.submit')}</button>
    </form>
  );
}
