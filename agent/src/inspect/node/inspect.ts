/**
 * The content inspection engine: one entry point for mail attachments, files copied to exits and uploads.
 * Reads text (any Japanese encoding), CSV, docx/xlsx/pptx, PDF, zip archives (nested) and mail files, and runs the
 * policy's detectors over their text in bounded memory and time. Every file gets an answer: inspected with its
 * findings, or not inspected with the reason (too large, encrypted, zip bomb, nested too deep, time budget,
 * unreadable, no text in this format) — plus whatever findings the parts that could be read had.
 *
 * OS interface: reads files with Node's fs. Privileges: read access to the file (the agent's own).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { CompiledContentRules } from '../common/content-rules.ts';
import type { InspectResultShape } from '../common/result-shape.ts';
import { ooxmlTypes, sniff, type ContentFormat } from '../common/sniff.ts';
import { detectTextEncoding } from '../common/text-encoding.ts';
import { readMail } from './formats/mail.ts';
import { readPdf } from './formats/pdf.ts';
import { readText } from './formats/text.ts';
import { readZip } from './formats/zip.ts';
import { BudgetExceeded, InspectContext, type ContentNode, type InspectedItem } from './inspect-context.ts';

export type { InspectedItem } from './inspect-context.ts';

/** What to inspect: a file on disk (streamed) or bytes already in memory (a mail attachment). */
export interface InspectSource {
  /** The name shown and used for format hints (.csv, .eml). */
  name: string;
  file?: string;
  bytes?: Uint8Array;
  /** The type the sender declared (a mail part's Content-Type). */
  declaredType?: string;
}

export type InspectResult = InspectResultShape;

const headBytes = 4096;
/** Files up to this size are read into memory once, when opened; larger ones are streamed by their reader. */
const wholeFileBytes = 4 * 1024 * 1024;

async function readHead(node: ContentNode): Promise<Uint8Array> {
  if (node.bytes) return node.bytes.subarray(0, headBytes);
  const handle = await open(node.file!, 'r');
  try {
    const buffer = Buffer.alloc(headBytes);
    const { bytesRead } = await handle.read(buffer, 0, headBytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readUpTo(handle: FileHandle, size: number): Promise<Uint8Array> {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function detectedTypeOf(format: ContentFormat, sniffed: string): string {
  return format === 'docx' || format === 'xlsx' || format === 'pptx' ? ooxmlTypes[format] : sniffed;
}

/** Inspects one node (the file, or something inside it) and records it in the context's item list. */
async function inspectNode(context: InspectContext, node: ContentNode): Promise<void> {
  const head = await readHead(node);
  const name = node.path.at(-1) ?? '';
  const encoding = detectTextEncoding(head);
  const sniffed = sniff(head, name, encoding !== undefined, node.declaredType);
  const item: InspectedItem = {
    path: node.path, format: sniffed.format, detectedType: sniffed.detectedType, declaredType: node.declaredType,
    sizeBytes: node.sizeBytes, sha256: '', notInspected: '',
  };
  context.items.push(item);
  const skip = (reason: string) => {
    item.notInspected = reason;
    context.gap(node.path, reason);
  };
  if (node.sizeBytes > context.limits.max_file_bytes) return skip(`${node.sizeBytes} bytes, over the per-file limit of ${context.limits.max_file_bytes}`);
  const container = sniffed.format === 'zip' || sniffed.format === 'eml';
  if (container && node.depth > context.limits.max_depth) return skip(`nested deeper than ${context.limits.max_depth} levels`);
  const child = (inner: ContentNode) => inspectNode(context, inner);
  try {
    switch (sniffed.format) {
      case 'text':
      case 'csv':
        await readText(context, node, encoding!);
        break;
      case 'zip':
        item.format = await readZip(context, node, child);
        item.detectedType = detectedTypeOf(item.format, sniffed.detectedType);
        break;
      case 'pdf':
        await readPdf(context, node);
        break;
      case 'eml':
        await readMail(context, node, child);
        break;
      default:
        skip(sniffed.detectedType === 'application/x-ole-storage'
          ? 'encrypted Office file or legacy Office format (.doc/.xls/.ppt): not read'
          : `no readable text in ${sniffed.detectedType}`);
    }
  } catch (error) {
    if (error instanceof BudgetExceeded) throw error;
    skip(`unreadable ${item.format}: ${(error as Error).message}`);
  }
}

/** Result of the top-level node: the format seen there is the file's. */
export async function inspect(source: InspectSource, rules: CompiledContentRules, options: { onText?: (text: string) => void } = {}): Promise<InspectResult> {
  const started = performance.now();
  const context = new InspectContext(rules, options.onText);
  let sizeBytes = source.bytes?.length ?? 0;
  let bytes = source.bytes;
  if (!source.bytes && source.file) {
    // Paths can come from reports (uploads): never follow a link, never block on a FIFO or device, regular files only.
    const handle = await open(source.file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new Error('not a regular file');
      sizeBytes = stats.size;
      // A small file is read whole through this handle (as many bytes as stat gave: a file still being written
      // is read as it was): opening it again for its head and again for its reader cost more than scanning a 50 KB CSV.
      if (sizeBytes <= Math.min(wholeFileBytes, rules.limits.max_file_bytes)) bytes = await readUpTo(handle, sizeBytes);
    } finally {
      await handle.close();
    }
  }
  if (bytes) sizeBytes = bytes.length;
  const node: ContentNode = { path: [source.name], depth: 0, bytes, file: source.file, sizeBytes, declaredType: source.declaredType ?? '' };
  try {
    await inspectNode(context, node);
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    context.gap([], error.message);
  }
  const top = context.items.find((i) => i.path.length === 1);
  return {
    status: context.gaps.length > 0 ? 'not_inspected' : 'inspected',
    reason: context.gaps.slice(0, 5).join('; ') + (context.gaps.length > 5 ? ` (+${context.gaps.length - 5} more)` : ''),
    format: top?.format ?? 'unsupported', detectedType: top?.detectedType ?? '',
    findings: context.scanner.finish(),
    items: context.items.filter((i) => i.path.length > 1),
    textChars: context.scanner.chars,
    elapsedMs: performance.now() - started,
  };
}
