import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { CollectorSettings } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';
import { href } from '../../router.ts';
import { DisplaySettingsPanel } from './display-settings-panel.tsx';

/** Admins: where alert mail goes out (SMTP), the console's public URL, who gets mail, the outbox, a test mail. */
export function SettingsView() {
  const api = useApi();
  const { t } = useI18n();
  const loaded = useAsync(() => api.settings(), [api]);
  return (
    <section>
      <header className="view-header"><h2>{t('settings.title')}</h2></header>
      <ErrorBanner error={loaded.error} />
      {loaded.data ? (
        <div className="cards">
          <MailServerPanel settings={loaded.data} onSaved={loaded.reload} />
          <TestMailPanel settings={loaded.data} onSent={loaded.reload} />
          <RecipientsPanel settings={loaded.data} />
          <DisplaySettingsPanel settings={loaded.data} onSaved={loaded.reload} />
          <OutboxPanel settings={loaded.data} />
        </div>
      ) : null}
    </section>
  );
}

function MailServerPanel({ settings, onSaved }: { settings: CollectorSettings; onSaved(): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [host, setHost] = useState(settings.smtp.host);
  const [port, setPort] = useState(String(settings.smtp.port));
  const [secure, setSecure] = useState(settings.smtp.secure);
  const [from, setFrom] = useState(settings.smtp.from);
  const [user, setUser] = useState(settings.smtp.user ?? '');
  const [password, setPassword] = useState('');
  const [publicUrl, setPublicUrl] = useState(settings.publicUrl.value);
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => setPublicUrl(settings.publicUrl.value), [settings.publicUrl.value]);
  const save = async () => {
    setError(undefined);
    setMessage(undefined);
    try {
      await api.saveSettings({
        smtp: { host, port: Number(port), secure, from, ...(user ? { user } : {}), ...(password ? { password } : {}) },
        ...(publicUrl !== settings.publicUrl.value ? { publicUrl } : {}),
      });
      setMessage(t('settings.saved'));
      setPassword('');
      onSaved();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form className="panel stack settings-smtp" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h3>{t('settings.smtp')}</h3>
      <p className="muted" data-testid="smtp-source">{t(`settings.source.${settings.smtp.source}` as MessageKey)}</p>
      <label>{t('settings.host')}<input value={host} onChange={(e) => setHost(e.target.value)} required /></label>
      <label>{t('settings.port')}<input type="number" min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} required /></label>
      <label><input type="checkbox" checked={secure} onChange={(e) => setSecure(e.target.checked)} /> {t('settings.secure')}</label>
      <label>{t('settings.from')}<input value={from} onChange={(e) => setFrom(e.target.value)} required /></label>
      <label>{t('settings.user')}<input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" /></label>
      <label>{t('settings.password')}<input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password"
        placeholder={settings.smtp.passwordSet ? t('settings.passwordKept') : ''} /></label>
      <h3>{t('settings.publicUrl')}</h3>
      <p className="muted">{t('settings.publicUrlHelp')} ({t(`settings.source.${settings.publicUrl.source}` as MessageKey)})</p>
      <label>{t('settings.publicUrl')}<input type="url" value={publicUrl} onChange={(e) => setPublicUrl(e.target.value)} required /></label>
      <button type="submit">{t('settings.save')}</button>
      {message ? <p role="status" className="ok">{message}</p> : null}
      <ErrorBanner error={error} />
    </form>
  );
}

function TestMailPanel({ settings, onSent }: { settings: CollectorSettings; onSent(): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [to, setTo] = useState(settings.recipients[0]?.recipients[0] ?? '');
  const [result, setResult] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [sending, setSending] = useState(false);
  const send = async () => {
    setError(undefined);
    setResult(undefined);
    setSending(true);
    try {
      const answer = await api.sendTestMail(to);
      setResult(t('settings.testSent', { server: answer.server, response: answer.response }));
      onSent();
    } catch (e) {
      setError(e as Error);
    } finally {
      setSending(false);
    }
  };
  return (
    <form className="panel stack settings-test-mail" onSubmit={(e) => { e.preventDefault(); void send(); }}>
      <h3>{t('settings.testMail')}</h3>
      <p className="muted">{t('settings.testMailHelp', { server: `${settings.smtp.host}:${settings.smtp.port}` })}</p>
      <label>{t('settings.testTo')}<input type="email" value={to} onChange={(e) => setTo(e.target.value)} required /></label>
      <button type="submit" disabled={sending}>{t('settings.sendTest')}</button>
      {result ? <p role="status" className="ok" data-testid="test-mail-result">{result}</p> : null}
      <ErrorBanner error={error} />
    </form>
  );
}

function RecipientsPanel({ settings }: { settings: CollectorSettings }) {
  const { t } = useI18n();
  return (
    <div className="panel settings-recipients">
      <h3>{t('settings.recipients')}</h3>
      {!settings.notificationsEnabled ? <p className="hot">{t('settings.notificationsOff')}</p> : null}
      <ul className="compact">{settings.recipients.map((g) => (
        <li key={g.group}><strong>{g.group}</strong>: {g.recipients.join(', ')} <span className="muted">{t('settings.groupRule', { min: g.minSeverity, immediate: g.immediate })}</span></li>
      ))}</ul>
      <p className="muted">{t('settings.recipientsHelp')} <a href={href(['policies'])}>{t('nav.policies')}</a></p>
    </div>
  );
}

function OutboxPanel({ settings }: { settings: CollectorSettings }) {
  const { t, formatDate, formatNumber } = useI18n();
  const { outbox } = settings;
  return (
    <div className="panel settings-outbox" data-testid="outbox">
      <h3>{t('settings.outbox')}</h3>
      <p>{t('settings.outboxCounts', { queued: formatNumber(outbox.queued), failing: formatNumber(outbox.failing), failed: formatNumber(outbox.failed), sent: formatNumber(outbox.sentLastDay) })}</p>
      {outbox.problems.length > 0 ? (
        <table className="grid">
          <thead><tr><th>{t('settings.recipient')}</th><th>{t('settings.subject')}</th><th>{t('settings.attempts')}</th><th>{t('settings.lastError')}</th><th>{t('settings.next')}</th></tr></thead>
          <tbody>{outbox.problems.map((p) => (
            <tr key={p.id} className="hot">
              <td>{p.recipient}</td><td>{p.subject}</td><td className="num">{formatNumber(p.attempts)}</td><td>{p.lastError}</td>
              <td className="nowrap">{p.failedMs !== null ? t('settings.gaveUp') : formatDate(p.nextAttemptMs)}</td>
            </tr>
          ))}</tbody>
        </table>
      ) : null}
    </div>
  );
}
