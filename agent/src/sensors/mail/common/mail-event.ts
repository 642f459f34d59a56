import type { MailEvent } from '@mamori/proto';
import { maskSensitive } from './detectors.ts';
import type { MailDecision } from './mail-policy.ts';
import type { MimeSummary } from './mime-summary.ts';

/** What became of a message: relayed (clean), warned (relayed, a rule matched), blocked (by policy), failed. */
export type MailVerdict = 'relayed' | 'warned' | 'blocked' | 'failed';

export interface MailEnvelope {
  mailFrom: string;
  recipients: string[];
}

/** Envelope recipients absent from To/Cc are Bcc: the client strips the header, the envelope tells the truth. */
export function bccRecipients(summary: Pick<MimeSummary, 'to' | 'cc' | 'bcc'>, recipients: readonly string[]): string[] {
  const bare = (value: string) => (/<([^>]*)>\s*$/.exec(value)?.[1] ?? value).trim().toLowerCase();
  const visible = new Set([...summary.to, ...summary.cc].map(bare));
  const fromHeader = summary.bcc.filter((address) => !visible.has(bare(address)));
  const known = new Set(fromHeader.map(bare));
  return [...fromHeader, ...recipients.filter((r) => !visible.has(bare(r)) && !known.has(bare(r)))];
}

/**
 * Collapses whitespace, masks My Numbers and card numbers, and cuts to `chars`: the log holds a readable
 * excerpt, never a whole body, and never the personal numbers the policy looks for.
 */
export function bodyExcerpt(text: string, chars: number): string {
  // Mask a little beyond the cut so a number straddling it is still recognised whole.
  return [...maskSensitive([...text].slice(0, chars + 40).join('')).replace(/\s+/g, ' ').trim()].slice(0, chars).join('');
}

export function toMailEvent(input: {
  summary: MimeSummary; envelope: MailEnvelope; sizeBytes: number; decision: MailDecision;
  verdict: MailVerdict; upstreamResponse: string; excerptChars: number;
}): MailEvent {
  const { summary, envelope, decision } = input;
  return {
    messageId: summary.messageId,
    from: summary.from || envelope.mailFrom,
    to: summary.to,
    cc: summary.cc,
    bcc: bccRecipients(summary, envelope.recipients),
    subject: maskSensitive(summary.subject),
    sizeBytes: input.sizeBytes,
    bodyExcerpt: bodyExcerpt(summary.bodyText, input.excerptChars),
    attachments: summary.attachments.map((a) => ({
      fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes, sha256: a.sha256, inline: a.inline,
    })),
    verdict: input.verdict,
    rule: decision.hits.map((h) => h.rule).join(','),
    malformed: summary.malformed,
    upstreamResponse: input.upstreamResponse,
  };
}
