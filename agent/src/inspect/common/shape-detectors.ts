/**
 * The built-in detectors: each finds candidates by shape in NFKC-normalised text and keeps those that pass the
 * check for their kind. Candidates are never part of a longer digit run, so a card number's last twelve digits
 * are not taken for a My Number and a My Number is not taken for a phone number.
 */
import type { ContentDetector } from '@mamori/policies';
import { isCardNumber, isValidMyNumber } from './check-digits.ts';

export interface ShapeDetector {
  /** Global regex finding candidates; the first capture group (or the match) is the value. */
  pattern: RegExp;
  /** The value kept for counting (distinct values are counted), or undefined when the candidate fails its check. */
  accept: (match: RegExpExecArray) => string | undefined;
}

const digitsOnly = (text: string) => text.replace(/[^\d]/g, '');

export const shapeDetectors: Record<ContentDetector, ShapeDetector> = {
  // 4-4-4 with optional space or hyphen, or 12 plain digits.
  my_number: {
    pattern: /(?<![\d-])\d{4}[ -]?\d{4}[ -]?\d{4}(?![\d]|[ -]\d)/g,
    accept: (m) => {
      const digits = digitsOnly(m[0]);
      return isValidMyNumber(digits) ? digits : undefined;
    },
  },
  // 13–19 digits with optional single separators.
  credit_card: {
    pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d]|[ -]\d)/g,
    accept: (m) => {
      const digits = digitsOnly(m[0]);
      return isCardNumber(digits) ? digits : undefined;
    },
  },
  // Japanese numbers: 0 + area code, hyphenated (03-1234-5678, 090-1234-5678, 0120-123-456) or in brackets.
  phone: {
    pattern: /(?<![\d-])0\d{1,4}(?:-|\(|\)|（|）)\d{1,4}(?:-|\)|）)\d{3,4}(?![\d-])/g,
    accept: (m) => {
      const digits = digitsOnly(m[0]);
      return digits.length === 10 || digits.length === 11 ? digits : undefined;
    },
  },
  // 〒123-4567 or 123-4567 (three digits, hyphen, four).
  postal_code: {
    pattern: /(?<![\d-])\d{3}-\d{4}(?![\d-])/g,
    accept: (m) => m[0],
  },
  // A seven-digit account number after 普通/当座 (ordinary/current account) or 口座番号, or bank-branch-account 4-3-7.
  bank_account: {
    pattern: /(?:(?:普通|当座|貯蓄|口座番号|口座)(?:預金)?[\s:：]*(\d{7})|(?<![\d-])(\d{4}-\d{3}-\d{7}))(?![\d-])/g,
    accept: (m) => m[1] ?? m[2],
  },
};
