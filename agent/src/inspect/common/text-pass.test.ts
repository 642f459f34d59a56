import { describe, expect, it } from 'vitest';
import { myNumberFrom } from '../testing/corpus-writers.ts';
import { referenceScanNumbers } from '../testing/reference-number-scanner.ts';
import { fingerprintText, finalizeShingle, ShingleHasher, ShingleMatcher, unfinalizeShingle } from './fingerprint.ts';
import { TextPass } from './text-pass.ts';

type Found = Record<'my_number' | 'credit_card' | 'phone' | 'postal_code' | 'bank_account', string[]>;
const empty = (): Found => ({ my_number: [], credit_card: [], phone: [], postal_code: [], bank_account: [] });
const sorted = (found: Found): Found => Object.fromEntries(Object.entries(found).map(([k, v]) => [k, [...v].sort()])) as Found;

/** What the first (windowed, string-per-run) scanner finds in the whole text at once. */
function reference(text: string): Found {
  const found = empty();
  referenceScanNumbers(text, 0, text.length, {
    my_number: (v) => found.my_number.push(String(Number(v))),
    credit_card: (v) => found.credit_card.push(v),
    phone: (v) => found.phone.push(String(Number(v))),
    postal_code: (v) => found.postal_code.push(String(Number(v))),
    bank_account: (v) => found.bank_account.push(v),
  });
  return sorted(found);
}

/** What the streaming pass finds when the text arrives in pieces cut at `cuts`. */
function streamed(text: string, cuts: number[]): Found {
  const found = empty();
  const pass = new TextPass({
    my_number: (v) => found.my_number.push(String(v)),
    credit_card: (v) => found.credit_card.push(v),
    phone: (v) => found.phone.push(String(v)),
    postal_code: (v) => found.postal_code.push(String(v)),
    bank_account: (v) => found.bank_account.push(v),
  });
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    pass.push(text.slice(at, cut));
    at = cut;
  }
  pass.finish();
  return sorted(found);
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text dense in the shapes the detectors look for, and in the near misses around them. */
function numberSoup(next: () => number, tokens: number): string {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
  const myNumber = () => myNumberFrom(Math.floor(next() * 1e11));
  const makers: (() => string)[] = [
    () => myNumber(),
    () => myNumber().replace(/(\d{4})(\d{4})(\d{4})/, pick(['$1 $2 $3', '$1-$2-$3', '$1-$2 $3'])),
    () => `${pick(['No. ', '', '-', '#'])}${digits(1 + Math.floor(next() * 3))} ${myNumber().replace(/(\d{4})(?=\d)/g, '$1 ')}`,
    () => pick(['4111 1111 1111 1111', '4111-1111-1111-1111', '378282246310005', '3530111333300000', '5555555555554444', '4111111111111112']),
    () => `0${digits(1 + Math.floor(next() * 3))}-${digits(1 + Math.floor(next() * 4))}-${digits(3 + Math.floor(next() * 2))}`,
    () => `${digits(3)}-${digits(4)}`,
    () => `${pick(['普通', '当座', '口座番号', '普通預金', '貯蓄'])}${pick(['', ' ', '：', ':'])}${digits(7)}`,
    () => `${digits(4)}-${digits(3)}-${digits(7)}`,
    () => digits(1 + Math.floor(next() * 20)),
    () => pick([' ', '-', ' - ', '--', ',', '\n', '、', '山田 太郎', 'tel ', '口座', 'x']),
  ];
  let text = '';
  for (let i = 0; i < tokens; i += 1) text += pick(makers)() + pick(['', ' ', ',', '-', '\r\n', '　', 'a']);
  return text;
}

describe('the streaming text pass finds what the first number scanner found', () => {
  it('in random number-dense text, however the text is cut into pieces', () => {
    for (let seed = 1; seed <= 40; seed += 1) {
      const next = random(seed);
      const text = numberSoup(next, 300);
      const expected = reference(text);
      expect(Object.values(expected).flat().length).toBeGreaterThan(0);
      const cuts: number[] = [];
      for (let at = Math.floor(next() * 40); at < text.length; at += 1 + Math.floor(next() * 40)) cuts.push(at);
      expect(streamed(text, []), `seed ${seed}, whole`).toEqual(expected);
      expect(streamed(text, cuts), `seed ${seed}, cut at ${cuts.join(',')}`).toEqual(expected);
    }
  });

  it('finds a number cut at every possible place between two pieces, and one spread over one-character pieces', () => {
    const line = `氏名,山田 太郎,個人番号,1234 5678 9018,tel 03-1234-5678,〒100-0001,普通 1234567,カード 4111-1111-1111-1111\n`;
    const expected = reference(line);
    expect(expected).toEqual({
      my_number: ['123456789018'], credit_card: ['4111111111111111'], phone: ['312345678'], postal_code: ['1000001'], bank_account: ['1234567'],
    });
    for (let cut = 0; cut <= line.length; cut += 1) expect(streamed(line, [cut]), `cut at ${cut}`).toEqual(expected);
    expect(streamed(line, Array.from({ length: line.length }, (_, i) => i))).toEqual(expected);
  });

  it('does not take a run that continues a hyphenated or longer number, at a piece boundary too', () => {
    const text = 'ID-123456789018 order 9123456789018 x';
    expect(reference(text).my_number).toEqual([]);
    for (let cut = 0; cut <= text.length; cut += 1) expect(streamed(text, [cut]).my_number).toEqual([]);
  });

  it('matches registered shingles exactly where the registered-document hasher emits them, across pieces', () => {
    const text = numberSoup(random(7), 400) + '新製品「みまもりカメラ」設計仕様書 第3版 CONFIDENTIAL';
    const emitted: number[] = [];
    new ShingleHasher(12, (hash) => emitted.push(hash)).push(text);
    expect(emitted.length).toBeGreaterThan(100);
    // Every emitted hash wanted: the matcher reports each occurrence, in order.
    const all: number[] = [];
    const everything = new TextPass({}, new ShingleMatcher(12, emitted, (hash) => all.push(hash)));
    for (let at = 0; at < text.length; at += 37) everything.push(text.slice(at, at + 37));
    everything.finish();
    expect(all).toEqual(emitted);
    // A registered document's hashes: exactly those (and only those) are reported.
    const wanted = [...fingerprintText('新製品「みまもりカメラ」設計仕様書 第3版')];
    const some: number[] = [];
    new TextPass({}, new ShingleMatcher(12, wanted, (hash) => some.push(hash))).push(text);
    expect(new Set(some)).toEqual(new Set(wanted));
    expect(some.every((hash) => emitted.includes(hash))).toBe(true);
  });

  it('turns a finalised shingle hash back into the polynomial hash it came from', () => {
    const next = random(3);
    for (let i = 0; i < 2_000; i += 1) {
      const raw = Math.floor(next() * 2 ** 32) | 0;
      expect(unfinalizeShingle(finalizeShingle(raw))).toBe(raw);
    }
  });
});
