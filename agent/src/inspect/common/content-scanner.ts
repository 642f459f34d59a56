import type { ContentDetector } from '@mamori/policies';
import { ruleLabel, type CompiledContentRules, type ContentFinding } from './content-rules.ts';
import type { ByteEncodingName } from './byte-codecs.ts';
import { byteKeyword, countByteKeywords, type ByteKeyword } from './byte-keywords.ts';
import { scanTextBytes } from './byte-text-pass.ts';
import { ShingleHasher, ShingleMatcher } from './fingerprint.ts';
import { foldWidths } from './fold-widths.ts';
import { NumberSet } from './number-set.ts';
import type { NumberSinks } from './number-scanner.ts';
import { TextPass } from './text-pass.ts';

/** Keyword and regex matches starting in the last `carry` characters of a window wait for the next one. */
const carry = 256;
/** Text before a window's new part, so look-behinds see what precedes it. */
const context = 32;
/** Keyword and regex windows are gathered to this size before searching (fewer regex starts). */
const windowChars = 64 * 1024;
/** Pieces shorter than this (a spreadsheet cell, a PDF line) are gathered into one string before the text pass. */
const batchChars = 64 * 1024;
/** Distinct values remembered per detector; past this the count is a lower bound. */
const maxDistinct = 100_000;

/** A keyword, found by indexOf when it has no letters that case changes, else by a case-insensitive regex. */
interface KeywordMatcher { word: string; caseless: boolean; regex: RegExp }

/**
 * Counts what the compiled rules look for in a stream of text pieces of any size, in bounded memory: one pass over
 * the text finds and classifies number runs and hashes shingles for registered documents (text-pass.ts); keywords
 * and regexes search windows of it; numbers are counted as distinct values.
 */
export class ContentScanner {
  readonly #rules: CompiledContentRules;
  readonly #distinct = new Map<ContentDetector, { size: number }>();
  readonly #pass: TextPass;
  readonly #sinks: NumberSinks;
  readonly #numberSets: NumberSet[] = [];
  readonly #matcher: ShingleMatcher | undefined;
  /** Per encoding, the keywords as bytes, or undefined when one of them cannot be searched for in bytes. */
  readonly #byteKeywords = new Map<ByteEncodingName, { rule: string; words: ByteKeyword[] }[] | undefined>();
  /** Registered documents whose shingle size is not the first one's: hashed in a pass of their own (rare). */
  readonly #otherHashers: ShingleHasher[] = [];
  readonly #occurrences = new Map<string, number>();
  readonly #shingles: { seen: Set<number>; wanted: Set<number> }[] = [];
  readonly #keywords: { rule: string; words: KeywordMatcher[] }[];
  readonly #searching: boolean;
  #batch = '';
  #pending = '';
  /** Characters of `#pending` already searched as context (the start of the next window). */
  #scannedPrefix = 0;
  #chars = 0;

  readonly #onText: ((text: string) => void) | undefined;

  /** `onText` sees every piece of text as scanned (registering a document fingerprints exactly what inspection reads). */
  constructor(rules: CompiledContentRules, onText?: (text: string) => void) {
    this.#rules = rules;
    this.#onText = onText;
    const sinks: NumberSinks = {};
    const numberSets = new Map<ContentDetector, NumberSet>();
    for (const detector of rules.detectors) {
      // My Numbers, phone numbers and postal codes come as numbers (exact below 2^53) and go to a NumberSet; card
      // numbers (up to 19 digits) and account numbers (rare) to a Set of strings.
      if (detector === 'credit_card' || detector === 'bank_account') {
        const values = new Set<string>();
        this.#distinct.set(detector, values);
        sinks[detector] = (value: string) => { if (values.size < maxDistinct) values.add(value); };
      } else {
        const values = new NumberSet(maxDistinct);
        this.#distinct.set(detector, values);
        this.#numberSets.push(values);
        numberSets.set(detector, values);
        sinks[detector] = (value: number) => values.add(value);
      }
    }
    sinks.many = (detector, values, count) => numberSets.get(detector)!.addMany(values, count);
    const fused = rules.fingerprints[0]?.shingleChars;
    const fusedWanted: { wanted: Set<number>; seen: Set<number> }[] = [];
    for (const print of rules.fingerprints) {
      const state = { wanted: new Set(print.hashes), seen: new Set<number>() };
      this.#shingles.push(state);
      if (print.shingleChars === fused) fusedWanted.push(state);
      else this.#otherHashers.push(new ShingleHasher(print.shingleChars, (hash) => { if (state.wanted.has(hash)) state.seen.add(hash); }));
    }
    this.#matcher = fused === undefined ? undefined : new ShingleMatcher(
      fused, fusedWanted.flatMap((state) => [...state.wanted]),
      (hash: number) => { for (const state of fusedWanted) if (state.wanted.has(hash)) state.seen.add(hash); },
    );
    this.#sinks = sinks;
    this.#pass = new TextPass(sinks, this.#matcher);
    this.#keywords = rules.keywords.map(({ rule, words }) => ({
      rule,
      words: words.map((word) => ({
        word, caseless: word.toUpperCase() === word.toLowerCase(),
        regex: new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu'),
      })),
    }));
    this.#searching = rules.keywords.length > 0 || rules.regexes.length > 0;
  }

  /** Characters pushed so far. */
  get chars(): number {
    return this.#chars + this.#batch.length;
  }

  push(piece: string): void {
    if (piece.length === 0) return;
    if (piece.length < batchChars) {
      this.#batch += piece;
      if (this.#batch.length >= batchChars) this.#flushBatch();
      return;
    }
    this.#flushBatch();
    this.#read(piece);
  }

  /**
   * Scans one whole text given as bytes in an ASCII-compatible encoding without decoding it (byte-text-pass.ts),
   * with the same result as decoding it and pushing the text. False when it cannot (regex rules, a keyword that
   * cannot be searched for in bytes, text the byte pass does not reproduce): then nothing was counted, and the
   * caller decodes and pushes the text instead. A keyword cut between this text and the text before or after it
   * (two files of one archive) is not counted.
   */
  pushBytes(bytes: Uint8Array, encoding: ByteEncodingName): boolean {
    if (this.#onText || this.#rules.regexes.length > 0 || this.#otherHashers.length > 0) return false;
    const keywords = this.#keywordsIn(encoding);
    if (!keywords) return false;
    this.#flushBatch();
    if (this.#pass.inRun) return false;
    const result = scanTextBytes(bytes, encoding, this.#sinks, this.#matcher, this.#pass.before, this.#reserve);
    if (!result) return false;
    for (const raw of result.shingleCandidates) this.#matcher!.check(raw);
    this.#pass.resume(result.tail, result.previous, result.run);
    this.#chars += result.chars;
    if (this.#searching) {
      this.#search(true);
      this.#pending = '';
      this.#scannedPrefix = 0;
      this.#countByteKeywords(bytes, encoding, keywords);
    }
    return true;
  }

  readonly #reserve = (runs: number): void => {
    for (const values of this.#numberSets) values.reserve(runs);
  };

  #keywordsIn(encoding: ByteEncodingName): { rule: string; words: ByteKeyword[] }[] | undefined {
    if (this.#byteKeywords.has(encoding)) return this.#byteKeywords.get(encoding);
    let compiled: { rule: string; words: ByteKeyword[] }[] | undefined = [];
    for (const { rule, words } of this.#keywords) {
      const byteWords: ByteKeyword[] = [];
      for (const { word, caseless } of words) {
        const encoded = byteKeyword(word, caseless, encoding);
        if (!encoded) { compiled = undefined; break; }
        byteWords.push(encoded);
      }
      if (!compiled) break;
      compiled.push({ rule, words: byteWords });
    }
    this.#byteKeywords.set(encoding, compiled);
    return compiled;
  }

  #countByteKeywords(bytes: Uint8Array, encoding: ByteEncodingName, keywords: { rule: string; words: ByteKeyword[] }[]): void {
    const counts = countByteKeywords(bytes, keywords.flatMap(({ words }) => words), encoding);
    let at = 0;
    for (const { rule, words } of keywords) {
      let count = 0;
      for (let k = 0; k < words.length; k += 1) count += counts[at++]!;
      if (count > 0) this.#occurrences.set(rule, (this.#occurrences.get(rule) ?? 0) + count);
    }
  }

  #flushBatch(): void {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = '';
    this.#read(batch);
  }

  #read(piece: string): void {
    const text = foldWidths(piece);
    this.#chars += text.length;
    this.#onText?.(text);
    this.#pass.push(text);
    for (const hasher of this.#otherHashers) hasher.push(text);
    if (!this.#searching) return;
    this.#pending += text;
    if (this.#pending.length - this.#scannedPrefix >= windowChars) this.#search(false);
  }

  /** Scans what is left and returns the rules whose thresholds were reached. */
  finish(): ContentFinding[] {
    this.#flushBatch();
    this.#pass.finish();
    if (this.#searching) this.#search(true);
    const findings: ContentFinding[] = [];
    for (const rule of this.#rules.rules) {
      let count = 0;
      let detector: string = rule.detector ?? '';
      if (rule.detector) count = this.#distinct.get(rule.detector)?.size ?? 0;
      else if (rule.keywords) { count = this.#occurrences.get(rule.name) ?? 0; detector = 'keywords'; }
      else if (rule.regex) { count = this.#occurrences.get(rule.name) ?? 0; detector = 'regex'; }
      else if (rule.fingerprint) {
        detector = 'fingerprint';
        this.#rules.fingerprints.forEach((print, index) => {
          if (rule.fingerprint !== 'any' && rule.fingerprint !== print.name) return;
          const state = this.#shingles[index]!;
          const overlap = state.wanted.size > 0 ? state.seen.size / state.wanted.size : 0;
          if (overlap >= print.minOverlap) {
            findings.push({
              rule: rule.name, detector, count: Math.round(overlap * 100), severity: rule.severity, mailAction: rule.mail,
              label: { en: `${ruleLabel(rule, this.#rules).en}: ${print.label.en}`, ja: `${ruleLabel(rule, this.#rules).ja}：${print.label.ja}` },
            });
          }
        });
        continue;
      }
      if (count >= rule.min_count) {
        findings.push({ rule: rule.name, detector, count, severity: rule.severity, mailAction: rule.mail, label: ruleLabel(rule, this.#rules) });
      }
    }
    // Counted: the sets' tables go back for the next inspection (number-set.ts: fresh memory is what adding cost).
    for (const values of this.#numberSets) values.release();
    return findings;
  }

  /**
   * Searches the window of `#pending` after its already-searched prefix for keywords and regexes. Matches starting
   * in the last `carry` characters wait for the next window (unless this is the end), which starts `context`
   * characters earlier.
   */
  #search(final: boolean): void {
    const text = this.#pending;
    const from = this.#scannedPrefix;
    const until = final ? text.length : text.length - carry;
    if (until <= from) return;
    for (const { rule, words } of this.#keywords) {
      let count = 0;
      for (const { word, caseless, regex } of words) {
        if (caseless) {
          for (let at = text.indexOf(word, from); at !== -1 && at < until; at = text.indexOf(word, at + word.length)) count += 1;
        } else {
          regex.lastIndex = from;
          for (let m = regex.exec(text); m && m.index < until; m = regex.exec(text)) count += 1;
        }
      }
      if (count > 0) this.#occurrences.set(rule, (this.#occurrences.get(rule) ?? 0) + count);
    }
    for (const { rule, regex } of this.#rules.regexes) {
      let count = 0;
      regex.lastIndex = 0;
      for (let m = regex.exec(text); m; m = regex.exec(text)) {
        if (m[0].length === 0) regex.lastIndex += 1;
        if (m.index >= until) break;
        if (m.index >= from) count += 1;
      }
      if (count > 0) this.#occurrences.set(rule, (this.#occurrences.get(rule) ?? 0) + count);
    }
    const keepFrom = Math.max(0, until - context);
    this.#pending = text.slice(keepFrom);
    this.#scannedPrefix = until - keepFrom;
  }
}
