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
  /** The organisation's time zone every time is shown (and date pickers read) in. */
  timeZone: string;
  /** Adopts the organisation's zone once the collector names it. */
  setTimeZone(timeZone: string): void;
  /** A date-time in the chosen locale, in the organisation's zone, 24 h (2026/11/22 09:05:00 in ja, 22/11/2026, 09:05:00 in en). */
  formatDate(ms: number | null | undefined): string;
  /** A calendar day given as YYYY-MM-DD, short, in the locale's order (11/22 in ja, 22/11 in en). */
  formatDay(isoDate: string): string;
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

/** The browser's own zone: used until the collector names the organisation's. */
const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function I18nProvider({ children, locale: fixed, timeZone: zone }: { children: ReactNode; locale?: Locale; timeZone?: string }) {
  const [locale, setLocaleState] = useState<Locale>(fixed ?? initialLocale);
  const [orgZone, setTimeZone] = useState<string | undefined>(zone);
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
    const timeZone = orgZone ?? browserZone();
    const dates = new Intl.DateTimeFormat(intlLocale[locale], {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    const numbers = new Intl.NumberFormat(intlLocale[locale]);
    const decimals = new Intl.NumberFormat(intlLocale[locale], { maximumFractionDigits: 1 });
    return {
      locale, setLocale, timeZone, setTimeZone,
      t: (key, values) => {
        const text = dictionary[key] ?? en[key] ?? key;
        return values ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)) : text;
      },
      formatDate: (ms) => (ms === null || ms === undefined ? '—' : dates.format(new Date(ms))),
      formatDay: (isoDate) => {
        const [, month, day] = isoDate.split('-');
        return locale === 'ja' ? `${Number(month)}/${Number(day)}` : `${day}/${month}`;
      },
      formatNumber: (n) => numbers.format(n),
      formatBytes: (n) => {
        const units = ['B', 'KB', 'MB', 'GB', 'TB'];
        let value = n;
        let unit = 0;
        while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
        return `${decimals.format(value)} ${units[unit]}`;
      },
    };
  }, [locale, setLocale, orgZone]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
