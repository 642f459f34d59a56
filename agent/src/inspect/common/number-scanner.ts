/**
 * Classifies one run of digits (single spaces or hyphens allowed between digits) for the built-in number
 * detectors — My Number (4-4-4 or 12 digits, check digit), card (13–19 digits, issuer range + Luhn), Japanese
 * phone (0 + area code, hyphenated, 10–11 digits), postal code (3-4), bank account (seven digits after
 * 普通/当座/貯蓄/口座, or bank-branch-account 4-3-7). A run that is part of a longer one (a card number's last twelve
 * digits, a My Number inside an order number) is never taken for a shorter kind; a short leading group joined by a
 * space ("No. 1 1234 5678 9018": a row index) is looked past. The text pass (text-pass.ts) finds the runs in
 * one loop over the text and calls this only for runs of at least seven characters.
 *
 * Hot path: a number-dense CSV has two or three runs per row. Digits go to a preallocated buffer and values are
 * computed as numbers; a string is made only for a card or account number that passed its checks.
 */
import type { ContentDetector } from '@mamori/policies';
import { isCardNumberDigits, isValidMyNumberDigits } from './check-digits.ts';

/**
 * Where classified numbers go. My Numbers, phone numbers and postal codes come as the value of their digits
 * (up to 12 digits: exact as a double); card numbers as their digits, account numbers as written.
 */
export interface NumberSinks {
  my_number?: (value: number) => void;
  credit_card?: (digits: string) => void;
  phone?: (value: number) => void;
  postal_code?: (value: number) => void;
  bank_account?: (written: string) => void;
  /**
   * Many numbers of one detector at once (the byte pass's kernel finds them a block at a time): the same as calling
   * that detector's sink with each of `values[0, count)`, for a sink that can take them faster together.
   */
  many?: (detector: 'my_number' | 'phone' | 'postal_code', values: Float64Array, count: number) => void;
}
export type NumberDetector = ContentDetector & keyof NumberSinks;

/** Runs longer than this (digits and separators) are not classified: tables of numbers, not one number. */
export const maxRunChars = 1024;
/** Characters before a run that the bank-account words are looked for in. */
export const lookbehindChars = 12;

/** 普通, 当座, 貯蓄, 口座 (ordinary, current, savings account; account): words that make seven digits an account number. */
const accountWords = /(普通|当座|貯蓄|口座)(預金)?(番号)?[\s:：]*$/;

// Scratch space for one run (the engine is single-threaded per isolate and this never re-enters).
const digits = new Uint8Array(maxRunChars);
const groupLengths = new Int32Array(maxRunChars);
const separators = new Int32Array(maxRunChars);

const isDigit = (c: number) => c >= 48 && c <= 57;

function valueOf(at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i += 1) value = value * 10 + digits[at + i]!;
  return value;
}

function digitString(at: number, count: number): string {
  let text = '';
  for (let i = 0; i < count; i += 1) text += String.fromCharCode(48 + digits[at + i]!);
  return text;
}

/**
 * Reports the numbers in the run `text[start, end)` (digits and single separators, starting and ending with a
 * digit) to the sinks. `before` is the character before the run (a digit or hyphen there means the run continues
 * something that was not a number of ours). `text` must hold the `lookbehindChars` before `start` where there are any.
 */
export function classifyRun(text: string, start: number, end: number, before: number, sinks: NumberSinks): void {
  if (end - start > maxRunChars) return;
  // Twelve plain digits: checked in place, as classifyRunBytes does (the commonest run in a list of residents).
  if (end - start === 12 && !(before === 45 || isDigit(before))) {
    let value = 0;
    let sum = 0;
    let plain = true;
    for (let i = 0; i < 12; i += 1) {
      const d = text.charCodeAt(start + i) - 48;
      if (d < 0 || d > 9) {
        plain = false;
        break;
      }
      value = value * 10 + d;
      if (i < 11) sum += d * (11 - i <= 6 ? 12 - i : 6 - i);
    }
    if (plain) {
      const remainder = sum % 11;
      if (sinks.my_number && text.charCodeAt(start + 11) - 48 === (remainder <= 1 ? 0 : 11 - remainder)) sinks.my_number(value);
      return;
    }
  }
  let groupCount = 0;
  let digitCount = 0;
  let group = 0;
  let hyphens = 0;
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits[digitCount] = c - 48;
      digitCount += 1;
      group += 1;
    } else {
      groupLengths[groupCount] = group;
      separators[groupCount] = c;
      if (c === 45) hyphens += 1;
      groupCount += 1;
      group = 0;
    }
  }
  groupLengths[groupCount] = group;
  separators[groupCount] = 0;
  classifyGroups(text, start, end, before, digitCount, groupCount + 1, hyphens, sinks);
}

/** The text around a run the byte scanner found: only bank-account candidates (seven digits, 4-3-7) read it. */
export interface RunText {
  /** The `lookbehindChars` characters before byte offset `from`. */
  lookbehind(from: number): string;
  /** The run's own characters (ASCII) from `from` to `end`. */
  slice(from: number, end: number): string;
}

/** `classifyRun` over a run of ASCII bytes (digits, spaces, hyphens) in text of an ASCII-compatible encoding. */
export function classifyRunBytes(bytes: Uint8Array, start: number, end: number, before: number, sinks: NumberSinks, text: RunText): void {
  if (end - start > maxRunChars) return;
  // Twelve digits, nothing else: only a My Number can be that (cards are 13–19 digits, phones and postal codes
  // are hyphenated, accounts seven digits or 4-3-7). The commonest run in a list of residents, checked in place.
  if (end - start === 12 && !(before === 45 || isDigit(before))) {
    let value = 0;
    let sum = 0;
    let plain = true;
    for (let i = 0; i < 12; i += 1) {
      const d = bytes[start + i]! - 48;
      if (d < 0 || d > 9) {
        plain = false;
        break;
      }
      value = value * 10 + d;
      // Q_n for the n-th digit from the right of the first eleven: n + 1 for n ≤ 6, n − 5 above (as check-digits.ts).
      if (i < 11) sum += d * (11 - i <= 6 ? 12 - i : 6 - i);
    }
    if (plain) {
      const remainder = sum % 11;
      if (sinks.my_number && bytes[start + 11]! - 48 === (remainder <= 1 ? 0 : 11 - remainder)) sinks.my_number(value);
      return;
    }
  }
  let groupCount = 0;
  let digitCount = 0;
  let group = 0;
  let hyphens = 0;
  for (let i = start; i < end; i += 1) {
    const c = bytes[i]!;
    if (c >= 48 && c <= 57) {
      digits[digitCount] = c - 48;
      digitCount += 1;
      group += 1;
    } else {
      groupLengths[groupCount] = group;
      separators[groupCount] = c;
      if (c === 45) hyphens += 1;
      groupCount += 1;
      group = 0;
    }
  }
  groupLengths[groupCount] = group;
  separators[groupCount] = 0;
  classifyGroups(text, start, end, before, digitCount, groupCount + 1, hyphens, sinks);
}

/** The run's digits and groups are in the scratch arrays; `text` is the string it came from, or the byte scanner's view. */
function classifyGroups(
  text: string | RunText, start: number, end: number, before: number, digitCount: number, groupCount: number, hyphens: number, sinks: NumberSinks,
): void {
  // Suffix k is the run without its first k groups, looked at when each of those is ≤ 3 digits followed by a space
  // (so its separators, and the hyphen count, are the whole run's).
  let at = 0;
  let from = start;
  for (let k = 0; k < groupCount; k += 1) {
    const count = digitCount - at;
    if (count < 7) return;
    if (k > 0 || !(before === 45 || isDigit(before))) {
      classifySuffix(text, from, end, at, count, groupCount - k, k, hyphens, sinks);
    }
    const length = groupLengths[k]!;
    if (k + 1 >= groupCount || length > 3 || separators[k] !== 32) return;
    at += length;
    from += length + 1;
  }
}

function classifySuffix(
  text: string | RunText, from: number, end: number, at: number, count: number, groups: number, first: number, hyphens: number, sinks: NumberSinks,
): void {
  const g0 = groupLengths[first]!;
  const g1 = groups > 1 ? groupLengths[first + 1]! : 0;
  const g2 = groups > 2 ? groupLengths[first + 2]! : 0;
  const { my_number: myNumber, credit_card: card, phone, postal_code: postal, bank_account: account } = sinks;
  if (myNumber && count === 12 && (groups === 1 || (groups === 3 && g0 === 4 && g1 === 4)) && isValidMyNumberDigits(digits, at)) {
    myNumber(valueOf(at, 12));
  }
  if (card && count >= 13 && count <= 19 && isCardNumberDigits(digits, at, count)) card(digitString(at, count));
  if (phone && groups === 3 && hyphens === 2 && digits[at] === 0 && (count === 10 || count === 11)
    && g0 >= 2 && g0 <= 5 && g1 >= 1 && g1 <= 4 && g2 >= 3 && g2 <= 4) {
    phone(valueOf(at, count));
  }
  if (postal && groups === 2 && hyphens === 1 && g0 === 3 && g1 === 4) postal(valueOf(at, 7));
  if (account) {
    if (groups === 1 && count === 7
      && accountWords.test(typeof text === 'string' ? text.slice(Math.max(0, from - lookbehindChars), from) : text.lookbehind(from))) {
      account(text.slice(from, end));
    }
    else if (groups === 3 && hyphens === 2 && g0 === 4 && g1 === 3 && g2 === 7) account(text.slice(from, end));
  }
}
