import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectorEn, collectorJa, defaultRuleNamesJa } from './messages.ts';

// Fails when a people-facing string the collector writes (alert titles, event descriptions, alert mail) lacks a
// Japanese text: a key only in English, a Japanese text left in English, placeholders that differ, a message key the
// code uses that no catalogue defines, or a rule of the shipped policy without a Japanese name.

const hasJapanese = (text: string) => /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/.test(text);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
/** Texts made only of placeholders and symbols: the same in every language. */
const onlyPlaceholders = (text: string) => text.replace(/\{\w+\}/g, '').replace(/[\s:→—()[\]]/g, '') === '';

const srcDir = fileURLToPath(new URL('..', import.meta.url));
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // The repository contract suite is test code kept beside the store (it writes settings rows keyed 'smtp').
    if (statSync(path).isDirectory()) return name === 'repository-contract' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('collector translation completeness', () => {
  it('has a Japanese text for every English one, translated, with the same placeholders', () => {
    const keys = Object.keys(collectorEn) as (keyof typeof collectorEn)[];
    expect(Object.keys(collectorJa).sort()).toEqual([...keys].sort());
    expect(keys.filter((key) => !onlyPlaceholders(collectorEn[key]) && !hasJapanese(collectorJa[key]))).toEqual([]);
    expect(keys.filter((key) => placeholders(collectorEn[key]) !== placeholders(collectorJa[key]))).toEqual([]);
  });

  it('defines every message key the collector code writes into a title or mail', () => {
    const used = new Set<string>();
    for (const text of sources(srcDir)) {
      for (const match of text.matchAll(/\bkey: '([a-zA-Z]+(?:\.[\w]+)*)'/g)) used.add(match[1]!);
      for (const match of text.matchAll(/\bsay\(style, '([\w.]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((key) => !(key in collectorEn)).sort()).toEqual([]);
  });

  it('names every alert rule of the shipped policy in Japanese', () => {
    const yaml = readFileSync(fileURLToPath(new URL('../../../policies/default/alerts.yaml', import.meta.url)), 'utf8');
    const names = [...yaml.matchAll(/^\s+name: (.+)$/gm)].map((m) => m[1]!.trim());
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((name) => !defaultRuleNamesJa[name])).toEqual([]);
  });
});
