import Encoding from 'encoding-japanese';

/** Encodings the text reader decodes (WHATWG names, as TextDecoder takes them). */
export type TextEncodingName = 'utf-8' | 'shift_jis' | 'euc-jp' | 'iso-2022-jp' | 'utf-16le' | 'utf-16be';

/**
 * The encoding of a text file from its first bytes: a byte-order mark, UTF-16 by its zero bytes, then
 * encoding-japanese's detector (escape sequences for ISO-2022-JP, byte ranges for Shift_JIS / EUC-JP / UTF-8).
 * Undefined when the bytes are not text (zero bytes in an 8-bit encoding, or control bytes no text has).
 */
export function detectTextEncoding(sample: Uint8Array): TextEncodingName | undefined {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return utf16;
  let controls = 0;
  for (let i = 0; i < sample.length; i += 1) {
    const byte = sample[i]!;
    if (byte === 0) return undefined;
    // Tab, LF, CR, form feed and ESC (ISO-2022-JP) are text; other C0 controls are a sign of binary data.
    if (byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12 && byte !== 0x1b) controls += 1;
  }
  if (controls > sample.length / 100) return undefined;
  switch (Encoding.detect(sample)) {
    case 'JIS': return 'iso-2022-jp';
    case 'SJIS': return 'shift_jis';
    case 'EUCJP': return 'euc-jp';
    default: return 'utf-8';
  }
}

/** UTF-16 without a BOM: one byte of nearly every pair is zero (ASCII-heavy text such as CSV). */
function utf16WithoutBom(sample: Uint8Array): TextEncodingName | undefined {
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) evenZero += 1;
    if (sample[i + 1] === 0) oddZero += 1;
  }
  if (oddZero > pairs * 0.3 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.3 && oddZero < pairs * 0.05) return 'utf-16be';
  return undefined;
}
