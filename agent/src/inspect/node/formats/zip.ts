/**
 * Zip archives and the Office Open XML files that are zip archives (docx, xlsx, pptx), read with yauzl: the
 * central directory first, so every entry's sizes and encryption flag are known before a byte is unpacked;
 * entries stream out one at a time, counted against the archive's limits (yauzl also checks that an entry
 * unpacks to no more than it declared). Office parts' text is read by common/ooxml-text.ts.
 */
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile, type ZipFileOptions } from 'yauzl';
import { OoxmlTextReader } from '../../common/ooxml-text.ts';
import type { ContentFormat } from '../../common/sniff.ts';
import { itemAt, type ContentNode, type InspectContext } from '../inspect-context.ts';

/** Inspects a file found inside a container (the dispatcher, passed in to keep the import graph a tree). */
export type InspectChild = (node: ContentNode) => Promise<void>;

function openZip(node: ContentNode): Promise<ZipFile> {
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true };
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, zip?: ZipFile) => (error || !zip ? reject(error ?? new Error('unreadable zip')) : resolve(zip));
    if (node.bytes) yauzl.fromBuffer(Buffer.from(node.bytes.buffer, node.bytes.byteOffset, node.bytes.byteLength), options, done);
    else yauzl.open(node.file!, options, done);
  });
}

function listEntries(zip: ZipFile, max: number): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      if (entries.length >= max) resolve(entries);
      else zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry, options?: { decompress: boolean }): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, stream?: Readable) => (error || !stream ? reject(error ?? new Error('unreadable entry')) : resolve(stream));
    // yauzl takes a partial options object; its typings ask for every field.
    if (options) zip.openReadStream(entry, options as unknown as ZipFileOptions, done);
    else zip.openReadStream(entry, done);
  });
}

/** Office parts up to this size are inflated in one call (a streamed inflate hands back 16 KB at a time). */
const wholePartBytes = 32 * 1024 * 1024;

/** Which Office document a zip is, by its parts. */
function officeKind(names: ReadonlySet<string>): 'docx' | 'xlsx' | 'pptx' | undefined {
  if (!names.has('[Content_Types].xml')) return undefined;
  if (names.has('word/document.xml')) return 'docx';
  if (names.has('xl/workbook.xml')) return 'xlsx';
  if (names.has('ppt/presentation.xml')) return 'pptx';
  return undefined;
}

/** The XML parts holding a document's text, in reading order. */
const textParts: Record<'docx' | 'xlsx' | 'pptx', RegExp> = {
  docx: /^word\/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/,
  xlsx: /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/,
  pptx: /^ppt\/(slides\/slide\d+|notesSlides\/notesSlide\d+)\.xml$/,
};
const embedded = /^(word|xl|ppt)\/embeddings\//;

const naturalOrder = (a: Entry, b: Entry) => a.fileName.localeCompare(b.fileName, 'en', { numeric: true });

/** Why an entry must not be unpacked, or undefined when it may. */
function refusal(context: InspectContext, entry: Entry): string | undefined {
  const { limits } = context;
  if (entry.isEncrypted()) return 'encrypted';
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize > 1024 * 1024 && ratio > limits.max_ratio) {
    return `compression ratio ${Math.round(ratio)}:1 over the limit of ${limits.max_ratio}:1 (zip bomb?)`;
  }
  if (entry.uncompressedSize > limits.max_file_bytes) return `${entry.uncompressedSize} bytes unpacked, over the per-file limit of ${limits.max_file_bytes}`;
  if (context.unpackedBytes + entry.uncompressedSize > limits.max_unpacked_bytes) {
    return `unpacking it would pass the archive limit of ${limits.max_unpacked_bytes} bytes`;
  }
  return undefined;
}

async function readWhole(context: InspectContext, zip: ZipFile, entry: Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = await openEntry(zip, entry);
  for await (const chunk of stream) {
    context.checkTime();
    context.unpackedBytes += (chunk as Buffer).length;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a zip archive: an Office document's text parts (and files embedded in it), or every entry of a plain
 * archive as a file of its own. Returns what the archive turned out to be.
 */
export async function readZip(context: InspectContext, node: ContentNode, inspectChild: InspectChild): Promise<ContentFormat> {
  const zip = await openZip(node);
  try {
    const max = context.limits.max_entries;
    if (zip.entryCount > max) context.gap(node.path, `${zip.entryCount} entries, only the first ${max} read`);
    const entries = await listEntries(zip, max);
    const kind = officeKind(new Set(entries.map((e) => e.fileName)));
    if (kind) {
      await readOffice(context, zip, node, entries, kind, inspectChild);
      return kind;
    }
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      await readEntry(context, zip, node, entry, inspectChild);
    }
    return 'zip';
  } finally {
    zip.close();
  }
}

async function readEntry(context: InspectContext, zip: ZipFile, node: ContentNode, entry: Entry, inspectChild: InspectChild): Promise<void> {
  context.checkTime();
  const path = [...node.path, entry.fileName];
  const refused = refusal(context, entry);
  if (refused) {
    context.items.push({ path, format: 'unsupported', detectedType: '', declaredType: '', sizeBytes: entry.uncompressedSize, sha256: '', notInspected: refused });
    context.gap(path, refused);
    return;
  }
  const bytes = await readWhole(context, zip, entry);
  await inspectChild({
    path, depth: node.depth + 1, bytes, sizeBytes: bytes.length, declaredType: '',
  });
  const item = itemAt(context, path);
  if (item && !item.sha256) item.sha256 = createHash('sha256').update(bytes).digest('hex');
}

async function readOffice(
  context: InspectContext, zip: ZipFile, node: ContentNode, entries: Entry[], kind: 'docx' | 'xlsx' | 'pptx', inspectChild: InspectChild,
): Promise<void> {
  const parts = entries.filter((e) => textParts[kind].test(e.fileName)).sort(naturalOrder);
  // Shared strings first: worksheets refer to them by number.
  parts.sort((a, b) => Number(b.fileName.endsWith('sharedStrings.xml')) - Number(a.fileName.endsWith('sharedStrings.xml')));
  for (const part of parts) {
    const refused = refusal(context, part);
    if (refused) {
      context.gap([...node.path, part.fileName], refused);
      continue;
    }
    if (part.compressionMethod === 8 && part.uncompressedSize <= wholePartBytes) await readXmlWhole(context, zip, part);
    else await readXmlText(context, await openEntry(zip, part));
  }
  for (const entry of entries.filter((e) => embedded.test(e.fileName) && !e.fileName.endsWith('/'))) {
    await readEntry(context, zip, node, entry, inspectChild);
  }
}

/** Reads a deflated XML part's compressed bytes, inflates them in one call and reads its text. */
async function readXmlWhole(context: InspectContext, zip: ZipFile, part: Entry): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openEntry(zip, part, { decompress: false })) {
    context.checkTime();
    chunks.push(chunk as Buffer);
  }
  // At most the size the archive declares (what yauzl's streamed inflate checks too): a lying entry is an error.
  const xml = inflateRawSync(Buffer.concat(chunks), { maxOutputLength: Math.max(1, part.uncompressedSize) });
  if (xml.length !== part.uncompressedSize) throw new Error(`${part.fileName}: unpacks to ${xml.length} bytes, not the ${part.uncompressedSize} declared`);
  context.unpackedBytes += xml.length;
  if (context.unpackedBytes > context.limits.max_unpacked_bytes) throw new Error(`unpacking passed the archive limit of ${context.limits.max_unpacked_bytes} bytes`);
  context.checkTime();
  const reader = new OoxmlTextReader((text) => context.scanner.push(text));
  reader.write(new TextDecoder('utf-8').decode(xml));
  reader.close();
}

/**
 * Streams one XML part through the OOXML text reader into the scanner: the text of `t` elements (runs in Word,
 * PowerPoint, Excel strings) and of `v` elements of cells that are not shared-string references (numbers in Excel).
 */
async function readXmlText(context: InspectContext, stream: Readable): Promise<void> {
  const scanner = context.scanner;
  const reader = new OoxmlTextReader((text) => scanner.push(text));
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) {
    context.checkTime();
    context.unpackedBytes += (chunk as Buffer).length;
    if (context.unpackedBytes > context.limits.max_unpacked_bytes) {
      stream.destroy();
      throw new Error(`unpacking passed the archive limit of ${context.limits.max_unpacked_bytes} bytes`);
    }
    reader.write(decoder.decode(chunk as Buffer, { stream: true }));
  }
  reader.write(decoder.decode());
  reader.close();
}
