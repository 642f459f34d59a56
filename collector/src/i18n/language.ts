/** The languages the collector writes people-facing text in (alert titles, mails). */
export const languages = ['en', 'ja'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'ja';
}

/**
 * The language an HTTP request asks for: `?lang=` first, then the first Accept-Language tag we write (the console
 * sends its chosen language there), else English.
 */
export function requestLanguage(query: unknown, acceptLanguage: string | undefined): Language {
  const asked = (query as { lang?: unknown } | undefined)?.lang;
  if (isLanguage(asked)) return asked;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('ja')) return 'ja';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
