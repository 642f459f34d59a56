import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDir, parsePolicySources, readPolicyDir } from '@mamori/policies';
import { compileContentRules } from '../inspect/common/content-rules.ts';
import { inspect } from '../inspect/node/inspect.ts';
import { encodeText, textDocx } from '../inspect/testing/corpus-writers.ts';
import { runAgentCli } from './program.ts';

const spec = [
  '新製品「みまもりカメラ」設計仕様書 第3版', '筐体寸法は幅82mm、高さ54mm、奥行き31mmとする。',
  '画像センサーは1/2.8型、夜間は赤外線照明で10メートル先まで撮影できること。',
  '量産開始は2027年4月、初回ロットは12,000台を予定する。価格は税込19,800円。',
];

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'mamori-fingerprint-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

describe('mamori-agent fingerprint', () => {
  it('prints a policy entry that, pasted into content.yaml, recognises the document in another format', async () => {
    await writeFile(join(work, 'spec.docx'), await textDocx(spec));
    let out = '';
    const code = await runAgentCli(['fingerprint', join(work, 'spec.docx'), '--name', 'camera_spec', '--label-en', 'camera design spec', '--label-ja', 'カメラ設計仕様書'], { out: (t) => { out += t; }, err: () => undefined });
    expect(code).toBe(0);
    expect(out).toMatch(/^# \d+ shingle hashes from \d+ characters; paste under content.fingerprints:\n {4}- name: camera_spec\n/);
    const sources = readPolicyDir(defaultPolicyDir).map((s) => (s.name === 'content.yaml' ? { ...s, text: s.text.replace('  fingerprints: []', `  fingerprints:\n${out.split('\n').slice(1).join('\n')}`) } : s));
    const rules = compileContentRules(parsePolicySources(sources).content);
    await writeFile(join(work, 'copy.txt'), encodeText(spec.join('\r\n'), 'shift_jis'));
    const result = await inspect({ name: 'copy.txt', file: join(work, 'copy.txt') }, rules);
    expect(result.findings.map((f) => [f.rule, f.label.en])).toEqual([['registered_document', 'a registered sensitive document: camera design spec']]);
  });

  it('refuses a file it cannot read whole, with the reason', async () => {
    await writeFile(join(work, 'photo.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    let err = '';
    expect(await runAgentCli(['fingerprint', join(work, 'photo.png'), '--name', 'photo'], { out: () => undefined, err: (t) => { err += t; } })).toBe(1);
    expect(err).toMatch(/^mamori-agent: the document cannot be registered: cannot read all of .*photo\.png: no readable text in image\/png \[AGENT_DOCUMENT_UNREADABLE\]\n$/);
  });
});
