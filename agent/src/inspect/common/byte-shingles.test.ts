import { describe, expect, it } from 'vitest';
import { encodeText, people, peopleCsv } from '../testing/corpus-writers.ts';
import { rollShingleBytes } from './byte-shingles.ts';
import { fingerprintText, ShingleMatcher } from './fingerprint.ts';

/**
 * The table-driven shingle loops over raw bytes against ShingleMatcher.push over the decoded text: the same
 * matches, and the same rolling state at the end (the text pass goes on from it).
 */
const registered = '新製品「みまもりカメラ」設計仕様書 第3版。筐体寸法は幅82mm、高さ54mm、奥行き31mmとする。画像センサーは1/2.8型、夜間は赤外線照明で10メートル先まで撮影できること。';
const hashes = fingerprintText(registered);

function matcher(seen: number[]): ShingleMatcher {
  return new ShingleMatcher(12, hashes, (hash) => seen.push(hash));
}

describe('shingles rolled over bytes', () => {
  const text = `${peopleCsv(people(200, 5))}\n${registered}\n議事録：Ｔｅｓｔ ABC xyz ×÷ 〒100-0001\n${registered.slice(20, 90)}`;
  for (const encoding of ['utf-8', 'shift_jis', 'euc-jp'] as const) {
    it(`match what the decoded text matches, with the same end state, in ${encoding}`, () => {
      // Full-width forms are folded before shingling on the string path; the byte scanner gives those texts up.
      const plain = text.replace('Ｔｅｓｔ', 'Test');
      const bytes = encodeText(plain, encoding);
      const fromText: number[] = [];
      const expected = matcher(fromText);
      expected.push(plain);
      const fromBytes: number[] = [];
      const actual = matcher(fromBytes);
      for (const raw of rollShingleBytes(bytes, 0, encoding, actual)) actual.check(raw);
      expect(fromBytes.length).toBeGreaterThanOrEqual(10);
      expect(fromBytes).toEqual(fromText);
      const { hash, filled, at, window } = actual.state;
      expect({ hash, filled, at, window: [...window] }).toEqual({
        hash: expected.state.hash, filled: expected.state.filled, at: expected.state.at, window: [...expected.state.window],
      });
    });
  }
});
