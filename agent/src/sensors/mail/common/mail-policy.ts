import type { MailAction, MailPattern, MailPolicy } from '@mamori/policies';
import type { ContentFinding } from '../../../inspect/common/content-rules.ts';
import { findCardNumbers, findMyNumbers, normalizeForScan } from './detectors.ts';
import { domainOf, inDomains } from './recipients.ts';

/** What the policy looks at: the envelope recipients (the real destinations, Bcc included) and the content. */
export interface MailFacts {
  recipients: readonly string[];
  attachments: readonly { fileName: string; inline: boolean }[];
  subject: string;
  bodyText: string;
  malformed: boolean;
  /** What content inspection found in each attachment (absent: inspection off). */
  contentFindings?: readonly { fileName: string; finding: ContentFinding }[];
}

/** The language the user reads refusals in. */
export type UserLanguage = 'ja' | 'en';

export interface MailRuleHit {
  /** Dotted rule name as shown in the log and console, e.g. "mail.patterns.my_number". */
  rule: string;
  action: Exclude<MailAction, 'off'>;
  /** One line for the log; never echoes the matched personal data itself. */
  detail: string;
  /** Shown to the user when this hit blocks the mail. */
  message: string;
}

export interface MailDecision {
  action: 'allow' | 'warn' | 'block';
  hits: MailRuleHit[];
  /** For a block: the text the mail client shows (policy's block message plus each blocking rule's message). */
  userMessage: string;
}

/** Decides one outgoing mail. Pure: the relay calls it after the message is spooled and parsed. */
export function evaluateMail(policy: MailPolicy, facts: MailFacts, language: UserLanguage = 'en'): MailDecision {
  const hits: MailRuleHit[] = [];
  const external = facts.recipients.filter((address) => {
    const domain = domainOf(address);
    return !inDomains(domain, policy.internal_domains) && !inDomains(domain, policy.allow_domains);
  });
  const externalDomains = [...new Set(external.map(domainOf))].sort();

  // Inline parts (signature logos, pasted screenshots) are part of the body, not files being sent.
  const files = facts.attachments.filter((a) => !a.inline);
  const ea = policy.external_attachments;
  if (ea.action !== 'off' && files.length > 0 && external.length > 0) {
    hits.push({
      rule: 'mail.external_attachments', action: ea.action,
      detail: `${files.length} attachment(s) to external domain(s) ${externalDomains.join(', ')}`,
      message: ea.message ?? `Attachments to addresses outside the company (${externalDomains.join(', ')}) are not allowed.`,
    });
  }

  const er = policy.external_recipients;
  if (er.action !== 'off' && external.length > er.max) {
    hits.push({
      rule: 'mail.external_recipients', action: er.action,
      detail: `${external.length} external recipients (limit ${er.max})`,
      message: er.message ?? `This mail has ${external.length} external recipients; the limit is ${er.max}.`,
    });
  }

  if (policy.patterns.some((p) => p.action !== 'off')) {
    const text = normalizeForScan([facts.subject, facts.bodyText, ...facts.attachments.map((a) => a.fileName)].join('\n'));
    for (const pattern of policy.patterns) {
      if (pattern.action === 'off') continue;
      const count = countMatches(pattern, text);
      if (count === 0) continue;
      hits.push({
        rule: `mail.patterns.${pattern.name}`, action: pattern.action,
        detail: `${describe(pattern)} found ${count} time(s)`,
        message: pattern.message ?? `The mail contains ${describe(pattern)}.`,
      });
    }
  }

  for (const { fileName, finding } of facts.contentFindings ?? []) {
    if (finding.mailAction === 'off') continue;
    hits.push({
      rule: `content.${finding.rule}`, action: finding.mailAction,
      detail: `${fileName}: ${finding.label.en} (${finding.detector} ${finding.count})`,
      message: language === 'ja'
        ? `添付ファイル「${fileName}」に${finding.label.ja}が含まれています。`
        : `The attachment ${fileName} contains ${finding.label.en}.`,
    });
  }

  if (facts.malformed && policy.malformed === 'refuse') {
    hits.push({
      rule: 'mail.malformed', action: 'block', detail: 'the MIME structure of the message is broken',
      message: 'The message is not correctly formatted (broken MIME structure); send it again or contact IT.',
    });
  }

  const blocking = hits.filter((h) => h.action === 'block');
  const action = blocking.length > 0 ? 'block' : hits.length > 0 ? 'warn' : 'allow';
  const first = language === 'ja' ? policy.block_message_ja : policy.block_message;
  const userMessage = blocking.length > 0 ? [first, ...blocking.map((h) => h.message)].join(' ') : '';
  return { action, hits, userMessage };
}

function describe(pattern: MailPattern): string {
  if (pattern.detector === 'my_number') return 'an individual number (My Number)';
  if (pattern.detector === 'credit_card') return 'a credit card number';
  if (pattern.keywords) return `a restricted keyword (${pattern.name})`;
  return `restricted content (${pattern.name})`;
}

function countMatches(pattern: MailPattern, normalized: string): number {
  if (pattern.detector === 'my_number') return findMyNumbers(normalized).length;
  if (pattern.detector === 'credit_card') return findCardNumbers(normalized).length;
  if (pattern.keywords) {
    const lower = normalized.toLowerCase();
    return pattern.keywords.filter((k) => lower.includes(normalizeForScan(k).toLowerCase())).length;
  }
  if (pattern.regex) return [...normalized.matchAll(new RegExp(pattern.regex, 'giu'))].length;
  return 0;
}
