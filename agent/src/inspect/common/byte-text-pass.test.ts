import { describe, expect, it } from 'vitest';
import { ContentPolicySchema, defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { encodeText, myNumberFrom, people, peopleCsv } from '../testing/corpus-writers.ts';
import type { ByteEncodingName } from './byte-codecs.ts';
import { compileContentRules } from './content-rules.ts';
import { ContentScanner } from './content-scanner.ts';
import { encodeHashes, fingerprintText } from './fingerprint.ts';

/**
 * The byte scanner against the path it replaces (decode with TextDecoder, push the text): the same findings and
 * the same character count, over the test corpus's CSVs and generated text dense in what the detectors look for.
 */
const shipped = loadPolicyDir(defaultPolicyDir).content;
const registered = '新製品「みまもりカメラ」設計仕様書 第3版。筐体寸法は幅82mm、高さ54mm、奥行き31mmとする。画像センサーは1/2.8型、夜間は赤外線照明で10メートル先まで撮影できること。';
const every = { severity: 'low', mail: 'warn', min_count: 1 } as const;
const rules = compileContentRules(ContentPolicySchema.parse({
  ...shipped,
  rules: [
    ...(['my_number', 'credit_card', 'phone', 'postal_code', 'bank_account'] as const).map((detector) => ({ name: detector, detector, ...every })),
    { name: 'marked', keywords: ['社外秘', '極秘', 'CONFIDENTIAL', 'Internal Only', '打ち合わせ'], ...every },
    { name: 'spec', fingerprint: 'any', ...every },
  ],
  fingerprints: [{ name: 'camera_spec', hashes: encodeHashes(fingerprintText(registered)), min_overlap: 0.01 }],
}));

interface Scanned { findings: string[]; chars: number; bytePath: boolean[] }

/** Scans the texts one after another (as the files of one archive are), as bytes or decoded. */
function scan(texts: { bytes: Uint8Array; encoding: ByteEncodingName }[], asBytes: boolean): Scanned {
  const scanner = new ContentScanner(rules);
  const bytePath: boolean[] = [];
  for (const { bytes, encoding } of texts) {
    const took = asBytes && scanner.pushBytes(bytes, encoding);
    bytePath.push(took);
    if (!took) scanner.push(new TextDecoder(encoding).decode(bytes));
  }
  const findings = scanner.finish().map((f) => `${f.rule}:${f.count}`).sort();
  return { findings, chars: scanner.chars, bytePath };
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

function soup(next: () => number, tokens: number): string {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
  const makers: (() => string)[] = [
    () => myNumberFrom(Math.floor(next() * 1e11)),
    () => myNumberFrom(Math.floor(next() * 1e11)).replace(/(\d{4})(\d{4})(\d{4})/, pick(['$1 $2 $3', '$1-$2-$3'])),
    () => pick(['4111 1111 1111 1111', '378282246310005', '3530111333300000', '5555555555554444']),
    () => `0${digits(1 + Math.floor(next() * 3))}-${digits(1 + Math.floor(next() * 4))}-${digits(3 + Math.floor(next() * 2))}`,
    () => `〒${digits(3)}-${digits(4)}`,
    () => `${pick(['普通', '当座', '口座番号', '普通預金', '貯蓄', '口座:'])}${pick(['', ' ', ':'])}${digits(7)}`,
    () => `${digits(4)}-${digits(3)}-${digits(7)}`,
    () => digits(1 + Math.floor(next() * 20)),
    () => pick(['社外秘', '極秘資料', 'confidential', 'CONFIDENTIAL', 'Confidential', 'internal only', 'INTERNAL ONLY', '打ち合わせ', '議事録']),
    () => registered.slice(0, 20 + Math.floor(next() * 40)),
    () => pick([' ', '-', ',', '\r\n', '、', '　', '山田 太郎', 'Ω', '∵', '髙', '①']),
  ];
  let text = '';
  for (let i = 0; i < tokens; i += 1) text += pick(makers)() + pick(['', ' ', ',', '-', '\n', '　', '。']);
  return text;
}

const encodings = ['utf-8', 'shift_jis', 'euc-jp'] as const;

describe('the byte scanner finds what decoding and the text pass find', () => {
  it.each(encodings)('in the corpus CSV of residents, in %s, through the byte path', (encoding) => {
    const bytes = encodeText(peopleCsv(people(3_000, 11)), encoding);
    const decoded = scan([{ bytes, encoding }], false);
    const read = scan([{ bytes, encoding }], true);
    expect(read.bytePath).toEqual([true]);
    expect(read).toEqual({ ...decoded, bytePath: [true] });
    expect(decoded.findings).toContain('my_number:3000');
  });

  it.each(encodings)('in generated number-dense text with keywords and a registered document, in %s, alone and as one of several files', (encoding) => {
    for (let seed = 1; seed <= 6; seed += 1) {
      const next = random(seed);
      // Characters the encoding cannot hold are dropped (iconv writes "?", which would be a different text).
      const clean = (text: string) => [...text].filter((char) => new TextDecoder(encoding).decode(encodeText(char, encoding)) === char).join('');
      // Each ends with a line break: a text whose first run continues the one before goes to the decoding path.
      const texts = [clean(soup(next, 400)), clean(soup(next, 50)), clean(soup(next, 300))].map((text) => ({ bytes: encodeText(`${text}\n`, encoding), encoding }));
      const decoded = scan(texts, false);
      expect(decoded.findings.length, `seed ${seed}`).toBeGreaterThan(4);
      const read = scan(texts, true);
      expect(read.bytePath, `seed ${seed}`).toEqual([true, true, true]);
      expect({ ...read, bytePath: [] }, `seed ${seed}`).toEqual({ ...decoded, bytePath: [] });
    }
  });

  it.each(encodings)('across the scan kernel\'s 64 KiB blocks, whatever character or run a block ends in, in %s', (encoding) => {
    const clean = (text: string) => [...text].filter((char) => new TextDecoder(encoding).decode(encodeText(char, encoding)) === char).join('');
    const body = clean(soup(random(99), 9_000));
    const bodyBytes = encodeText(body, encoding).length;
    expect(bodyBytes).toBeGreaterThan(70_000);
    // Shifting the text a byte at a time moves the block boundary over a dozen consecutive places in it.
    for (let shift = 0; shift < 13; shift += 1) {
      const texts = [{ bytes: encodeText(`${'x'.repeat(shift)}\n${body}\n`, encoding), encoding }];
      const read = scan(texts, true);
      expect(read.bytePath, `shift ${shift}`).toEqual([true]);
      expect(read, `shift ${shift}`).toEqual({ ...scan(texts, false), bytePath: [true] });
    }
    // A byte the pass cannot read in a later block: nothing from the blocks before is reported twice or lost.
    const broken = [{ bytes: Buffer.concat([encodeText(`${body}\n`, encoding), Buffer.from([0x82, 0xff, 0x0a])]), encoding }];
    const read = scan(broken, true);
    expect(read.bytePath).toEqual([false]);
    expect({ ...read, bytePath: [] }).toEqual({ ...scan(broken, false), bytePath: [] });
  });

  it.each(encodings)('gives the text to the decoding path when it holds full-width or half-width forms, invalid bytes, or an open run, in %s', (encoding) => {
    const cases: { bytes: Uint8Array; encoding: ByteEncodingName }[][] = [
      [{ bytes: encodeText('個人番号 １２３４ ５６７８ ９０１８ 社外秘', encoding), encoding }],
      [{ bytes: encodeText('ｶﾞｲﾄﾞ 1234 5678 9018', encoding), encoding }],
      [{ bytes: Buffer.concat([encodeText('普通 1234567 ', encoding), Buffer.from([0x82, 0xff, 0x0a])]), encoding }],
      [{ bytes: encodeText('番号 1234', encoding), encoding }, { bytes: encodeText('5678 9018 end', encoding), encoding }],
    ];
    for (const texts of cases) {
      const read = scan(texts, true);
      expect(read.bytePath).toContain(false);
      expect({ ...read, bytePath: [] }).toEqual({ ...scan(texts, false), bytePath: [] });
    }
  });
});
