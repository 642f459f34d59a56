/**
 * Check-digit tests that make the number detectors precise: order numbers, phone numbers and dates that merely
 * have the right length do not pass them.
 */

/** Japan's individual number (My Number): 12 digits whose last is a check digit over the first 11. */
export function isValidMyNumber(digits: string): boolean {
  if (digits.length !== 12) return false;
  let sum = 0;
  // P_n is the n-th digit counted from the right of the first 11; Q_n = n+1 for n ≤ 6, n−5 for n ≥ 7.
  for (let n = 1; n <= 11; n += 1) {
    const p = digits.charCodeAt(11 - n) - 48;
    if (p < 0 || p > 9) return false;
    sum += p * (n <= 6 ? n + 1 : n - 5);
  }
  const last = digits.charCodeAt(11) - 48;
  const remainder = sum % 11;
  return last === (remainder <= 1 ? 0 : 11 - remainder);
}

/** Luhn (mod 10) check used by every card network. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The card network a number's issuer identification number (IIN) and length belong to, or undefined. Ranges from
 * the networks' published IIN tables: Visa 4; Mastercard 51–55 and 2221–2720; American Express 34, 37; JCB
 * 3528–3589; Diners Club 300–305, 36, 38–39; Discover 6011, 644–649, 65; UnionPay 62.
 */
export function cardNetwork(digits: string): string | undefined {
  const length = digits.length;
  const two = Number(digits.slice(0, 2));
  const three = Number(digits.slice(0, 3));
  const four = Number(digits.slice(0, 4));
  if (digits[0] === '4' && (length === 13 || length === 16 || length === 19)) return 'visa';
  if (length === 16 && ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720))) return 'mastercard';
  if (length === 15 && (two === 34 || two === 37)) return 'amex';
  if (length >= 16 && length <= 19 && four >= 3528 && four <= 3589) return 'jcb';
  if (length >= 14 && length <= 19 && ((three >= 300 && three <= 305) || two === 36 || two === 38 || two === 39)) return 'diners';
  if (length >= 16 && length <= 19 && (four === 6011 || (three >= 644 && three <= 649) || two === 65)) return 'discover';
  if (length >= 16 && length <= 19 && two === 62) return 'unionpay';
  return undefined;
}

/** A card number: a known network's range and length, and Luhn-valid. */
export function isCardNumber(digits: string): boolean {
  return cardNetwork(digits) !== undefined && passesLuhn(digits);
}

// The same checks over digits already held as numbers 0–9 (the streaming scanner's buffer): no string per run.

/** My Number check digit over `digits[at .. at+12)`. */
export function isValidMyNumberDigits(digits: Uint8Array, at: number): boolean {
  let sum = 0;
  for (let n = 1; n <= 11; n += 1) sum += digits[at + 11 - n]! * (n <= 6 ? n + 1 : n - 5);
  const remainder = sum % 11;
  return digits[at + 11] === (remainder <= 1 ? 0 : 11 - remainder);
}

/** `cardNetwork(...) !== undefined && passesLuhn(...)` over `digits[at .. at+length)`. */
export function isCardNumberDigits(digits: Uint8Array, at: number, length: number): boolean {
  const two = digits[at]! * 10 + digits[at + 1]!;
  const three = two * 10 + digits[at + 2]!;
  const four = three * 10 + digits[at + 3]!;
  const known = (digits[at] === 4 && (length === 13 || length === 16 || length === 19))
    || (length === 16 && ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)))
    || (length === 15 && (two === 34 || two === 37))
    || (length >= 16 && length <= 19 && four >= 3528 && four <= 3589)
    || (length >= 14 && length <= 19 && ((three >= 300 && three <= 305) || two === 36 || two === 38 || two === 39))
    || (length >= 16 && length <= 19 && (four === 6011 || (three >= 644 && three <= 649) || two === 65))
    || (length >= 16 && length <= 19 && two === 62);
  if (!known) return false;
  let sum = 0;
  for (let i = 0; i < length; i += 1) {
    let d = digits[at + length - 1 - i]!;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
