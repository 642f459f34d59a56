import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { compileContentRules } from '../common/content-rules.ts';
import { NumberSet } from '../common/number-set.ts';
import { encodeText, myNumberFrom, people, peopleCsv } from '../testing/corpus-writers.ts';
import { inspect } from './inspect.ts';

const rules = compileContentRules(loadPolicyDir(defaultPolicyDir).content);
const countOf = (findings: { rule: string; count: number }[], rule: string) => findings.find((f) => f.rule === rule)?.count ?? 0;

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'mamori-inspect-edges-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

async function inspectFile(name: string, bytes: Uint8Array) {
  const file = join(work, name);
  await writeFile(file, bytes);
  return inspect({ name, file }, rules);
}

/** The text reader decodes files in 1 MiB pieces. */
const pieceBytes = 1024 * 1024;

describe('inspection edges of the streaming scanner', () => {
  it('counts a My Number that straddles the reader\'s 1 MiB piece boundary, at every offset across it', async () => {
    for (const shift of [1, 4, 6, 11]) {
      const numbers = Array.from({ length: 10 }, (_, i) => myNumberFrom(70_000_000_000 + i * 104_729));
      const straddling = `${numbers[0]!.slice(0, 4)} ${numbers[0]!.slice(4, 8)} ${numbers[0]!.slice(8)}`;
      // ASCII filler puts the straddling number's `shift`-th character at the boundary; the other nine follow.
      const filler = 'x'.repeat(pieceBytes - shift - 1) + '\n';
      const text = `${filler}${straddling}\n${numbers.slice(1).join('\n')}\n`;
      const result = await inspectFile(`boundary-${shift}.csv`, encodeText(text, 'shift_jis'));
      expect(result.status).toBe('inspected');
      expect(countOf(result.findings, 'personal_data_list')).toBe(10);
    }
  });

  it('reads full-width digits and hyphens typed in a Japanese IME as the numbers they show', async () => {
    const wide = (ascii: string) => ascii.replace(/[0-9-]/g, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));
    const rows = Array.from({ length: 10 }, (_, i) => {
      const n = myNumberFrom(31_000_000_000 + i * 7_919);
      return `個人番号：${wide(n.slice(0, 4))}\u3000${wide(n.slice(4, 8))}\u3000${wide(n.slice(8))}、電話${wide(`03-1234-${5600 + i}`)}`;
    });
    const result = await inspectFile('wide.txt', encodeText(rows.join('\n'), 'shift_jis'));
    expect(countOf(result.findings, 'personal_data_list')).toBe(10);
    // Half-width katakana with a separate sound mark folds as NFKC folds it (ｶﾞ → ガ); the keyword in full-width
    // Latin letters is found too.
    const marked = await inspectFile('marked.txt', encodeText('ｶﾞｲﾌﾞ ＣＯＮＦＩＤＥＮＴＩＡＬ', 'shift_jis'));
    expect(marked.findings.map((f) => f.rule)).toEqual(['confidential']);
  });

  it('counts distinct numbers in a Shift_JIS CSV of many residents, duplicates once', async () => {
    const list = people(3_000, 12_345);
    const csv = peopleCsv([...list, ...list.slice(0, 500)]);
    const result = await inspectFile('residents-sjis.csv', encodeText(csv, 'shift_jis'));
    expect(countOf(result.findings, 'personal_data_list')).toBe(3_000);
    expect(countOf(result.findings, 'contact_list')).toBe(new Set(list.map((p) => p.phone.replace(/-/g, ''))).size);
  });
});

describe('NumberSet', () => {
  it('counts distinct values across many merges and stops at its limit', () => {
    const set = new NumberSet();
    for (let round = 0; round < 3; round += 1) for (let i = 0; i < 100_000; i += 1) set.add(123_456_789_012 + i * 3);
    expect(set.size).toBe(100_000);
    set.add(1);
    set.add(1);
    expect(set.size).toBe(100_001);
    const capped = new NumberSet(1_000);
    for (let i = 0; i < 5_000; i += 1) capped.add(i);
    expect(capped.size).toBe(1_000);
  });
});
