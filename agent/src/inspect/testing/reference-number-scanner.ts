/**
 * The number detectors as first written (one window of text at a time, strings per run): kept as the oracle that
 * the streaming scanner (common/number-scanner.ts) is compared with in tests. Not used by the engine.
 *
 * The built-in number detectors in one pass over the text: every run of digits (single spaces or hyphens allowed
 * between digits) is found once and classified by its shape, then checked for its kind — My Number (4-4-4 or 12
 * digits, check digit), card (13–19 digits, issuer range + Luhn), Japanese phone (0 + area code, hyphenated,
 * 10–11 digits), postal code (3-4), bank account (seven digits after 普通/当座/貯蓄/口座, or bank-branch-account
 * 4-3-7). A run that is part of a longer one (a card number's last twelve digits, a My Number inside an order
 * number) is never taken for a shorter kind. One hand-written loop instead of a regular expression per detector:
 * a CSV is mostly digits, and five regex passes with look-behinds ran at a few MB/s.
 */
import type { ContentDetector } from '@mamori/policies';
import { isCardNumber, isValidMyNumber } from '../common/check-digits.ts';

export type ReferenceNumberSinks = Partial<Record<ContentDetector, (value: string) => void>>;

const isDigit = (c: number) => c >= 48 && c <= 57;
/** 普通, 当座, 貯蓄, 口座 (ordinary, current, savings account; account): words that make seven digits an account number. */
const accountWords = /(普通|当座|貯蓄|口座)(預金)?(番号)?[\s:：]*$/;

/**
 * Reports every detected number whose run starts in [from, until) to its sink. Runs are read past `until` to
 * their end, so the caller must hold enough text after `until` (the scanner's carry) for a run to be whole.
 */
export function referenceScanNumbers(text: string, from: number, until: number, sinks: ReferenceNumberSinks): void {
  const { my_number: myNumber, credit_card: card, phone, postal_code: postal, bank_account: account } = sinks;
  const length = text.length;
  let i = from;
  while (i < until) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) { i += 1; continue; }
    // A run starting right after a digit or hyphen continues something longer that started before `from`.
    const before = i > 0 ? text.charCodeAt(i - 1) : 0;
    const start = i;
    // The first three digit groups' lengths and how many groups there are (plain ints: this loop is hot).
    let groupCount = 0;
    let g0 = 0;
    let g1 = 0;
    let g2 = 0;
    let hyphens = 0;
    let group = 0;
    let j = i;
    while (j < length) {
      const d = text.charCodeAt(j);
      if (d >= 48 && d <= 57) { group += 1; j += 1; continue; }
      if ((d === 32 || d === 45) && j + 1 < length && isDigit(text.charCodeAt(j + 1))) {
        if (groupCount === 0) g0 = group; else if (groupCount === 1) g1 = group; else if (groupCount === 2) g2 = group;
        groupCount += 1;
        group = 0;
        if (d === 45) hyphens += 1;
        j += 1;
        continue;
      }
      break;
    }
    if (groupCount === 0) g0 = group; else if (groupCount === 1) g1 = group; else if (groupCount === 2) g2 = group;
    groupCount += 1;
    i = j;
    // "No. 1 1234 5678 9018": a short leading number (a row index) joined by a space; look again after it.
    if (groupCount > 1 && g0 <= 3 && text.charCodeAt(start + g0) === 32) i = start + g0 + 1;
    if (before === 45 || (before >= 48 && before <= 57)) continue;
    const separators = groupCount - 1;
    const digitCount = j - start - separators;
    if (digitCount < 7) continue;
    const raw = text.slice(start, j);
    const value = separators === 0 ? raw : raw.replace(/[ -]/g, '');
    if (myNumber && digitCount === 12 && (groupCount === 1 || (groupCount === 3 && g0 === 4 && g1 === 4)) && isValidMyNumber(value)) myNumber(value);
    if (card && digitCount >= 13 && digitCount <= 19 && isCardNumber(value)) card(value);
    if (phone && groupCount === 3 && hyphens === 2 && text.charCodeAt(start) === 48 && (digitCount === 10 || digitCount === 11)
      && g0 >= 2 && g0 <= 5 && g1 >= 1 && g1 <= 4 && g2 >= 3 && g2 <= 4) {
      phone(value);
    }
    if (postal && groupCount === 2 && hyphens === 1 && g0 === 3 && g1 === 4) postal(value);
    if (account) {
      if (groupCount === 1 && digitCount === 7 && accountWords.test(text.slice(Math.max(0, start - 12), start))) account(raw);
      else if (groupCount === 3 && hyphens === 2 && g0 === 4 && g1 === 3 && g2 === 7) account(raw);
    }
  }
}
