/**
 * One loop over every character of the inspected text, streaming across pieces of any size: finds the runs of
 * digits for the number detectors (number-scanner.ts classifies them) and rolls the shingle hash of registered
 * documents (fingerprint.ts defines it). The text is the cost centre of inspection — a 10 MB CSV is ten million
 * characters — so this is one pass, with locals only in the loop, and no string made per character or per run.
 *
 * A run can cross a piece boundary: the pass keeps the run so far and the characters before it (`#head`), and a run
 * is classified once it ends, whatever the piece sizes were.
 */
import { shingleBase, shingleSampleMask } from './fingerprint.ts';
import { classifyRun, lookbehindChars, maxRunChars, type NumberSinks } from './number-scanner.ts';

/** Registered-document hashing for one shingle size; `onHash` gets each sampled hash that may be wanted. */
export interface ShingleStream {
  shingleChars: number;
  /** Sampled hashes (as the registered fingerprints hold them) that the filter lets through. */
  onHash: (hash: number) => void;
  /** A 65,536-bit filter over bits 3–18 of the wanted hashes: most sampled hashes are rejected without a call. */
  filter: Int32Array;
}

/** The filter for `ShingleStream` from the hashes wanted. */
export function shingleFilter(hashes: Iterable<number>): Int32Array {
  const filter = new Int32Array(2048);
  for (const hash of hashes) {
    const bit = (hash >>> 3) & 0xffff;
    filter[bit >>> 5]! |= 1 << (bit & 31);
  }
  return filter;
}

export class TextPass {
  readonly #sinks: NumberSinks;
  readonly #numbers: boolean;
  readonly #shingles: ShingleStream | undefined;
  // Digit runs. Positions are relative to the piece being read; a run that began in an earlier piece has a
  // negative start, and #head holds its text (and the characters before it) at the end of the previous piece.
  #head = '';
  #inRun = false;
  #runStart = 0;
  /** The character before the run. */
  #before = 0;
  /** A space or hyphen just read after a digit: the run goes on only if a digit follows. */
  #separator = 0;
  #previous = 0;
  // Shingle hashing (see ShingleHasher): polynomial hash over a ring of the last `shingleChars` characters.
  readonly #window: Int32Array;
  readonly #power: number;
  #filled = 0;
  #at = 0;
  #hash = 0;

  constructor(sinks: NumberSinks, shingles?: ShingleStream) {
    this.#sinks = sinks;
    this.#numbers = Object.values(sinks).some(Boolean);
    this.#shingles = shingles;
    const size = shingles?.shingleChars ?? 1;
    this.#window = new Int32Array(size);
    let power = 1;
    for (let i = 1; i < size; i += 1) power = Math.imul(power, shingleBase);
    this.#power = power;
  }

  push(text: string): void {
    const length = text.length;
    if (length === 0) return;
    const numbers = this.#numbers;
    const shingles = this.#shingles;
    const hashing = shingles !== undefined;
    const size = shingles?.shingleChars ?? 1;
    const filter = shingles?.filter;
    const window = this.#window;
    const power = this.#power;
    let hash = this.#hash;
    let filled = this.#filled;
    let at = this.#at;
    let inRun = this.#inRun;
    let runStart = this.#runStart;
    let before = this.#before;
    let separator = this.#separator;
    let previous = this.#previous;
    for (let i = 0; i < length; i += 1) {
      const c = text.charCodeAt(i);
      if (numbers) {
        if (c >= 48 && c <= 57) {
          if (!inRun) {
            inRun = true;
            runStart = i;
            before = previous;
          }
          separator = 0;
        } else if (inRun) {
          if (separator !== 0 || (c !== 32 && c !== 45)) {
            const end = separator !== 0 ? i - 1 : i;
            if (end - runStart >= 7) this.#classify(text, runStart, end, before);
            inRun = false;
            separator = 0;
          } else {
            separator = c;
          }
        }
        previous = c;
      }
      if (hashing) {
        let code = c;
        if (code < 0xc0) {
          if (code >= 65 && code <= 90) code += 32;
          else if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 122))) continue;
        } else if (code === 0xd7 || code === 0xf7 || (code >= 0x2000 && code <= 0x303f) || (code >= 0xff00 && code <= 0xff0f)) {
          continue;
        }
        if (filled === size) hash = (hash - Math.imul(window[at]!, power)) | 0;
        else filled += 1;
        hash = (Math.imul(hash, shingleBase) + code) | 0;
        window[at] = code;
        at += 1;
        if (at === size) at = 0;
        if (filled === size) {
          // murmur3's finaliser, inlined (as in ShingleHasher).
          let h = hash ^ (hash >>> 16);
          h = Math.imul(h, 0x85ebca6b);
          h ^= h >>> 13;
          h = Math.imul(h, 0xc2b2ae35);
          h ^= h >>> 16;
          if ((h & shingleSampleMask) === 0) {
            const bit = (h >>> 3) & 0xffff;
            if ((filter![bit >>> 5]! & (1 << (bit & 31))) !== 0) shingles.onHash(h >>> 0);
          }
        }
      }
    }
    this.#hash = hash;
    this.#filled = filled;
    this.#at = at;
    this.#before = before;
    this.#separator = separator;
    this.#previous = previous;
    this.#inRun = inRun;
    if (!numbers) return;
    // Keep what the next piece may need: the run in progress (unless it is already too long to be a number) and the
    // characters before it, or the last characters for the look-behind of a run starting right at the next piece.
    let keepFrom = inRun && length - runStart <= maxRunChars ? runStart - lookbehindChars : length - lookbehindChars;
    keepFrom = Math.max(keepFrom, -this.#head.length);
    this.#head = keepFrom >= 0 ? text.slice(keepFrom) : this.#head.slice(this.#head.length + keepFrom) + text;
    // A run too long to keep is marked so that it is skipped when it ends.
    this.#runStart = inRun ? (length - runStart <= maxRunChars ? runStart - length : -2 * maxRunChars) : 0;
  }

  /** Ends the text: a run reaching the very end is classified. */
  finish(): void {
    if (this.#inRun) {
      const end = this.#separator !== 0 ? -1 : 0;
      if (end - this.#runStart >= 7) this.#classify('', this.#runStart, end, this.#before);
      this.#inRun = false;
    }
  }

  /** Classifies the run [start, end) of `text`, reaching into #head for what lies before the piece. */
  #classify(text: string, start: number, end: number, before: number): void {
    if (end - start > maxRunChars) return;
    if (start >= lookbehindChars) {
      classifyRun(text, start, end, before, this.#sinks);
      return;
    }
    const head = this.#head;
    const joined = end <= 0 ? head.slice(0, head.length + end) : head + text.slice(0, end);
    classifyRun(joined, head.length + start, head.length + end, before, this.#sinks);
  }
}
