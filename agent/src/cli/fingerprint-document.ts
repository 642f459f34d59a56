import { basename } from 'node:path';
import { ContentPolicySchema } from '@mamori/policies';
import { stringify } from 'yaml';
import { compileContentRules } from '../inspect/common/content-rules.ts';
import { encodeHashes, fingerprintText } from '../inspect/common/fingerprint.ts';
import { AgentError } from '../errors.ts';

export interface FingerprintEntry {
  name: string;
  label: { en: string; ja: string };
  hashes: string;
  /** Not part of the policy entry: how much text the hashes stand for. */
  chars: number;
  count: number;
}

/**
 * Registers a sensitive document: reads its text exactly as content inspection would (any supported format and
 * encoding) and makes the entry for policy `content.fingerprints`.
 */
export async function fingerprintDocument(file: string, name: string, label?: { en?: string; ja?: string }): Promise<FingerprintEntry> {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) throw new AgentError('AGENT_USAGE', '--name must be lower-case letters, digits and _ (starting with a letter)');
  const pieces: string[] = [];
  const rules = compileContentRules(ContentPolicySchema.parse({ limits: { time_budget_ms: 600_000 } }));
  const { inspect } = await import('../inspect/node/inspect.ts');
  const result = await inspect({ name: basename(file), file }, rules, { onText: (text) => pieces.push(text) });
  if (result.status !== 'inspected') throw new AgentError('AGENT_DOCUMENT_UNREADABLE', `cannot read all of ${file}: ${result.reason}`);
  const text = pieces.join('');
  const hashes = fingerprintText(text);
  if (hashes.length < 4) throw new AgentError('AGENT_DOCUMENT_UNREADABLE', `${file} has too little text to recognise it by (${text.length} characters)`);
  return {
    name, label: { en: label?.en ?? basename(file), ja: label?.ja ?? label?.en ?? basename(file) },
    hashes: encodeHashes(hashes), chars: text.length, count: hashes.length,
  };
}

/** The entry as YAML, ready to paste under `content.fingerprints:` (indented for it). */
export function fingerprintYaml(entry: FingerprintEntry): string {
  const { chars, count, ...policyEntry } = entry;
  const body = stringify([policyEntry], { lineWidth: 0 }).trimEnd().split('\n').map((line) => `    ${line}`).join('\n');
  return `# ${count} shingle hashes from ${chars} characters; paste under content.fingerprints:\n${body}`;
}
