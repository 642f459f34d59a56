/**
 * One loop over every character of the inspected text, streaming across pieces of any size: finds the runs of
 * digits for the number detectors (number-scanner.ts classifies them); registered documents' shingles are rolled
 * by fingerprint.ts's ShingleMatcher over the same pieces. The text is the cost centre of inspection — a 10 MB CSV
 * is ten million characters — so the loop has locals only, and no string is made per character or per run.
 * Text in ASCII-compatible encodings usually skips this and is read as bytes (byte-text-pass.ts), which then
 * hands its state back here (`resume`).
 *
 * A run can cross a piece boundary: the pass keeps the run so far and the characters before it (`#head`), and a run
 * is classified once it ends, whatever the piece sizes were.
 */
import type { ShingleMatcher } from './fingerprint.ts';
import { classifyRun, lookbehindChars, maxRunChars, type NumberSinks } from './number-scanner.ts';

export class TextPass {
  readonly #sinks: NumberSinks;
  readonly #numbers: boolean;
  readonly #shingles: ShingleMatcher | undefined;
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

  constructor(sinks: NumberSinks, shingles?: ShingleMatcher) {
    this.#sinks = sinks;
    this.#numbers = Object.values(sinks).some(Boolean);
    this.#shingles = shingles;
  }

  /** Whether a run of digits is open at the end of the text so far (the byte scanner starts only where none is). */
  get inRun(): boolean {
    return this.#inRun;
  }

  /** The last character so far (only its being a digit or hyphen matters), and the text before (≥ lookbehindChars). */
  get before(): { previous: number; text: string } {
    return { previous: this.#previous, text: this.#head };
  }

  /**
   * Continues after text read elsewhere (the byte scanner): `tail` is its end — at least `lookbehindChars`
   * characters before any open run, then the open run's characters (`run.chars` of them, `run.chars` > maxRunChars
   * for one too long to keep).
   */
  resume(tail: string, previous: number, run?: { chars: number; before: number; separator: number }): void {
    this.#previous = previous;
    this.#inRun = run !== undefined;
    this.#separator = run?.separator ?? 0;
    this.#before = run?.before ?? 0;
    if (run && run.chars <= maxRunChars) {
      this.#head = tail;
      this.#runStart = -run.chars;
    } else {
      this.#head = tail.slice(-lookbehindChars);
      this.#runStart = run ? -2 * maxRunChars : 0;
    }
  }

  push(text: string): void {
    const length = text.length;
    if (length === 0) return;
    this.#shingles?.push(text);
    if (!this.#numbers) return;
    let inRun = this.#inRun;
    let runStart = this.#runStart;
    let before = this.#before;
    let separator = this.#separator;
    let previous = this.#previous;
    for (let i = 0; i < length; i += 1) {
      const c = text.charCodeAt(i);
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
    this.#before = before;
    this.#separator = separator;
    this.#previous = previous;
    this.#inRun = inRun;
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
