/**
 * The text pass (text-pass.ts) over the raw bytes of UTF-8, Shift_JIS or EUC-JP text, without decoding it: in
 * these encodings the bytes of digits, spaces and hyphens (0x20, 0x2D, 0x30–0x39) never occur inside a multibyte
 * character, so runs of digits are found and classified on the bytes, and only the few characters before a
 * seven-digit run (the bank-account words) are decoded. Multibyte characters are read from a lookup table
 * (Shift_JIS, EUC-JP; byte-codecs.ts) or by UTF-8's bit layout, to check them and, in a second loop run only when
 * documents are registered, for the shingles. TextDecoder's Shift_JIS decoding alone cost about three times
 * reading and hashing the same bytes (13 vs 4.7 ms CPU for 6.8 MB), and it made a string the scan then read again.
 *
 * The result must be exactly what decoding and the string pass would give. Where the bytes hold something this
 * pass does not reproduce — an invalid or incomplete sequence (TextDecoder would put U+FFFD), a character outside
 * the BMP, or a full-width or half-width form that the string path folds (fold-widths.ts) — it gives up
 * (`undefined`) before anything is reported, and the caller decodes the text instead.
 */
import { pairTable, type ByteEncodingName } from './byte-codecs.ts';
import { rollShingleBytes } from './byte-shingles.ts';
import type { ShingleMatcher } from './fingerprint.ts';
import { classifyRunBytes, lookbehindChars, maxRunChars, type NumberSinks, type RunText } from './number-scanner.ts';

/** What the pass read, for the string pass to go on from (TextPass.resume) and the scanner to count. */
export interface BytePassResult {
  /** UTF-16 code units the text decodes to (as the string path counts characters). */
  chars: number;
  /** The end of the text: ≥ lookbehindChars characters before an open run, then the run. */
  tail: string;
  previous: number;
  run: { chars: number; before: number; separator: number } | undefined;
  /** Polynomial shingle hashes that passed the matcher's filter, to be checked once the pass is known to stand. */
  shingleCandidates: number[];
}

const utf8 = 0;
const shiftJis = 1;
const eucJp = 2;

/**
 * Scans `bytes` (one whole text) into `sinks` — which must be staged: a pass that gives up has already reported
 * some numbers. `shingles`' state is advanced only when the pass stands; its candidates are returned for the caller
 * to check. `before` is the text so far: its last character and its end (for look-behinds at the very start).
 */
export function scanTextBytes(
  bytes: Uint8Array, encoding: ByteEncodingName, sinks: NumberSinks, shingles: ShingleMatcher | undefined,
  before: { previous: number; text: string },
): BytePassResult | undefined {
  const kind = encoding === 'utf-8' ? utf8 : encoding === 'shift_jis' ? shiftJis : eucJp;
  const table = kind === utf8 ? new Uint16Array(0) : pairTable(encoding as 'shift_jis' | 'euc-jp');
  const n = bytes.length;
  // TextDecoder drops a UTF-8 byte-order mark (ignoreBOM: false).
  const start = kind === utf8 && n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const around = new TextAround(bytes, start, encoding, before.text);

  let chars = 0;
  let inRun = false;
  let runStart = 0;
  let runBefore = 0;
  let separator = 0;
  let previous = before.previous;
  let i = start;
  while (i < n) {
    const b = bytes[i]!;
    let c = b;
    let length = 1;
    if (b >= 0x80) {
      if (kind === utf8) {
        if (b >= 0xc2 && b <= 0xdf && i + 1 < n && (bytes[i + 1]! & 0xc0) === 0x80) {
          c = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
          length = 2;
        } else if (b >= 0xe0 && b <= 0xef && i + 2 < n && (bytes[i + 1]! & 0xc0) === 0x80 && (bytes[i + 2]! & 0xc0) === 0x80) {
          c = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
          if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) return undefined;
          length = 3;
        } else {
          return undefined;
        }
      } else {
        // Every valid multibyte character left in these encodings is two bytes (EUC-JP's 0x8E half-width kana
        // are folded forms, its 0x8F three-byte JIS X 0212 rare: both give up).
        if (i + 1 >= n) return undefined;
        c = table[(b << 8) | bytes[i + 1]!]!;
        if (c === 0) return undefined;
        length = 2;
      }
      if (c >= 0xff01 && c <= 0xff9f) return undefined;
    }
    // Digit runs, exactly as TextPass (positions are byte offsets; a run's characters are single bytes).
    if (c >= 48 && c <= 57) {
      if (!inRun) {
        inRun = true;
        runStart = i;
        runBefore = previous;
      }
      separator = 0;
    } else if (inRun) {
      if (separator !== 0 || (c !== 32 && c !== 45)) {
        const end = separator !== 0 ? i - 1 : i;
        if (end - runStart >= 7) classifyRunBytes(bytes, runStart, end, runBefore, sinks, around);
        inRun = false;
        separator = 0;
      } else {
        separator = c;
      }
    }
    previous = c;
    chars += 1;
    i += length;
  }
  // Shingles in a loop of their own, once the text is known to be read here: two lean loops ran faster than one.
  const candidates = shingles ? rollShingleBytes(bytes, start, encoding, shingles) : [];
  const run = inRun ? { chars: n - runStart, before: runBefore, separator } : undefined;
  const tail = inRun && n - runStart <= maxRunChars ? around.textBefore(runStart) + around.slice(runStart, n) : around.textBefore(n);
  return { chars, tail, previous, run, shingleCandidates: candidates };
}

/**
 * The decoded text around a place in the bytes, for the few runs that need it (bank-account words) and for the
 * end handed back to the string pass. A class of its own so the scan loop's locals are not captured by closures.
 */
class TextAround implements RunText {
  readonly #bytes: Uint8Array;
  readonly #start: number;
  readonly #single: number;
  readonly #utf8: boolean;
  readonly #decoder: TextDecoder;
  readonly #textBefore: string;

  constructor(bytes: Uint8Array, start: number, encoding: ByteEncodingName, textBefore: string) {
    this.#bytes = bytes;
    this.#start = start;
    this.#utf8 = encoding === 'utf-8';
    // A byte below this is a character of its own (never a trail byte) in Shift_JIS / EUC-JP.
    this.#single = encoding === 'shift_jis' ? 0x40 : 0x80;
    this.#decoder = new TextDecoder(encoding);
    this.#textBefore = textBefore;
  }

  /** The text before byte `at` (a character start), with at least `lookbehindChars` characters where there are. */
  textBefore(at: number): string {
    const bytes = this.#bytes;
    let from = at;
    while (from > this.#start) {
      from -= 1;
      const b = bytes[from]!;
      const boundary = this.#utf8 ? (b & 0xc0) !== 0x80 : b < this.#single;
      if (boundary && at - from >= 3 * lookbehindChars + 3) break;
    }
    const text = this.#decoder.decode(bytes.subarray(from, at));
    return from === this.#start ? this.#textBefore + text : text;
  }

  lookbehind(from: number): string {
    return this.textBefore(from).slice(-lookbehindChars);
  }

  slice(from: number, end: number): string {
    return Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset + from, end - from).toString('latin1');
  }
}
