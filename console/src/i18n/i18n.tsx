import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './messages-en.ts';
import { ja } from './messages-ja.ts';

export type Locale = 'en' | 'ja';
const dictionaries = { en, ja } as const;
const intlLocale: Record<Locale, string> = { en: 'en-GB', ja: 'ja-JP' };
const storageKey = 'mamori.locale';

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  /** The text for a key in the chosen language, `{name}` placeholders filled (as text, never HTML). */
  t(key: MessageKey, values?: Record<string, string | number>): string;
  /** A date-time in the chosen locale (e.g. 2026/11/22 9:05:00 in ja, 22/11/2026, 09:05:00 in en). */
  formatDate(ms: number | null | undefined): string;
  formatNumber(n: number): string;
  /** A byte count as KB/MB/GB with locale digits. */
  formatBytes(n: number): string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(storageKey);
    if (saved === 'en' || saved === 'ja') return saved;
  } catch {
    // storage blocked: fall through to the browser language
  }
  return globalThis.navigator?.language?.startsWith('ja') ? 'ja' : 'en';
}

export function I18nProvider({ children, locale: fixed }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(fixed ?? initialLocale);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      globalThis.localStorage?.setItem(storageKey, next);
    } catch {
      // not remembered; still switched
    }
    if (globalThis.document) document.documentElement.lang = next;
  }, []);
  const value = useMemo<I18n>(() => {
    const dictionary = dictionaries[locale];
    const dates = new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: 'short', timeStyle: 'medium' });
    const numbers = new Intl.NumberFormat(intlLocale[locale]);
    const decimals = new Intl.NumberFormat(intlLocale[locale], { maximumFractionDigits: 1 });
    return {
      locale, setLocale,
      t: (key, values) => {
        const text = dictionary[key] ?? en[key] ?? key;
        return values ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)) : text;
      },
      formatDate: (ms) => (ms === null || ms === undefined ? '—' : dates.format(new Date(ms))),
      formatNumber: (n) => numbers.format(n),
      formatBytes: (n) => {
        const units = ['B', 'KB', 'MB', 'GB', 'TB'];
        let value = n;
        let unit = 0;
        while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
        return `${decimals.format(value)} ${units[unit]}`;
      },
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
