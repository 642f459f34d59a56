import type { Readable } from 'node:stream';
import { MailParser, type AddressObject, type AttachmentStream, type Headers, type MessageText } from 'mailparser';
import { checkStructure } from './mime-structure.ts';

export interface AttachmentSummary {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** Shown inside the body (cid images, inline disposition) rather than offered as a file. */
  inline: boolean;
  /** The part's Content-Type header as sent ('' without one); `contentType` may be guessed from the name. */
  declaredType: string;
  /** The decoded bytes, for content inspection, when the caller asked for them and the part is within the limit. */
  content?: Buffer;
}

/** What the log and the policy need from one message; never the attachment content. */
export interface MimeSummary {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  /** Bcc header, when the client left one in (most strip it; the relay adds envelope-only recipients). */
  bcc: string[];
  subject: string;
  /** Decoded body text, capped at `maxTextChars` (for the policy scan; the log keeps a shorter excerpt). */
  bodyText: string;
  attachments: AttachmentSummary[];
  malformed: boolean;
  /** Why the message counts as malformed, one line each. */
  problems: string[];
}

export interface SummarizeOptions {
  /** Body text kept for scanning; the rest is dropped so a huge text body cannot exhaust memory. */
  maxTextChars?: number;
  /** Attachments up to this size are kept whole in `content` for inspection (0: none are kept). */
  holdAttachmentBytes?: number;
}

/**
 * Summarises a message read from `open()` (called twice: once for the structure check, once for content), so
 * a 25 MB attachment flows through as a stream and is hashed on the way, never held in memory. Never
 * rejects: a message that cannot be parsed comes back as malformed with what could be read.
 */
export async function summarizeMime(open: () => Readable, options: SummarizeOptions = {}): Promise<MimeSummary> {
  const maxTextChars = options.maxTextChars ?? 200_000;
  const [structure, content] = await Promise.all([checkStructure(open(), maxTextChars), parseContent(open(), maxTextChars, options.holdAttachmentBytes ?? 0)]);
  const problems = [...structure.problems, ...content.problems];
  let bodyText = content.bodyText;
  // A broken multipart hides its text from the parser; scan the raw body instead so policy still applies.
  if (!bodyText.trim() && structure.problems.length > 0) bodyText = structure.rawBodyText;
  return { ...content.summary, bodyText, malformed: problems.length > 0, problems };
}

interface ContentResult {
  summary: Omit<MimeSummary, 'bodyText' | 'malformed' | 'problems'>;
  bodyText: string;
  problems: string[];
}

function parseContent(input: Readable, maxTextChars: number, holdBytes: number): Promise<ContentResult> {
  return new Promise((resolve) => {
    const summary: ContentResult['summary'] = { messageId: '', from: '', to: [], cc: [], bcc: [], subject: '', attachments: [] };
    const problems: string[] = [];
    let bodyText = '';
    let settled = false;
    // ignoreEmbedded (a mailsplit option mailparser passes on): an attached message/rfc822 stays one attachment,
    // so it is logged as the forwarded mail it is and content inspection lists its own attachments beneath it.
    const parser = new MailParser({ checksumAlgo: 'sha256', skipTextToHtml: true, skipImageLinks: true, ignoreEmbedded: true } as ConstructorParameters<typeof MailParser>[0]);
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve({ summary, bodyText, problems });
    };
    parser.on('headers', (headers: Headers) => {
      try {
        summary.messageId = stringHeader(headers.get('message-id'));
        summary.subject = stringHeader(headers.get('subject'));
        summary.from = addresses(headers.get('from'))[0] ?? '';
        summary.to = addresses(headers.get('to'));
        summary.cc = addresses(headers.get('cc'));
        summary.bcc = addresses(headers.get('bcc'));
      } catch (error) {
        problems.push(`unreadable headers: ${(error as Error).message}`);
      }
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        bodyText = (data.text ?? '').slice(0, maxTextChars);
        return;
      }
      const attachment = data;
      const held: Buffer[] = [];
      let heldBytes = 0;
      if (holdBytes > 0) {
        attachment.content.on('data', (chunk: Buffer) => {
          heldBytes += chunk.length;
          if (heldBytes <= holdBytes) held.push(chunk);
        });
      }
      attachment.content.on('end', () => {
        const declared = attachment.headers?.get('content-type') as { value?: string } | string | undefined;
        summary.attachments.push({
          declaredType: (typeof declared === 'string' ? declared : declared?.value ?? '').toLowerCase(),
          ...(holdBytes > 0 && heldBytes <= holdBytes ? { content: Buffer.concat(held) } : {}),
          fileName: attachment.filename ?? '',
          contentType: attachment.contentType,
          sizeBytes: attachment.size ?? 0,
          sha256: attachment.checksum ?? '',
          inline: attachment.related === true || attachment.contentDisposition === 'inline',
        });
        attachment.release?.();
      });
      if (holdBytes === 0) attachment.content.resume();
    });
    parser.on('error', (error: Error) => {
      problems.push(`parse error: ${error.message}`);
      input.unpipe(parser);
      input.destroy();
      finish();
    });
    parser.on('end', finish);
    input.on('error', (error) => {
      problems.push(`read error: ${error.message}`);
      finish();
    });
    input.pipe(parser);
  });
}

function stringHeader(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** "Name <address>" (or the bare address) for each address, groups flattened. */
function addresses(value: unknown): string[] {
  if (!value) return [];
  const objects = (Array.isArray(value) ? value : [value]) as AddressObject[];
  const out: string[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address || entry.name) out.push(entry.name ? `${entry.name} <${entry.address ?? ''}>` : entry.address ?? '');
    }
  };
  for (const object of objects) visit(object.value ?? []);
  return out;
}
