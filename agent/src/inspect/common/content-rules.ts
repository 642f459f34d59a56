import type { ContentDetector, ContentPolicy, ContentRule, LocalizedText, Severity } from '@mamori/policies';
import { decodeHashes } from './fingerprint.ts';

/** A registered document, ready for matching. */
export interface CompiledFingerprint {
  name: string;
  label: LocalizedText;
  shingleChars: number;
  hashes: Uint32Array;
  minOverlap: number;
}

/** A content policy compiled once per policy version: detectors needed, keyword and regex matchers, fingerprints. */
export interface CompiledContentRules {
  enabled: boolean;
  rules: readonly ContentRule[];
  detectors: readonly ContentDetector[];
  /** Keyword rules: NFKC-normalised, lower-cased keywords. */
  keywords: readonly { rule: string; words: string[] }[];
  regexes: readonly { rule: string; regex: RegExp }[];
  fingerprints: readonly CompiledFingerprint[];
  limits: ContentPolicy['limits'];
}

const detectorLabels: Record<ContentDetector, LocalizedText> = {
  my_number: { en: 'individual numbers (My Number)', ja: '個人番号（マイナンバー）' },
  credit_card: { en: 'credit card numbers', ja: 'クレジットカード番号' },
  phone: { en: 'phone numbers', ja: '電話番号' },
  postal_code: { en: 'postal codes', ja: '郵便番号' },
  bank_account: { en: 'bank account numbers', ja: '銀行口座番号' },
};

/** The rule's own label, else one made from what it detects. */
export function ruleLabel(rule: ContentRule, policy: Pick<CompiledContentRules, 'fingerprints'>): LocalizedText {
  if (rule.label) return rule.label;
  if (rule.detector) return detectorLabels[rule.detector];
  if (rule.fingerprint) {
    const print = policy.fingerprints.find((f) => f.name === rule.fingerprint);
    return print?.label ?? { en: `the registered document ${rule.fingerprint}`, ja: `登録済み文書 ${rule.fingerprint}` };
  }
  return { en: `restricted content (${rule.name})`, ja: `制限対象の内容（${rule.name}）` };
}

export function compileContentRules(policy: ContentPolicy): CompiledContentRules {
  const rules = policy.enabled ? policy.rules : [];
  return {
    enabled: policy.enabled,
    rules,
    detectors: [...new Set(rules.flatMap((r) => (r.detector ? [r.detector] : [])))],
    keywords: rules.flatMap((r) => (r.keywords ? [{ rule: r.name, words: r.keywords.map((k) => k.normalize('NFKC').toLowerCase()) }] : [])),
    regexes: rules.flatMap((r) => (r.regex ? [{ rule: r.name, regex: new RegExp(r.regex, 'giu') }] : [])),
    fingerprints: rules.some((r) => r.fingerprint) ? policy.fingerprints.map((f) => ({
      name: f.name,
      label: f.label ?? { en: `the registered document ${f.name}`, ja: `登録済み文書 ${f.name}` },
      shingleChars: f.shingle_chars,
      hashes: decodeHashes(f.hashes),
      minOverlap: f.min_overlap,
    })) : [],
    limits: policy.limits,
  };
}

/** One finding: a rule whose matches reached its threshold. */
export interface ContentFinding {
  rule: string;
  /** my_number, credit_card, …, keywords, regex, fingerprint. */
  detector: string;
  /** Distinct numbers (detectors; at most 100,000 are remembered, so that count is then a lower bound), occurrences (keywords, regexes), or percent of the document (fingerprints). */
  count: number;
  severity: Severity;
  mailAction: 'block' | 'warn' | 'off';
  label: LocalizedText;
}
