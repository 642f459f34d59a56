/**
 * Registered-document shingles rolled over the raw bytes of a text the byte scanner (byte-text-pass.ts) has
 * already read through and found valid. The rolling step is ShingleMatcher.push's, on the same state, so the text
 * pass can go on from where this stops. One loop per kind of encoding, each with a single table lookup per
 * character: the shingle code of every Shift_JIS / EUC-JP pair (and ASCII byte) is worked out once per process,
 * instead of a character from the pair table and then its shingle code by comparisons, per character.
 */
import { pairTable } from './byte-codecs.ts';
import { shingleBase, shingleCode, type ShingleMatcher } from './fingerprint.ts';

const codeTables = new Map<'shift_jis' | 'euc-jp', Int32Array>();

/** Shingle code (or -1) of the character starting with byte `lead` followed by `next`, indexed lead << 8 | next. */
function codeTable(encoding: 'shift_jis' | 'euc-jp'): Int32Array {
  let table = codeTables.get(encoding);
  if (table) return table;
  const pairs = pairTable(encoding);
  table = new Int32Array(65_536);
  for (let index = 0; index < 65_536; index += 1) {
    const lead = index >>> 8;
    // A byte below 0x80 is a character of its own whatever follows; a pair with no character never reaches here.
    const char = lead < 0x80 ? lead : pairs[index]!;
    table[index] = char === 0 && lead >= 0x80 ? -1 : shingleCode(char);
  }
  codeTables.set(encoding, table);
  return table;
}

const asciiCodes = Int32Array.from({ length: 128 }, (_, c) => shingleCode(c));

/** Rolls `matcher`'s state over `bytes[start…]` (valid text in `encoding`); returns the hashes its filter let by. */
export function rollShingleBytes(bytes: Uint8Array, start: number, encoding: 'utf-8' | 'shift_jis' | 'euc-jp', matcher: ShingleMatcher): number[] {
  return encoding === 'utf-8' ? rollUtf8(bytes, start, matcher) : rollPairs(bytes, start, codeTable(encoding), matcher);
}

function rollPairs(bytes: Uint8Array, start: number, codes: Int32Array, matcher: ShingleMatcher): number[] {
  const state = matcher.state;
  const { size, window, power } = state;
  const filter = matcher.filter;
  let { hash, filled, at } = state;
  const candidates: number[] = [];
  const n = bytes.length;
  let i = start;
  while (i < n) {
    const b = bytes[i]!;
    // Past the end `bytes[i + 1]` is undefined (0 here): only a single-byte character can be last in valid text.
    const code = codes[(b << 8) | (bytes[i + 1]! | 0)]!;
    i += b < 0x80 ? 1 : 2;
    if (code < 0) continue;
    if (filled === size) hash = (hash - Math.imul(window[at]!, power)) | 0;
    else filled += 1;
    hash = (Math.imul(hash, shingleBase) + code) | 0;
    window[at] = code;
    at += 1;
    if (at === size) at = 0;
    if (filled === size) {
      const bit = (hash >>> 8) & 0xffff;
      if ((filter[bit >>> 5]! & (1 << (bit & 31))) !== 0) candidates.push(hash);
    }
  }
  state.hash = hash;
  state.filled = filled;
  state.at = at;
  return candidates;
}

function rollUtf8(bytes: Uint8Array, start: number, matcher: ShingleMatcher): number[] {
  const state = matcher.state;
  const { size, window, power } = state;
  const filter = matcher.filter;
  let { hash, filled, at } = state;
  const candidates: number[] = [];
  const n = bytes.length;
  let i = start;
  while (i < n) {
    const b = bytes[i]!;
    let code: number;
    if (b < 0x80) {
      code = asciiCodes[b]!;
      i += 1;
    } else if (b < 0xe0) {
      code = shingleCode(((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else {
      code = shingleCode(((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    }
    if (code < 0) continue;
    if (filled === size) hash = (hash - Math.imul(window[at]!, power)) | 0;
    else filled += 1;
    hash = (Math.imul(hash, shingleBase) + code) | 0;
    window[at] = code;
    at += 1;
    if (at === size) at = 0;
    if (filled === size) {
      const bit = (hash >>> 8) & 0xffff;
      if ((filter[bit >>> 5]! & (1 << (bit & 31))) !== 0) candidates.push(hash);
    }
  }
  state.hash = hash;
  state.filled = filled;
  state.at = at;
  return candidates;
}
