/**
 * The text pass (text-pass.ts) over the raw bytes of UTF-8, Shift_JIS or EUC-JP text, without decoding it: in
 * these encodings the bytes of digits, spaces and hyphens (0x20, 0x2D, 0x30–0x39) never occur inside a multibyte
 * character, so runs of digits are found on the bytes and classified once the text is read, and only the few
 * characters before a seven-digit run (the bank-account words) are decoded. One loop per kind of encoding reads each
 * character once — a table lookup per Shift_JIS / EUC-JP pair (byte-shingles.ts), UTF-8's bit layout after Node's
 * native validation — and does everything with it: the digit runs, and the shingles of registered documents. The
 * loop calls nothing: runs are noted (two offsets) and classified after it, which also means nothing is reported
 * from a text the pass then gives up (no staging of numbers), and the JIT keeps the loop's state in registers
 * (a call to the classifier inside it made the same loop run at 40 or 70 ms for 6.8 MB, from one process to the next).
 *
 * The result must be exactly what decoding and the string pass would give. Where the bytes hold something this
 * pass does not reproduce — an invalid or incomplete sequence (TextDecoder would put U+FFFD), a character outside
 * the BMP, or a full-width or half-width form that the string path folds (fold-widths.ts) — it gives up
 * (`undefined`) before anything is reported or any state changed, and the caller decodes the text instead.
 */
import { isUtf8 } from 'node:buffer';
import { pairTable, type ByteEncodingName } from './byte-codecs.ts';
import { asciiCodes, giveUp, isFoldedForm, pairCodeTable } from './byte-shingles.ts';
import { shingleBase, shingleCode, type ShingleMatcher } from './fingerprint.ts';
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

/**
 * In Shift_JIS and EUC-JP a character start is known only by reading from one: the pair loop notes one this often,
 * so text with no single-byte character for a long way (prose) is never walked back to its beginning.
 */
const checkpointBytes = 65_536;

/**
 * The loops' state, in and out: they work on locals and write back only when the text stands. The shingle ring is
 * a copy, so a pass that gives up leaves the matcher as it was.
 */
class PassState {
  chars = 0;
  inRun = false;
  runStart = 0;
  separator = 0;
  /** Runs of at least seven characters that ended, as [start, end) byte offsets in pairs; `runInts` used. */
  runs: Int32Array = new Int32Array(4096);
  runInts = 0;
  readonly rolling: boolean;
  readonly filter: Int32Array;
  readonly window: Int32Array;
  readonly size: number;
  readonly power: number;
  hash: number;
  filled: number;
  at: number;
  readonly candidates: number[] = [];
  /** Known character starts, one per `checkpointBytes` or so (Shift_JIS / EUC-JP), for TextAround. */
  readonly checkpoints: number[] = [];

  constructor(shingles: ShingleMatcher | undefined) {
    this.rolling = shingles !== undefined;
    this.filter = shingles?.filter ?? new Int32Array(2048);
    this.window = shingles ? shingles.state.window.slice() : new Int32Array(1);
    this.size = shingles?.state.size ?? 1;
    this.power = shingles?.state.power ?? 1;
    this.hash = shingles?.state.hash ?? 0;
    this.filled = shingles?.state.filled ?? 0;
    this.at = shingles?.state.at ?? 0;
  }

  /** What a loop ends with (it kept it in locals). */
  save(chars: number, inRun: boolean, runStart: number, separator: number, runs: Int32Array, runInts: number, hash: number, filled: number, at: number): void {
    this.chars = chars;
    this.inRun = inRun;
    this.runStart = runStart;
    this.separator = separator;
    this.runs = runs;
    this.runInts = runInts;
    this.hash = hash;
    this.filled = filled;
    this.at = at;
  }

  /** The rolling state handed back to the matcher (the string pass goes on from it). */
  commitShingles(shingles: ShingleMatcher | undefined): void {
    if (!shingles) return;
    shingles.state.window.set(this.window);
    shingles.state.hash = this.hash;
    shingles.state.filled = this.filled;
    shingles.state.at = this.at;
  }
}

function grown(runs: Int32Array): Int32Array {
  const bigger = new Int32Array(runs.length * 2);
  bigger.set(runs);
  return bigger;
}

/**
 * Scans `bytes` (one whole text) into `sinks`; `reserve` is told how many runs are coming before they are
 * classified. `shingles`' state is advanced only when the pass stands; its candidates are returned for the caller
 * to check. `before` is the text so far: its last character and its end
 * (for look-behinds at the very start); no run may be open at its end.
 */
export function scanTextBytes(
  bytes: Uint8Array, encoding: ByteEncodingName, sinks: NumberSinks, shingles: ShingleMatcher | undefined,
  before: { previous: number; text: string }, reserve?: (runs: number) => void,
): BytePassResult | undefined {
  const n = bytes.length;
  // TextDecoder drops a UTF-8 byte-order mark (ignoreBOM: false).
  const start = encoding === 'utf-8' && n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (encoding === 'utf-8' && !isUtf8(bytes)) return undefined;
  const state = new PassState(shingles);
  const stands = encoding === 'utf-8' ? scanUtf8(bytes, start, state) : scanPairs(bytes, start, pairCodeTable(encoding), state);
  if (!stands) return undefined;
  state.commitShingles(shingles);

  const around = new TextAround(bytes, start, encoding, before.text, state.checkpoints);
  // How many runs are about to be classified is known now: the sinks' sets make room once.
  reserve?.(state.runInts / 2);
  classifyRuns(bytes, start, before.previous, state.runs, state.runInts, sinks, around);
  const { inRun, runStart, separator } = state;
  const previous = n > start ? bytes[n - 1]! : before.previous;
  const run = inRun ? { chars: n - runStart, before: characterBefore(bytes, runStart, start, before.previous), separator } : undefined;
  const tail = inRun && n - runStart <= maxRunChars ? around.textBefore(runStart) + around.slice(runStart, n) : around.textBefore(n);
  return { chars: state.chars, tail, previous, run, shingleCandidates: state.candidates };
}

/**
 * The character before the run starting at `at`: only whether it is a digit or hyphen matters, and those are single
 * bytes in these encodings (no trail byte is one), so the byte before tells.
 */
function characterBefore(bytes: Uint8Array, at: number, start: number, previous: number): number {
  return at === start ? previous : bytes[at - 1]!;
}

function classifyRuns(bytes: Uint8Array, start: number, previous: number, runs: Int32Array, runInts: number, sinks: NumberSinks, around: TextAround): void {
  for (let k = 0; k < runInts; k += 2) {
    const runStart = runs[k]!;
    classifyRunBytes(bytes, runStart, runs[k + 1]!, characterBefore(bytes, runStart, start, previous), sinks, around);
  }
}

/**
 * Shift_JIS or EUC-JP: an ASCII byte is a character; any other starts a pair (`codes`), or the pass gives up.
 * Text alternates between stretches of ASCII (numbers, commas, line ends) and of pairs (names, addresses), so each
 * kind of stretch has a loop of its own: an ASCII byte is never looked up as a possible pair, a pair never goes
 * through the digit-run logic (it only ends a run), and the loop is left once per stretch rather than taking a
 * different branch per character (the 6.8 MB Shift_JIS list of 120,000 residents: 112 → 85 ms of CPU, old and new
 * code alternating in one process, best of 6, in the bench cgroup).
 */
function scanPairs(bytes: Uint8Array, from: number, codes: Int32Array, state: PassState): boolean {
  const n = bytes.length;
  const { rolling, filter, window, size, power, candidates } = state;
  let { hash, filled, at, runs } = state;
  let runInts = 0;
  let chars = 0;
  let inRun = false;
  let runStart = 0;
  let separator = 0;
  const checkpoints = state.checkpoints;
  checkpoints.push(from);
  let i = from;
  while (i < n) {
    if (i > from) checkpoints.push(i);
    const blockEnd = Math.min(n, i + checkpointBytes);
    while (i < blockEnd) {
      let b = bytes[i]!;
      if (b < 0x80) {
        const stretchFrom = i;
        for (;;) {
          // Digit runs, exactly as TextPass (positions are byte offsets; a run's characters are single bytes).
          if (b >= 48 && b <= 57) {
            if (!inRun) {
              inRun = true;
              runStart = i;
            }
            separator = 0;
          } else if (inRun) {
            if (separator === 0 && (b === 32 || b === 45)) {
              separator = b;
            } else {
              const end = separator !== 0 ? i - 1 : i;
              if (end - runStart >= 7) {
                if (runInts === runs.length) runs = grown(runs);
                runs[runInts] = runStart;
                runs[runInts + 1] = end;
                runInts += 2;
              }
              inRun = false;
              separator = 0;
            }
          }
          const code = asciiCodes[b]!;
          if (rolling && code >= 0) {
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
          i += 1;
          if (i >= blockEnd) break;
          b = bytes[i]!;
          if (b >= 0x80) break;
        }
        chars += i - stretchFrom;
      } else {
        // A character of two bytes is neither a digit nor a separator: it ends an open run.
        if (inRun) {
          const end = separator !== 0 ? i - 1 : i;
          if (end - runStart >= 7) {
            if (runInts === runs.length) runs = grown(runs);
            runs[runInts] = runStart;
            runs[runInts + 1] = end;
            runInts += 2;
          }
          inRun = false;
          separator = 0;
        }
        for (;;) {
          // The last byte cannot start a pair.
          if (i + 1 >= n) return false;
          const code = codes[(b << 8) | bytes[i + 1]!]!;
          if (code === giveUp) return false;
          chars += 1;
          if (rolling && code >= 0) {
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
          i += 2;
          if (i >= blockEnd) break;
          b = bytes[i]!;
          if (b < 0x80) break;
        }
      }
    }
  }
  state.save(chars, inRun, runStart, separator, runs, runInts, hash, filled, at);
  return true;
}

/**
 * UTF-8, already validated (isUtf8): a character is 1–3 bytes by its lead byte; four (outside the BMP) gives up,
 * as does a full-width or half-width form. ASCII and multibyte stretches have loops of their own, as in scanPairs.
 * The ASCII stretch loop is written out again here rather than shared with scanPairs on purpose: its state (rolling
 * hash, window position, run bounds) lives in locals of this function, and a shared helper would have to hand them
 * back and forth once per stretch. That choice was not measured against a shared helper; a change to one loop must
 * be made to both (the tests compare both encodings' findings with the decoded-text pass).
 */
function scanUtf8(bytes: Uint8Array, from: number, state: PassState): boolean {
  const n = bytes.length;
  const { rolling, filter, window, size, power, candidates } = state;
  let { hash, filled, at, runs } = state;
  let runInts = 0;
  let chars = 0;
  let inRun = false;
  let runStart = 0;
  let separator = 0;
  let i = from;
  while (i < n) {
    let b = bytes[i]!;
    if (b < 0x80) {
      const stretchFrom = i;
      for (;;) {
        // Digit runs, exactly as TextPass (positions are byte offsets; a run's characters are single bytes).
        if (b >= 48 && b <= 57) {
          if (!inRun) {
            inRun = true;
            runStart = i;
          }
          separator = 0;
        } else if (inRun) {
          if (separator === 0 && (b === 32 || b === 45)) {
            separator = b;
          } else {
            const end = separator !== 0 ? i - 1 : i;
            if (end - runStart >= 7) {
              if (runInts === runs.length) runs = grown(runs);
              runs[runInts] = runStart;
              runs[runInts + 1] = end;
              runInts += 2;
            }
            inRun = false;
            separator = 0;
          }
        }
        const code = asciiCodes[b]!;
        if (rolling && code >= 0) {
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
        i += 1;
        if (i >= n) break;
        b = bytes[i]!;
        if (b >= 0x80) break;
      }
      chars += i - stretchFrom;
    } else {
      // A multibyte character is neither a digit nor a separator: it ends an open run.
      if (inRun) {
        const end = separator !== 0 ? i - 1 : i;
        if (end - runStart >= 7) {
          if (runInts === runs.length) runs = grown(runs);
          runs[runInts] = runStart;
          runs[runInts + 1] = end;
          runInts += 2;
        }
        inRun = false;
        separator = 0;
      }
      for (;;) {
        let code: number;
        if (b < 0xe0) {
          code = shingleCode(((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
          i += 2;
        } else if (b < 0xf0) {
          const char = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
          if (isFoldedForm(char)) return false;
          code = shingleCode(char);
          i += 3;
        } else {
          return false;
        }
        chars += 1;
        if (rolling && code >= 0) {
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
        if (i >= n) break;
        b = bytes[i]!;
        if (b < 0x80) break;
      }
    }
  }
  state.save(chars, inRun, runStart, separator, runs, runInts, hash, filled, at);
  return true;
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
  /** Shift_JIS / EUC-JP: the pair table (byte-codecs.ts); undefined for UTF-8. */
  readonly #pairs: Uint16Array | undefined;
  readonly #textBefore: string;
  readonly #checkpoints: readonly number[];

  constructor(bytes: Uint8Array, start: number, encoding: ByteEncodingName, textBefore: string, checkpoints: readonly number[]) {
    this.#bytes = bytes;
    this.#start = start;
    this.#utf8 = encoding === 'utf-8';
    // A byte below this is a character of its own (never a trail byte) in Shift_JIS / EUC-JP.
    this.#single = encoding === 'shift_jis' ? 0x40 : 0x80;
    this.#pairs = encoding === 'utf-8' ? undefined : pairTable(encoding);
    this.#textBefore = textBefore;
    this.#checkpoints = checkpoints;
  }

  /** The text before byte `at` (a character start), with at least `lookbehindChars` characters where there are. */
  textBefore(at: number): string {
    const from = this.#charStartBefore(at, 3 * lookbehindChars + 3);
    const text = this.#decode(from, at);
    return from === this.#start ? this.#textBefore + text : text;
  }

  /**
   * The characters of bytes [from, at), which the scan has read without giving up: UTF-8 by Buffer (native), pairs
   * from the table TextDecoder filled — a TextDecoder call per file end and per account-number candidate cost an
   * eighth of a small CSV's inspection.
   */
  #decode(from: number, at: number): string {
    const bytes = this.#bytes;
    const pairs = this.#pairs;
    if (!pairs) return Buffer.from(bytes.buffer, bytes.byteOffset + from, at - from).toString('utf8');
    let text = '';
    for (let i = from; i < at;) {
      const b = bytes[i]!;
      if (b < 0x80) {
        text += String.fromCharCode(b);
        i += 1;
      } else {
        text += String.fromCharCode(pairs[(b << 8) | bytes[i + 1]!]!);
        i += 2;
      }
    }
    return text;
  }

  /** A character start at least `distance` bytes before `at` (or the start): near, or read forward from a checkpoint. */
  #charStartBefore(at: number, distance: number): number {
    const bytes = this.#bytes;
    const floor = Math.max(this.#start, at - distance - 256);
    for (let from = at - distance; from > floor; from -= 1) {
      const b = bytes[from]!;
      if (this.#utf8 ? (b & 0xc0) !== 0x80 : b < this.#single) return from;
    }
    if (at - distance <= this.#start || this.#utf8) return this.#start;
    let k = this.#checkpoints.length - 1;
    while (k > 0 && this.#checkpoints[k]! > at - distance) k -= 1;
    let from = this.#checkpoints[k] ?? this.#start;
    for (let next = from; next <= at - distance; next += bytes[next]! < 0x80 ? 1 : 2) from = next;
    return from;
  }

  lookbehind(from: number): string {
    return this.textBefore(from).slice(-lookbehindChars);
  }

  slice(from: number, end: number): string {
    return Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset + from, end - from).toString('latin1');
  }
}
