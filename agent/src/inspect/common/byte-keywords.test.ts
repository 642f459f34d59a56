import { describe, expect, it } from 'vitest';
import { encodeText } from '../testing/corpus-writers.ts';
import type { ByteEncodingName } from './byte-codecs.ts';
import { byteKeyword, countByteKeyword, countByteKeywords } from './byte-keywords.ts';

/** What the string path counts: non-overlapping matches of the keyword in the decoded text (case-insensitive for ASCII). */
function decodedCount(text: string, word: string, caseless: boolean): number {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...text.matchAll(new RegExp(escaped, caseless ? 'g' : 'giu'))].length;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Shift_JIS trail bytes include ASCII letters: 気 is 0x8B 0x43 ('C'), 議 0x8B 0x63 ('c'), 海 0x8A 0x43.
const pieces = ['CONFIDENTIAL', 'confidential', 'CoNfIdEnTiAl', 'CCONFIDENTIAL', 'CONFIDENTIA', '社外秘', '気', '議', '海', '極秘', 'ONFIDENTIAL', ' ', ',', '\n', 'abc', '１２'];

describe('keywords counted on the bytes', () => {
  const encodings: ByteEncodingName[] = ['utf-8', 'shift_jis', 'euc-jp'];
  for (const encoding of encodings) {
    it(`count what the decoded text holds, in ${encoding}`, () => {
      const next = random(encoding.length);
      for (let round = 0; round < 200; round += 1) {
        const text = Array.from({ length: Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]!).join('');
        const bytes = encodeText(text, encoding);
        for (const [word, caseless] of [['CONFIDENTIAL', false], ['社外秘', true], ['極秘', true]] as const) {
          const keyword = byteKeyword(word, caseless, encoding)!;
          expect(countByteKeyword(bytes, keyword, encoding), `${word} in ${JSON.stringify(text)}`).toBe(decodedCount(text, word, caseless));
        }
      }
    });
  }

  for (const encoding of encodings) {
    it(`count all keywords at once (the kernel's blocks) as the decoded text holds them, across 64 KiB blocks, in ${encoding}`, () => {
      // About 300 KB: keywords fall across the kernel's block ends; the last keyword (80+ bytes) is counted natively.
      const long = '社外秘極秘'.repeat(8);
      const words = [['CONFIDENTIAL', false], ['社外秘', true], ['極秘', true], ['気', true], [long, true]] as const;
      const next = random(encoding.length + 7);
      const all = [...pieces, long, long.slice(1)];
      for (let round = 0; round < 3; round += 1) {
        const text = Array.from({ length: 40_000 }, () => all[Math.floor(next() * all.length)]!).join('');
        const bytes = encodeText(text, encoding);
        expect(bytes.length).toBeGreaterThan(4 * 65_536);
        const counts = countByteKeywords(bytes, words.map(([word, caseless]) => byteKeyword(word, caseless, encoding)!), encoding);
        expect(counts).toEqual(words.map(([word, caseless]) => decodedCount(text, word, caseless)));
        expect(counts.every((count) => count > 0)).toBe(true);
      }
    });
  }

  it('does not count a match that starts on the trail byte of a two-byte character', () => {
    // 気 in Shift_JIS ends with 0x43, 'C': "気ONFIDENTIAL" holds the bytes of "CONFIDENTIAL" from its second byte.
    const bytes = encodeText('気ONFIDENTIAL and confidential', 'shift_jis');
    expect(Buffer.from(bytes).includes('CONFIDENTIAL', 0, 'latin1')).toBe(true);
    expect(countByteKeyword(bytes, byteKeyword('CONFIDENTIAL', false, 'shift_jis')!, 'shift_jis')).toBe(1);
  });

  it('gives no byte form for cased keywords with k or s, or outside ASCII', () => {
    expect(byteKeyword('Internal Use', false, 'utf-8')).toBeUndefined();
    expect(byteKeyword('Ärztlich', false, 'utf-8')).toBeUndefined();
    expect(byteKeyword('CONFIDENTIAL', false, 'utf-8')).toEqual({ bytes: Buffer.from('confidential'), caseless: true });
  });
});
