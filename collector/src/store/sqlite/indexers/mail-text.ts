/**
 * Text preparation shared by the mail indexer and the mail search, so both cut text the same way: NFKC
 * (full-width ＡＢＣ１２３ → ABC123), lower case, trigrams; words of two CJK characters become "bigram + U+E000"
 * tokens (see 0100-mails.sql).
 */
export const bigramMark = '\uE000';

/** Han, Hiragana, Katakana, Hangul: scripts written without spaces between words. */
const cjkClass = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}ー々';
const cjkRun = new RegExp(`[${cjkClass}]{2,}`, 'gu');
const cjkOnly = new RegExp(`^[${cjkClass}]+$`, 'u');

export function normalizeMailText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function isCjk(term: string): boolean {
  return cjkOnly.test(term);
}

/** Every distinct two-character CJK sequence in already-normalised `text`, each as its own indexable token. */
export function cjkBigrams(normalized: string): string {
  const grams = new Set<string>();
  for (const run of normalized.matchAll(cjkRun)) {
    const chars = [...run[0]];
    for (let i = 0; i + 1 < chars.length; i += 1) grams.add(`${chars[i]}${chars[i + 1]}${bigramMark}`);
  }
  return [...grams].join(' ');
}

/** The text the index holds for one mail: its searchable fields, then the CJK bigram tokens. */
export function mailIndexText(fields: string[]): string {
  const normalized = normalizeMailText(fields.join('\n'));
  return `${normalized}\n${cjkBigrams(normalized)}`;
}

/**
 * The index tokens one normalised search term needs: its distinct trigrams, or for a two-character CJK word its
 * bigram token. Undefined when the term is too short to search.
 */
export function termTokens(term: string): string[] | undefined {
  const chars = [...term];
  if (chars.length === 2 && isCjk(term)) return [`${term}${bigramMark}`];
  if (chars.length < 3) return undefined;
  const grams = new Set<string>();
  for (let i = 0; i + 2 < chars.length; i += 1) grams.add(chars.slice(i, i + 3).join(''));
  return [...grams];
}
