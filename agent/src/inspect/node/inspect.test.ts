import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentPolicySchema, defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { compileContentRules } from '../common/content-rules.ts';
import { encodeHashes, fingerprintText } from '../common/fingerprint.ts';
import {
  encodeText, invalidMyNumberFrom, mailWith, people, peopleCsv, peopleXlsx, textDocx, textPdf, zipOf,
} from '../testing/corpus-writers.ts';
import { inspect, type InspectResult } from './inspect.ts';

const defaults = loadPolicyDir(defaultPolicyDir).content;
const rules = compileContentRules(defaults);
const rulesOf = (result: InspectResult) => result.findings.map((f) => f.rule).sort();

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'mamori-inspect-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

async function inspectFile(name: string, bytes: Uint8Array, compiled = rules): Promise<InspectResult> {
  const file = join(work, name);
  await writeFile(file, bytes);
  return inspect({ name, file }, compiled);
}

describe('content inspection over a corpus made by real writers', () => {
  const list = people(12);
  const csv = peopleCsv(list);

  it.each(['shift_jis', 'euc-jp', 'iso-2022-jp', 'utf-16le', 'utf-16le-bom', 'utf-16be-bom', 'utf-8'] as const)(
    'reads a CSV of 12 residents in %s as a personal-data list', async (encoding) => {
      const result = await inspectFile(`residents-${encoding}.csv`, encodeText(csv, encoding));
      expect(result).toMatchObject({ status: 'inspected', format: 'csv', detectedType: 'text/csv' });
      expect(rulesOf(result)).toEqual(['my_number', 'personal_data_list']);
      expect(result.findings.find((f) => f.rule === 'personal_data_list')).toMatchObject({ count: 12, severity: 'high', mailAction: 'block' });
    },
  );

  it.each([
    ['little-endian with a BOM', (text: string) => encodeText(text, 'utf-16le-bom')],
    ['big-endian with a BOM', (text: string) => encodeText(text, 'utf-16be-bom')],
    ['with a lone surrogate (TextDecoder makes it U+FFFD)', (text: string) => encodeText(`\ud800${text}`, 'utf-16le-bom')],
    ['of odd length (TextDecoder ends it with U+FFFD)', (text: string) => Buffer.concat([encodeText(text, 'utf-16le-bom'), Buffer.from([0x41])])],
    ['with a character outside the BMP', (text: string) => encodeText(`𠮷${text}`, 'utf-16le-bom')],
    ['with full-width forms (the UTF-8 byte pass gives those to the string path, which folds them)', (text: string) => encodeText(`Ｍｅｍｏ１２３${text}`, 'utf-16le-bom')],
  ])('reads UTF-16 %s as TextDecoder decodes it', async (_, encode) => {
    const text = `社外秘\r\n${peopleCsv(list)}口座番号 1234567\r\n`;
    const bytes = encode(text);
    const result = await inspect({ name: 'list.csv', bytes }, rules);
    const decoded = new TextDecoder(bytes[0] === 0xfe ? 'utf-16be' : 'utf-16le').decode(bytes);
    expect(result.textChars).toBe(decoded.length);
    expect(rulesOf(result)).toEqual(['confidential', 'my_number', 'personal_data_list']);
    expect(result.findings.find((f) => f.rule === 'personal_data_list')?.count).toBe(12);
  });

  it('does not take twelve-digit numbers that fail the check digit for My Numbers', async () => {
    const fakes = Array.from({ length: 30 }, (_, i) => `注文番号,${invalidMyNumberFrom(55_555_000_000 + i * 13)}`).join('\n');
    const result = await inspectFile('orders.csv', encodeText(fakes, 'shift_jis'));
    expect(result.status).toBe('inspected');
    expect(result.findings).toEqual([]);
  });

  it('reads an xlsx written by exceljs, My Numbers stored as numbers', async () => {
    const result = await inspectFile('名簿.xlsx', await peopleXlsx(list));
    expect(result).toMatchObject({ status: 'inspected', format: 'xlsx', detectedType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expect(rulesOf(result)).toEqual(['my_number', 'personal_data_list']);
  });

  it('reads a docx written by the docx library: keyword and a Luhn-valid Visa number', async () => {
    const result = await inspectFile('memo.docx', await textDocx(['社外秘', 'カード: 4111 1111 1111 1111', '注文番号 4111 1111 1111 1112']));
    expect(result).toMatchObject({ status: 'inspected', format: 'docx' });
    expect(rulesOf(result)).toEqual(['card_numbers', 'confidential']);
    expect(result.findings.find((f) => f.rule === 'card_numbers')?.count).toBe(1);
  });

  it('reads a PDF written by pdf-lib', async () => {
    const result = await inspectFile('list.pdf', await textPdf(list.map((p, i) => `Resident ${i + 1}  ${p.myNumber.replace(/(\d{4})(?=\d)/g, '$1 ')}`)));
    expect(result).toMatchObject({ status: 'inspected', format: 'pdf', detectedType: 'application/pdf' });
    expect(rulesOf(result)).toEqual(['my_number', 'personal_data_list']);
  });

  it('follows a zip inside a zip and lists every entry with its place in the tree', async () => {
    const inner = await zipOf([{ name: 'residents.csv', bytes: encodeText(csv, 'shift_jis') }]);
    const outer = await zipOf([{ name: 'readme.txt', bytes: Buffer.from('see inside') }, { name: 'inner.zip', bytes: inner }]);
    const result = await inspectFile('outer.zip', outer);
    expect(result).toMatchObject({ status: 'inspected', format: 'zip' });
    expect(rulesOf(result)).toEqual(['my_number', 'personal_data_list']);
    expect(result.items.map((i) => i.path.join('/'))).toEqual(['outer.zip/readme.txt', 'outer.zip/inner.zip', 'outer.zip/inner.zip/residents.csv']);
    expect(result.items[2]).toMatchObject({ format: 'csv', notInspected: '' });
    expect(result.items[2]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not unpack a zip bomb, and says so', async () => {
    const bomb = await zipOf([{ name: 'zeros.bin', bytes: new Uint8Array(8 * 1024 * 1024) }], { level: 9 });
    expect(bomb.length).toBeLessThan(80_000);
    const started = performance.now();
    const result = await inspectFile('bomb.zip', bomb);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.status).toBe('not_inspected');
    expect(result.reason).toMatch(/zeros\.bin: compression ratio \d+:1 over the limit of 100:1 \(zip bomb\?\)/);
  });

  it('reports an encrypted zip entry as not inspected: encrypted, and still reads the rest', async () => {
    const locked = await zipOf([{ name: 'residents.csv', bytes: encodeText(csv, 'utf-8') }], { password: 'secret' });
    const result = await inspectFile('locked.zip', locked);
    expect(result).toMatchObject({ status: 'not_inspected', reason: 'residents.csv: encrypted', findings: [] });
    const mixed = await zipOf([{ name: 'locked.zip', bytes: locked }, { name: 'open.csv', bytes: encodeText(csv, 'utf-8') }]);
    const partly = await inspectFile('mixed.zip', mixed);
    expect(partly.reason).toBe('locked.zip › residents.csv: encrypted');
    expect(rulesOf(partly)).toEqual(['my_number', 'personal_data_list']);
  });

  it('stops at the nesting limit', async () => {
    let bytes: Buffer = encodeText(csv, 'utf-8');
    let name = 'residents.csv';
    for (let level = 0; level < 5; level += 1) {
      bytes = await zipOf([{ name, bytes }]);
      name = `level${level}.zip`;
    }
    const result = await inspectFile('deep.zip', bytes);
    expect(result.status).toBe('not_inspected');
    expect(result.reason).toBe('level3.zip › level2.zip › level1.zip › level0.zip: nested deeper than 3 levels');
  });

  it('reads a mail file and the attachments of the mail forwarded inside it', async () => {
    const forwarded = mailWith('original', 'see attached', [{ name: 'residents.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: await peopleXlsx(list) }]);
    const outer = mailWith('Fwd: original', 'forwarding', [{ name: 'original.eml', type: 'message/rfc822', bytes: forwarded }]);
    const result = await inspectFile('fwd.eml', outer);
    expect(result).toMatchObject({ status: 'inspected', format: 'eml' });
    expect(rulesOf(result)).toEqual(['my_number', 'personal_data_list']);
    expect(result.items.map((i) => [i.path.join(' › '), i.format])).toEqual([
      ['fwd.eml › original.eml', 'eml'],
      ['fwd.eml › original.eml › residents.xlsx', 'xlsx'],
    ]);
  });

  it('says what it could not read: images, files over the size limit, the time budget', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(await inspectFile('photo.jpg', png)).toMatchObject({ status: 'not_inspected', reason: 'no readable text in image/png', detectedType: 'image/png' });
    const small = compileContentRules(ContentPolicySchema.parse({ ...defaults, limits: { max_file_bytes: 100 } }));
    expect((await inspectFile('big.csv', encodeText(csv, 'utf-8'), small)).reason).toMatch(/^\d+ bytes, over the per-file limit of 100$/);
    const hurried = compileContentRules(ContentPolicySchema.parse({ ...defaults, limits: { time_budget_ms: 1 } }));
    const big = await inspectFile('big.txt', Buffer.from(peopleCsv(people(60_000))), hurried);
    expect(big).toMatchObject({ status: 'not_inspected', reason: 'time budget of 1 ms spent' });
  });

  it('recognises a registered document by its content in another format and encoding', async () => {
    const text = [
      '新製品「みまもりカメラ」設計仕様書 第3版', '筐体寸法は幅82mm、高さ54mm、奥行き31mmとする。',
      '画像センサーは1/2.8型、夜間は赤外線照明で10メートル先まで撮影できること。',
      '量産開始は2027年4月、初回ロットは12,000台を予定する。価格は税込19,800円。',
    ];
    const policy = ContentPolicySchema.parse({
      ...defaults,
      fingerprints: [{ name: 'camera_spec', label: { en: 'camera design spec', ja: 'カメラ設計仕様書' }, hashes: encodeHashes(fingerprintText(text.join('\n'))) }],
    });
    const withPrint = compileContentRules(policy);
    const copy = await inspectFile('spec-copy.docx', await textDocx(text), withPrint);
    expect(copy.findings.find((f) => f.rule === 'registered_document')).toMatchObject({ severity: 'high', label: { en: 'a registered sensitive document: camera design spec' } });
    const reformatted = await inspectFile('spec.txt', encodeText(text.join('  ').replace(/、/g, ' , '), 'shift_jis'), withPrint);
    expect(rulesOf(reformatted)).toContain('registered_document');
    const other = await inspectFile('other.docx', await textDocx(['議事録', '次回の打ち合わせは来週火曜日、場所は第二会議室。']), withPrint);
    expect(rulesOf(other)).not.toContain('registered_document');
  });
});
