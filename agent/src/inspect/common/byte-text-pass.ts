/**
 * The text pass (text-pass.ts) over the raw bytes of UTF-8, Shift_JIS or EUC-JP text, without decoding it: in
 * these encodings the bytes of digits, spaces and hyphens (0x20, 0x2D, 0x30–0x39) never occur inside a multibyte
 * character, so runs of digits are found on the bytes and classified once the text is read, and only the few
 * characters before a seven-digit run (the bank-account words) are decoded. One loop per kind of encoding, in
 * WebAssembly (wasm/scan-kernel.c), reads each character once — a table lookup per Shift_JIS / EUC-JP pair
 * (byte-shingles.ts), UTF-8's bit layout after Node's native validation — and does everything with it: the digit
 * runs, and the shingles of registered documents. Runs are noted (two offsets) and classified after it, here in
 * JavaScript, which also means nothing is reported from a text the pass then gives up (no staging of numbers).
 *
 * The result must be exactly what decoding and the string pass would give. Where the bytes hold something this
 * pass does not reproduce — an invalid or incomplete sequence (TextDecoder would put U+FFFD), a character outside
 * the BMP, or a full-width or half-width form that the string path folds (fold-widths.ts) — it gives up
 * (`undefined`) before anything is reported or any state changed, and the caller decodes the text instead.
 */
import { isUtf8 } from 'node:buffer';
import { pairTable, type ByteEncodingName } from './byte-codecs.ts';
import { asciiCodes, bmpCodeTable, pairCodeTable } from './byte-shingles.ts';
import type { ShingleMatcher } from './fingerprint.ts';
import { kernelBlockBytes, kernelDetector, kernelMaxShingle, scanKernel, slot } from '../wasm/scan-kernel.ts';
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
 * The run list of the last text, reused by the next (the pass is synchronous, so one at a time): fresh memory is
 * slow to fault in on this project's machines (number-set.ts), and a 6.8 MB CSV's runs take 2 MB. Kept up to 8 MB.
 */
let spareRuns: Int32Array = new Int32Array(4096);
/** The same for the numbers the kernel classified, one list per detector (`foundDetectors` order). */
const spareFound: Float64Array[] = [new Float64Array(4096), new Float64Array(4096), new Float64Array(4096)];
/** The detectors the kernel classifies numbers for, with their `kernelDetector` bits: index k is bit 1 << k. */
const foundDetectors = ['my_number', 'phone', 'postal_code'] as const;
const spareRunInts = 2 * 1024 * 1024;

/**
 * The scan's state, in and out: written back only when the text stands. The shingle ring is a copy, so a pass that
 * gives up leaves the matcher as it was.
 */
class PassState {
  chars = 0;
  inRun = false;
  runStart = 0;
  separator = 0;
  /** Runs of at least seven characters that ended, as [start, end) byte offsets in pairs; `runInts` used. */
  runs: Int32Array = spareRuns;
  runInts = 0;
  /** Numbers the kernel classified itself, per detector (`foundDetectors`); `foundCounts` used. */
  found: Float64Array[] = spareFound.slice();
  readonly foundCounts = [0, 0, 0];
  /** Detectors the kernel reports for (`kernelDetector` bits), from the sinks. */
  readonly detectors: number;
  readonly rolling: boolean;
  readonly filter: Int32Array;
  readonly window: Int32Array;
  readonly size: number;
  readonly power: number;
  hash: number;
  filled: number;
  at: number;
  readonly candidates: number[] = [];
  /**
   * Known character starts, one per kernel block (Shift_JIS / EUC-JP), for TextAround: there a character start is
   * known only by reading from one, so text with no single-byte character for a long way (prose) is never walked
   * back to its beginning.
   */
  readonly checkpoints: number[] = [];

  constructor(shingles: ShingleMatcher | undefined, sinks: NumberSinks) {
    this.detectors = (sinks.my_number ? kernelDetector.my_number : 0) | (sinks.phone ? kernelDetector.phone : 0)
      | (sinks.postal_code ? kernelDetector.postal_code : 0) | (sinks.bank_account ? kernelDetector.bank_account : 0);
    this.rolling = shingles !== undefined;
    this.filter = shingles?.filter ?? new Int32Array(2048);
    this.window = shingles ? shingles.state.window.slice() : new Int32Array(1);
    this.size = shingles?.state.size ?? 1;
    this.power = shingles?.state.power ?? 1;
    this.hash = shingles?.state.hash ?? 0;
    this.filled = shingles?.state.filled ?? 0;
    this.at = shingles?.state.at ?? 0;
  }

  /** What the scan ends with. */
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
  const state = new PassState(shingles, sinks);
  const stands = scanBlocks(bytes, start, encoding, state);
  if (!stands) return undefined;
  state.commitShingles(shingles);

  const around = new TextAround(bytes, start, encoding, before.text, state.checkpoints);
  // How many runs are about to be classified is known now: the sinks' sets make room once.
  reserve?.(state.runInts / 2 + state.foundCounts[0]! + state.foundCounts[1]! + state.foundCounts[2]!);
  reportFound(state.found, state.foundCounts, sinks);
  classifyRuns(bytes, start, before.previous, state.runs, state.runInts, sinks, around);
  if (state.runs.length <= spareRunInts) spareRuns = state.runs;
  state.found.forEach((list, k) => { if (list.length <= spareRunInts) spareFound[k] = list; });
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

/**
 * The numbers the kernel classified (runs of at most 12 digits that cannot be anything else), to their sinks: each
 * detector's list at once where the sinks take many (`NumberSinks.many`), in the order found.
 */
function reportFound(found: readonly Float64Array[], counts: readonly number[], sinks: NumberSinks): void {
  foundDetectors.forEach((detector, k) => {
    const values = found[k]!;
    const count = counts[k]!;
    if (count === 0) return;
    if (sinks.many) return sinks.many(detector, values, count);
    const sink = sinks[detector]!;
    for (let i = 0; i < count; i += 1) sink(values[i]!);
  });
}

function classifyRuns(bytes: Uint8Array, start: number, previous: number, runs: Int32Array, runInts: number, sinks: NumberSinks, around: TextAround): void {
  for (let k = 0; k < runInts; k += 2) {
    const runStart = runs[k]!;
    classifyRunBytes(bytes, runStart, runs[k + 1]!, characterBefore(bytes, runStart, start, previous), sinks, around);
  }
}

/**
 * Reads the text from `from` with the WebAssembly kernel (wasm/scan-kernel.c), one block at a time: the digit runs
 * and the shingles, exactly as TextPass finds them; false (state untouched) where it must give up. Shift_JIS or
 * EUC-JP: an ASCII byte is a character, any other starts a pair (`pairCodeTable`), or the pass gives up; a block's
 * start is a known character start (`checkpoints`). UTF-8, already validated (isUtf8): a character is 1–3 bytes by
 * its lead byte; four (outside the BMP) gives up, as does a full-width or half-width form (`bmpCodeTable`). The
 * same loops in JavaScript took 5–7 ns a byte (see the README's bench:inspect row).
 */
function scanBlocks(bytes: Uint8Array, from: number, encoding: ByteEncodingName, state: PassState): boolean {
  if (state.size > kernelMaxShingle) return false;
  const kernel = scanKernel();
  const pairs = encoding !== 'utf-8';
  kernel.useCodes(pairs ? pairCodeTable(encoding) : bmpCodeTable());
  const { input, state: slots } = kernel;
  kernel.asciiCodes.set(asciiCodes);
  slots[slot.hash] = state.hash;
  slots[slot.filled] = state.filled;
  slots[slot.at] = state.at;
  slots[slot.inRun] = 0;
  slots[slot.runStart] = 0;
  slots[slot.separator] = 0;
  slots[slot.size] = state.size;
  slots[slot.power] = state.power;
  slots[slot.rolling] = state.rolling ? 1 : 0;
  slots[slot.detectors] = state.detectors;
  if (state.rolling) {
    kernel.ring.set(state.window);
    kernel.filter.set(state.filter);
  }
  // A character starting before a block's end may read this many bytes past it.
  const over = pairs ? 1 : 2;
  const n = bytes.length;
  let { runs } = state;
  const { found, foundCounts } = state;
  let runInts = 0;
  let chars = 0;
  let i = from;
  while (i < n) {
    if (pairs) state.checkpoints.push(i);
    const limit = Math.min(n, i + kernelBlockBytes);
    const available = Math.min(n, limit + over);
    input.set(bytes.subarray(i, available));
    const read = pairs ? kernel.scanPairs(i, limit - i, available - i) : kernel.scanUtf8(i, limit - i);
    if (!read) return false;
    const ints = slots[slot.runs]!;
    if (runInts + ints > runs.length) {
      const bigger = new Int32Array(Math.max(runs.length * 2, runInts + ints));
      bigger.set(runs.subarray(0, runInts));
      runs = bigger;
    }
    runs.set(kernel.runs.subarray(0, ints), runInts);
    runInts += ints;
    const numbers = slots[slot.found]!;
    for (let k = 0; k < foundDetectors.length; k += 1) {
      if (foundCounts[k]! + numbers > found[k]!.length) {
        const bigger = new Float64Array(Math.max(found[k]!.length * 2, foundCounts[k]! + numbers));
        bigger.set(found[k]!.subarray(0, foundCounts[k]));
        found[k] = bigger;
      }
    }
    const { foundKinds, foundValues } = kernel;
    for (let k = 0; k < numbers; k += 1) {
      // A kernelDetector bit 1, 2 or 4: list 0, 1 or 2.
      const list = foundKinds[k]! >> 1;
      found[list]![foundCounts[list]!] = foundValues[k]!;
      foundCounts[list] = foundCounts[list]! + 1;
    }
    const candidates = slots[slot.candidates]!;
    for (let k = 0; k < candidates; k += 1) state.candidates.push(kernel.candidates[k]!);
    chars += slots[slot.chars]!;
    i += slots[slot.end]!;
  }
  if (state.rolling) state.window.set(kernel.ring.subarray(0, state.size));
  state.save(chars, slots[slot.inRun] !== 0, slots[slot.runStart]!, slots[slot.separator]!, runs, runInts, slots[slot.hash]!, slots[slot.filled]!, slots[slot.at]!);
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
