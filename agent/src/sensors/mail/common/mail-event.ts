import type { MailAttachment, MailEvent } from '@mamori/proto';
import type { InspectResultShape } from '../../../inspect/common/result-shape.ts';
import { toContentInspection, toWireFinding } from '../../../inspect/common/to-event.ts';
import { maskSensitive } from './detectors.ts';
import type { MailDecision } from './mail-policy.ts';
import type { AttachmentSummary, MimeSummary } from './mime-summary.ts';

/** How the record's user was known: the client's SMTP login, the OS user owning its connection, or the console user. */
export type UserSource = 'smtp_auth' | 'connection_owner' | 'logged_in';

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

/**
 * The attachments as logged: each top-level part with its declared and detected types and its inspection, then
 * right after it the attachments of a mail attached to it (a forwarded message), with their place in the tree.
 */
export function loggedAttachments(attachments: readonly AttachmentSummary[], inspections: readonly (InspectResultShape | undefined)[]): MailAttachment[] {
  const out: MailAttachment[] = [];
  attachments.forEach((a, index) => {
    const inspection = inspections[index];
    out.push({
      fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes, sha256: a.sha256, inline: a.inline,
      declaredType: a.declaredType, detectedType: inspection?.detectedType ?? '', partPath: [a.fileName],
      ...(inspection ? { content: toContentInspection(inspection) } : {}),
    });
    if (!inspection) return;
    const formatAt = new Map<string, string>([[JSON.stringify([inspection.items[0]?.path[0] ?? a.fileName]), inspection.format]]);
    for (const item of inspection.items) formatAt.set(JSON.stringify(item.path), item.format);
    for (const item of inspection.items) {
      // Only parts of attached mails are attachments; entries of zip archives stay in the inspection's item list.
      if (formatAt.get(JSON.stringify(item.path.slice(0, -1))) !== 'eml') continue;
      const path = [a.fileName, ...item.path.slice(1)];
      out.push({
        fileName: item.path.at(-1) ?? '', contentType: item.declaredType || item.detectedType, sizeBytes: item.sizeBytes,
        sha256: item.sha256, inline: false, declaredType: item.declaredType, detectedType: item.detectedType, partPath: path,
      });
    }
  });
  return out;
}

export function toMailEvent(input: {
  summary: MimeSummary; envelope: MailEnvelope; sizeBytes: number; decision: MailDecision;
  verdict: MailVerdict; upstreamResponse: string; excerptChars: number;
  /** Per attachment (same order), what content inspection made of it; absent when inspection is off. */
  inspections?: readonly (InspectResultShape | undefined)[];
  userSource?: UserSource;
}): MailEvent {
  const { summary, envelope, decision } = input;
  const inspections = input.inspections ?? [];
  return {
    messageId: summary.messageId,
    from: summary.from || envelope.mailFrom,
    to: summary.to,
    cc: summary.cc,
    bcc: bccRecipients(summary, envelope.recipients),
    subject: maskSensitive(summary.subject),
    sizeBytes: input.sizeBytes,
    bodyExcerpt: bodyExcerpt(summary.bodyText, input.excerptChars),
    attachments: loggedAttachments(summary.attachments, inspections),
    verdict: input.verdict,
    rule: decision.hits.map((h) => h.rule).join(','),
    malformed: summary.malformed,
    upstreamResponse: input.upstreamResponse,
    userSource: input.userSource ?? '',
    contentFindings: inspections.flatMap((inspection) => inspection?.findings.map(toWireFinding) ?? []),
    structureProblems: summary.problems,
  };
}
