/**
 * Policy keywords counted in the raw bytes of UTF-8, Shift_JIS or EUC-JP text (the byte scanner's text), as the
 * string path would count them in the decoded text: non-overlapping occurrences that start on a character.
 * A keyword is searched for as its bytes in that encoding (no letters that case changes), or, when it is ASCII with
 * letters, case-insensitively on the bytes. Nothing is decoded and no string of the text is made: a Latin-1 string
 * of a 6.8 MB file cost ten times hashing it.
 */
import { encodeUniquely, isCharStart, type ByteEncodingName } from './byte-codecs.ts';
import { kernelBlockBytes, kernelMaxKeywordSpan, scanKernel } from '../wasm/scan-kernel.ts';

/** A keyword as bytes: matched exactly, or (`caseless`) ASCII lower-case bytes matched without case. */
export interface ByteKeyword { bytes: Uint8Array; caseless: boolean }

/**
 * The keyword in `encoding`'s bytes, or undefined when it cannot be searched for there: a cased keyword that is not
 * ASCII, or has k or s (Unicode case folding matches K and ſ to those two, and nothing else outside ASCII to an ASCII
 * letter), or a character with more than one way of being written.
 */
export function byteKeyword(word: string, caseless: boolean, encoding: ByteEncodingName): ByteKeyword | undefined {
  // Remembered per process: encoding a character searches the whole pair table, and every inspection asks again.
  const key = `${encoding}\u0000${caseless ? 1 : 0}\u0000${word}`;
  if (!compiled.has(key)) compiled.set(key, compile(word, caseless, encoding));
  return compiled.get(key);
}

const compiled = new Map<string, ByteKeyword | undefined>();

function compile(word: string, caseless: boolean, encoding: ByteEncodingName): ByteKeyword | undefined {
  if (!caseless) {
    if (!/^[\x20-\x7e]+$/.test(word) || /[ks]/i.test(word)) return undefined;
    return { bytes: Buffer.from(word.toLowerCase(), 'latin1'), caseless: true };
  }
  const encoded = encodeUniquely(word, encoding);
  return encoded && encoded.length > 0 ? { bytes: encoded, caseless: false } : undefined;
}

const lowerOf = (byte: number) => (byte >= 65 && byte <= 90 ? byte + 32 : byte);

function matchesCaseless(bytes: Uint8Array, at: number, lower: Uint8Array): boolean {
  if (at + lower.length > bytes.length) return false;
  for (let k = 0; k < lower.length; k += 1) if (lowerOf(bytes[at + k]!) !== lower[k]) return false;
  return true;
}

/** Occurrences of `keyword` in `bytes` (a whole text in `encoding`). */
export function countByteKeyword(bytes: Uint8Array, keyword: ByteKeyword, encoding: ByteEncodingName): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const word = keyword.bytes;
  let count = 0;
  if (!keyword.caseless) {
    for (let at = buffer.indexOf(word); at !== -1; at = buffer.indexOf(word, at)) {
      if (isCharStart(bytes, at, 0, encoding)) {
        count += 1;
        at += word.length;
      } else {
        at += 1;
      }
    }
    return count;
  }
  // Candidates are the places of the first byte in either case, taken in order from two native searches; a
  // candidate inside a match already counted is passed over (matches do not overlap, as with a global regex).
  const lower = word[0]!;
  const upper = lower >= 97 && lower <= 122 ? lower - 32 : lower;
  let nextLower = buffer.indexOf(lower);
  let nextUpper = upper === lower ? -1 : buffer.indexOf(upper);
  let end = 0;
  while (nextLower !== -1 || nextUpper !== -1) {
    let at: number;
    if (nextUpper === -1 || (nextLower !== -1 && nextLower < nextUpper)) {
      at = nextLower;
      nextLower = buffer.indexOf(lower, at + 1);
    } else {
      at = nextUpper;
      nextUpper = buffer.indexOf(upper, at + 1);
    }
    if (at < end || !matchesCaseless(bytes, at, word) || !isCharStart(bytes, at, 0, encoding)) continue;
    count += 1;
    end = at + word.length;
  }
  return count;
}

function matchesExactly(bytes: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at + word.length > bytes.length) return false;
  for (let k = 0; k < word.length; k += 1) if (bytes[at + k] !== word[k]) return false;
  return true;
}

/**
 * Occurrences of each of `keywords` in `bytes` (a whole text in `encoding`), as `countByteKeyword` counts them, in
 * one read of the text: the WebAssembly kernel finds, a 64 KiB block at a time, where a keyword's first and last
 * bytes are (sixteen positions a step), and only those places are checked here. `Buffer#indexOf` per keyword was a
 * tenth of a CSV's inspection: a Shift_JIS text has a trail byte 'C' or 'c' every few hundred bytes, each a call
 * back from native code for CONFIDENTIAL (6.8 MB: 4.7 ms), and in UTF-8 the Japanese keywords' last bytes are
 * common continuation bytes, so Boyer–Moore–Horspool skips little (8.4 MB: 3.7 ms each). Keywords longer than the
 * kernel takes are counted by `countByteKeyword`.
 */
export function countByteKeywords(bytes: Uint8Array, keywords: readonly ByteKeyword[], encoding: ByteEncodingName): number[] {
  const counts = keywords.map(() => 0);
  const ends = keywords.map(() => 0);
  const short: number[] = [];
  keywords.forEach((keyword, k) => {
    if (keyword.bytes.length - 1 <= kernelMaxKeywordSpan) short.push(k);
    else counts[k] = countByteKeyword(bytes, keyword, encoding);
  });
  if (short.length === 0) return counts;
  const kernel = scanKernel();
  const span = Math.max(...short.map((k) => keywords[k]!.bytes.length - 1));
  const n = bytes.length;
  for (let i = 0; i < n; i += kernelBlockBytes) {
    const limit = Math.min(n - i, kernelBlockBytes);
    kernel.input.set(bytes.subarray(i, Math.min(n, i + limit + span)));
    for (const k of short) {
      const { bytes: word, caseless } = keywords[k]!;
      const fold = caseless ? 0x20 : 0;
      const hits = kernel.findKeyword(limit, word[0]! | fold, word[word.length - 1]! | fold, word.length - 1, fold);
      for (let h = 0; h < hits; h += 1) {
        const at = i + kernel.keywordHits[h]!;
        if (at < ends[k]!) continue;
        if (!(caseless ? matchesCaseless(bytes, at, word) : matchesExactly(bytes, at, word)) || !isCharStart(bytes, at, 0, encoding)) continue;
        counts[k] = counts[k]! + 1;
        ends[k] = at + word.length;
      }
    }
  }
  return counts;
}
