import { describe, expect, it } from 'vitest';
import { encodeText, people, peopleCsv } from '../testing/corpus-writers.ts';
import { scanTextBytes } from './byte-text-pass.ts';
import { fingerprintText, ShingleMatcher } from './fingerprint.ts';

/**
 * Shingles rolled by the byte scanner's loops over raw bytes against ShingleMatcher.push over the decoded text:
 * the same matches, and the same rolling state at the end (the text pass goes on from it); and a text the scanner
 * gives up leaves the state as it was.
 */
const registered = '新製品「みまもりカメラ」設計仕様書 第3版。筐体寸法は幅82mm、高さ54mm、奥行き31mmとする。画像センサーは1/2.8型、夜間は赤外線照明で10メートル先まで撮影できること。';
const hashes = fingerprintText(registered);

function matcher(seen: number[]): ShingleMatcher {
  return new ShingleMatcher(12, hashes, (hash) => seen.push(hash));
}

const endState = (m: ShingleMatcher) => ({ hash: m.state.hash, filled: m.state.filled, at: m.state.at, window: [...m.state.window] });

describe('shingles rolled over bytes', () => {
  const text = `${peopleCsv(people(200, 5))}\n${registered}\n議事録：Ｔｅｓｔ ABC xyz ×÷ 〒100-0001\n${registered.slice(20, 90)}`;
  for (const encoding of ['utf-8', 'shift_jis', 'euc-jp'] as const) {
    it(`match what the decoded text matches, with the same end state, in ${encoding}`, () => {
      // Full-width forms are folded before shingling on the string path; the byte scanner gives those texts up.
      const plain = text.replace('Ｔｅｓｔ', 'Test').replace('：', ':');
      const bytes = encodeText(plain, encoding);
      const fromText: number[] = [];
      const expected = matcher(fromText);
      expected.push(plain);
      const fromBytes: number[] = [];
      const actual = matcher(fromBytes);
      const result = scanTextBytes(bytes, encoding, {}, actual, { previous: 0, text: '' });
      for (const raw of result!.shingleCandidates) actual.check(raw);
      expect(fromBytes.length).toBeGreaterThanOrEqual(10);
      expect(fromBytes).toEqual(fromText);
      expect(endState(actual)).toEqual(endState(expected));
    });

    it(`match what the decoded text matches across the scan kernel's 64 KiB blocks, in ${encoding}`, () => {
      // The document over and over: every character is in shingles that are wanted, so a character read wrong where
      // a block ends changes the matches. Shifting by a byte at a time moves the block end over a dozen places.
      const body = registered.repeat(Math.ceil(80_000 / encodeText(registered, encoding).length));
      for (let shift = 0; shift < 13; shift += 1) {
        const plain = `${'x'.repeat(shift)}\n${body}`;
        const fromText: number[] = [];
        const expected = matcher(fromText);
        expected.push(plain);
        const fromBytes: number[] = [];
        const actual = matcher(fromBytes);
        const result = scanTextBytes(encodeText(plain, encoding), encoding, {}, actual, { previous: 0, text: '' });
        for (const raw of result!.shingleCandidates) actual.check(raw);
        expect(fromBytes.length, `shift ${shift}`).toBeGreaterThan(1000);
        expect(fromBytes, `shift ${shift}`).toEqual(fromText);
        expect(endState(actual), `shift ${shift}`).toEqual(endState(expected));
      }
    });

    it(`leave the state untouched when the text is given up (a full-width form near its end), in ${encoding}`, () => {
      const actual = matcher([]);
      actual.push('前の文書の終わり、ここまで十二文字以上あります');
      const before = endState(actual);
      expect(scanTextBytes(encodeText(`${registered}${registered}Ｔｅｓｔ`, encoding), encoding, {}, actual, { previous: 0, text: '' })).toBeUndefined();
      expect(endState(actual)).toEqual(before);
    });
  }
});
