/**
 * Mail files (.eml, message/rfc822 parts) read with mailparser: subject and body text go to the scanner, each
 * attachment is inspected as a file of its own one level deeper, so a forwarded mail's attachments are listed
 * and read like the outer mail's. Attachments are streamed and hashed; only those within the per-file limit
 * are held whole for inspection.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { AttachmentStream, MessageText } from 'mailparser';
import { itemAt, type ContentNode, type InspectContext } from '../inspect-context.ts';
import type { InspectChild } from './zip.ts';

interface HeldAttachment {
  name: string;
  contentType: string;
  bytes?: Buffer;
  sizeBytes: number;
  sha256: string;
}

export async function readMail(context: InspectContext, node: ContentNode, inspectChild: InspectChild): Promise<void> {
  const { MailParser } = await import('mailparser');
  // ignoreEmbedded (passed on to mailsplit): an attached mail stays an attachment, inspected one level deeper.
  const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true, ignoreEmbedded: true } as ConstructorParameters<typeof MailParser>[0]);
  const held: HeldAttachment[] = [];
  const input = node.bytes ? Readable.from([Buffer.from(node.bytes)]) : createReadStream(node.file!);
  await new Promise<void>((resolve, reject) => {
    let pendingAttachments = 0;
    let ended = false;
    const maybeDone = () => { if (ended && pendingAttachments === 0) resolve(); };
    parser.on('headers', (headers) => {
      const subject = headers.get('subject');
      if (typeof subject === 'string') context.scanner.push(`${subject}\n`);
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        context.scanner.push(data.text ?? '');
        return;
      }
      pendingAttachments += 1;
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      data.content.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
        if (size <= context.limits.max_file_bytes) chunks.push(chunk);
      });
      data.content.on('end', () => {
        // The type as declared in the part's header (mailparser's contentType may be guessed from the name).
        const declared = data.headers?.get('content-type') as { value?: string } | string | undefined;
        held.push({
          name: data.filename ?? (data.contentType === 'message/rfc822' ? 'message.eml' : 'attachment'),
          contentType: (typeof declared === 'string' ? declared : declared?.value ?? '').toLowerCase(), sizeBytes: size, sha256: hash.digest('hex'),
          bytes: size <= context.limits.max_file_bytes ? Buffer.concat(chunks) : undefined,
        });
        data.release?.();
        pendingAttachments -= 1;
        maybeDone();
      });
    });
    parser.on('error', reject);
    parser.on('end', () => { ended = true; maybeDone(); });
    input.on('error', reject);
    input.pipe(parser);
  });
  for (const attachment of held) {
    context.checkTime();
    const path = [...node.path, attachment.name];
    if (!attachment.bytes) {
      const reason = `${attachment.sizeBytes} bytes, over the per-file limit of ${context.limits.max_file_bytes}`;
      context.items.push({ path, format: 'unsupported', detectedType: '', declaredType: attachment.contentType, sizeBytes: attachment.sizeBytes, sha256: attachment.sha256, notInspected: reason });
      context.gap(path, reason);
      continue;
    }
    await inspectChild({ path, depth: node.depth + 1, bytes: attachment.bytes, sizeBytes: attachment.sizeBytes, declaredType: attachment.contentType });
    const item = itemAt(context, path);
    if (item) item.sha256 = attachment.sha256;
  }
}
