/**
 * Text preparation shared by the mail indexer and the mail search, so both cut text the same way. The search
 * index uses trigrams; words of two CJK characters are indexed as "bigram + U+E000" tokens (see 0100-mails.sql).
 */
export const bigramMark = '\uE000';

/** Han, Hiragana, Katakana (incl. half-width), Hangul: scripts written without spaces between words. */
const cjkRun = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々]{2,}/gu;

/** Every distinct two-character CJK sequence in `text`, each as its own indexable token. */
export function cjkBigrams(text: string): string {
  const grams = new Set<string>();
  for (const run of text.normalize('NFKC').matchAll(cjkRun)) {
    const chars = [...run[0]];
    for (let i = 0; i + 1 < chars.length; i += 1) grams.add(`${chars[i]}${chars[i + 1]}${bigramMark}`);
  }
  return [...grams].join(' ');
}

export function isCjk(term: string): boolean {
  return /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々]+$/u.test(term);
}
