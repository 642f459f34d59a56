/**
 * Content detectors with check digits, so that order numbers and phone numbers don't trip them. Input is
 * NFKC-normalised first: Japanese users often type full-width digits (１２３４) and hyphens (－).
 */

import { isValidMyNumber, passesLuhn } from '../../../inspect/common/check-digits.ts';

export { isValidMyNumber, passesLuhn };

/**
 * Digits grouped 4-4-4 with optional space or hyphen, not part of a longer digit group (so the last twelve
 * digits of a card number "4111 1111 1111 1111" are not taken for a My Number).
 */
const myNumberCandidate = /(?<!\d[ -]?)(\d{4})[ -]?(\d{4})[ -]?(\d{4})(?![ -]?\d)/g;
/** 13–19 digits with optional single separators, not part of a longer digit group. */
const cardCandidate = /(?<!\d[ -]?)\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;

export function normalizeForScan(text: string): string {
  return text.normalize('NFKC');
}

/** My Numbers (digits only) found in already-normalised text. */
export function findMyNumbers(normalized: string): string[] {
  const found: string[] = [];
  for (const match of normalized.matchAll(myNumberCandidate)) {
    const digits = `${match[1]}${match[2]}${match[3]}`;
    if (isValidMyNumber(digits)) found.push(digits);
  }
  return found;
}

/** Card numbers (digits only) found in already-normalised text: major-network prefix and Luhn-valid. */
export function findCardNumbers(normalized: string): string[] {
  const found: string[] = [];
  for (const match of normalized.matchAll(cardCandidate)) {
    const digits = match[0].replace(/[ -]/g, '');
    // 3 (Amex/JCB/Diners), 4 (Visa), 5 (Mastercard), 6 (Discover/UnionPay): other prefixes are not card numbers.
    if (/^[3-6]/.test(digits) && passesLuhn(digits)) found.push(digits);
  }
  return found;
}

/**
 * Replaces every detected My Number and card number with a placeholder, so the log (and the collector's
 * search index) never stores the personal data it flags. Works on raw text: full-width digits are matched
 * through their NFKC form, position for position.
 */
export function maskSensitive(text: string): string {
  const normalized = normalizeForScan(text);
  // NFKC can change the length (e.g. ㍻ → 平成); only mask position-for-position when it did not.
  const source = normalized.length === text.length ? text : normalized;
  const ranges: [number, number, string][] = [];
  for (const match of normalized.matchAll(cardCandidate)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (/^[3-6]/.test(digits) && passesLuhn(digits)) ranges.push([match.index, match.index + match[0].length, '[card number]']);
  }
  for (const match of normalized.matchAll(myNumberCandidate)) {
    if (isValidMyNumber(`${match[1]}${match[2]}${match[3]}`)) ranges.push([match.index, match.index + match[0].length, '[My Number]']);
  }
  ranges.sort((a, b) => b[0] - a[0]);
  let out = source;
  for (const [start, end, label] of ranges) out = out.slice(0, start) + label + out.slice(end);
  return out;
}
