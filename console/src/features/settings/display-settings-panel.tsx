import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { CollectorSettings } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';

type Language = 'en' | 'ja';

/** "a@x = ja" lines → per-recipient languages; the first bad line's number otherwise. */
export function parseRecipientLanguages(text: string): { recipients: Record<string, Language> } | { badLine: number } {
  const recipients: Record<string, Language> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const match = /^(\S+@\S+)\s*=\s*(en|ja)$/i.exec(line);
    if (!match) return { badLine: i + 1 };
    recipients[match[1]!.toLowerCase()] = match[2]!.toLowerCase() as Language;
  }
  return { recipients };
}

/** Admins: the organisation's time zone (every time shown) and the language alert mail is written in. */
export function DisplaySettingsPanel({ settings, onSaved }: { settings: CollectorSettings; onSaved(): void }) {
  const api = useApi();
  const { t, setTimeZone } = useI18n();
  const [zone, setZone] = useState(settings.timeZone.value);
  const [defaultLanguage, setDefaultLanguage] = useState<Language>(settings.mailLanguage.default);
  const [lines, setLines] = useState(Object.entries(settings.mailLanguage.recipients).map(([to, language]) => `${to} = ${language}`).join('\n'));
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const save = async () => {
    setMessage(undefined);
    setError(undefined);
    const parsed = parseRecipientLanguages(lines);
    if ('badLine' in parsed) {
      setError(new Error(t('settings.badRecipientLine', { line: parsed.badLine })));
      return;
    }
    try {
      await api.saveSettings({ timeZone: zone.trim(), mailLanguage: { default: defaultLanguage, recipients: parsed.recipients } });
      setTimeZone(zone.trim());
      setMessage(t('settings.displaySaved', { zone: zone.trim() }));
      onSaved();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form className="panel stack settings-display" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h3>{t('settings.timeZone')}</h3>
      <p className="muted">{t('settings.timeZoneHelp')} ({t(`settings.timeZoneSource.${settings.timeZone.source}` as MessageKey)})</p>
      <label>{t('settings.timeZone')}<input value={zone} onChange={(e) => setZone(e.target.value)} required /></label>
      <h3>{t('settings.mailLanguage')}</h3>
      <label>{t('settings.mailLanguageDefault')}
        <select value={defaultLanguage} onChange={(e) => setDefaultLanguage(e.target.value as Language)}>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </label>
      <label>{t('settings.mailLanguageRecipients')}<textarea rows={3} value={lines} onChange={(e) => setLines(e.target.value)} /></label>
      <ErrorBanner error={error} />
      {message ? <p className="ok" role="status">{message}</p> : null}
      <button type="submit">{t('settings.saveDisplay')}</button>
    </form>
  );
}
