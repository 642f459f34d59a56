import type { ContentDetector } from '@mamori/policies';
import { ruleLabel, type CompiledContentRules, type ContentFinding } from './content-rules.ts';
import { ShingleHasher } from './fingerprint.ts';
import { NumberSet } from './number-set.ts';
import { scanNumbers, type NumberSinks } from './number-scanner.ts';

/** Scanned text is held back this long at each piece's end, so a number split across pieces is seen whole. */
const carry = 256;
/** Text before a window's new part, so look-behinds see what precedes it. */
const context = 32;
/** Pieces are gathered to this size before scanning (fewer regex starts). */
const windowChars = 64 * 1024;
/** Distinct values remembered per detector; past this the count is a lower bound. */
const maxDistinct = 100_000;

/** Full-width ASCII (ＡＢ１２－) and half-width katakana: the only text NFKC changes for our detectors. */
const needsFolding = /[\uff01-\uff5e\uff61-\uff9f]/;

/**
 * Counts what the compiled rules look for in a stream of text pieces of any size, in bounded memory: pieces are
 * scanned in windows, numbers counted as distinct values, registered documents matched by shingle hashes.
 */
export class ContentScanner {
  readonly #rules: CompiledContentRules;
  readonly #distinct = new Map<ContentDetector, { size: number }>();
  readonly #sinks: NumberSinks = {};
  readonly #occurrences = new Map<string, number>();
  readonly #shingles: { hasher: ShingleHasher; seen: Set<number>; wanted: Set<number> }[] = [];
  #pending = '';
  /** Characters of `#pending` already scanned as context (the start of the next window). */
  #scannedPrefix = 0;
  #chars = 0;

  readonly #onText: ((text: string) => void) | undefined;

  /** `onText` sees every piece of text as scanned (registering a document fingerprints exactly what inspection reads). */
  constructor(rules: CompiledContentRules, onText?: (text: string) => void) {
    this.#rules = rules;
    this.#onText = onText;
    for (const detector of rules.detectors) {
      // Up to 15 digits are kept as numbers (exact below 2^53) in a NumberSet; card numbers (up to 19 digits) and
      // account numbers (rare) in a Set of strings.
      if (detector === 'credit_card' || detector === 'bank_account') {
        const values = new Set<string>();
        this.#distinct.set(detector, values);
        this.#sinks[detector] = (value) => { if (values.size < maxDistinct) values.add(value); };
      } else {
        const values = new NumberSet();
        this.#distinct.set(detector, values);
        this.#sinks[detector] = (value) => { if (values.size < maxDistinct) values.add(Number(value)); };
      }
    }
    for (const print of rules.fingerprints) {
      const wanted = new Set(print.hashes);
      const seen = new Set<number>();
      this.#shingles.push({ wanted, seen, hasher: new ShingleHasher(print.shingleChars, (hash) => { if (wanted.has(hash)) seen.add(hash); }) });
    }
  }

  /** Characters pushed so far. */
  get chars(): number {
    return this.#chars;
  }

  push(piece: string): void {
    if (piece.length === 0) return;
    const text = needsFolding.test(piece) ? piece.normalize('NFKC') : piece;
    this.#chars += text.length;
    this.#onText?.(text);
    for (const { hasher } of this.#shingles) hasher.push(text);
    this.#pending += text;
    if (this.#pending.length - this.#scannedPrefix >= windowChars) this.#scan(false);
  }

  /** Scans what is left and returns the rules whose thresholds were reached. */
  finish(): ContentFinding[] {
    this.#scan(true);
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
    return findings;
  }

  /**
   * Scans the window of `#pending` after its already-scanned prefix. Matches starting in the last `carry`
   * characters wait for the next window (unless this is the end), which starts `context` characters earlier.
   */
  #scan(final: boolean): void {
    const text = this.#pending;
    const from = this.#scannedPrefix;
    const until = final ? text.length : text.length - carry;
    if (until <= from) return;
    if (this.#rules.detectors.length > 0) scanNumbers(text, from, until, this.#sinks);
    if (this.#rules.keywords.length > 0) {
      const lower = text.toLowerCase();
      for (const { rule, words } of this.#rules.keywords) {
        let count = 0;
        for (const word of words) {
          for (let at = lower.indexOf(word, from); at !== -1 && at < until; at = lower.indexOf(word, at + word.length)) count += 1;
        }
        if (count > 0) this.#occurrences.set(rule, (this.#occurrences.get(rule) ?? 0) + count);
      }
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
