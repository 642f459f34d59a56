import { createReadStream } from 'node:fs';
import type { TextEncodingName } from '../../common/text-encoding.ts';
import type { ContentNode, InspectContext } from '../inspect-context.ts';
import { readPooled } from '../pooled-read.ts';

const chunkBytes = 1024 * 1024;
/**
 * Texts up to this size in UTF-8, Shift_JIS or EUC-JP are read whole and scanned as bytes (byte-text-pass.ts);
 * larger ones are decoded and streamed, so memory stays bounded.
 */
const wholeBytes = 32 * 1024 * 1024;

const byteEncodings = new Set<TextEncodingName>(['utf-8', 'shift_jis', 'euc-jp']);

/** Reads a text file or buffer in `encoding` into the scanner: as bytes where it can, else decoded piece by piece. */
export async function readText(context: InspectContext, node: ContentNode, encoding: TextEncodingName): Promise<void> {
  if (byteEncodings.has(encoding) && node.sizeBytes <= wholeBytes) {
    if (node.bytes) return pushWhole(context, node.bytes, encoding);
    if (!node.file) return;
    // Read into a reused buffer (pooled-read.ts), given back once the bytes are scanned: nothing keeps them.
    const pooled = await readPooled(node.file, node.sizeBytes);
    try {
      return pushWhole(context, pooled.bytes, encoding);
    } finally {
      pooled.release();
    }
  }
  if (node.bytes) {
    if ((encoding === 'utf-16le' || encoding === 'utf-16be') && pushUtf16(context, node.bytes, encoding)) return;
    return decodeBytes(context, node.bytes, encoding);
  }
  if (!node.file) return;
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  const stream = createReadStream(node.file, { highWaterMark: chunkBytes });
  try {
    for await (const chunk of stream) {
      context.checkTime();
      context.scanner.push(decoder.decode(chunk as Buffer, { stream: true }));
    }
  } finally {
    stream.destroy();
  }
  context.scanner.push(decoder.decode());
}

/** A whole text in UTF-8, Shift_JIS or EUC-JP: scanned as bytes where it can be, else decoded. Synchronous. */
function pushWhole(context: InspectContext, bytes: Uint8Array, encoding: TextEncodingName): void {
  context.checkTime();
  if (context.scanner.pushBytes(bytes, encoding as 'utf-8' | 'shift_jis' | 'euc-jp')) return;
  decodeBytes(context, bytes, encoding);
}

/** Any UTF-16 surrogate: TextDecoder and Buffer differ only on lone ones, so text with none is decoded by Buffer. */
const surrogate = /[\ud800-\udfff]/;

/**
 * UTF-16 in memory decoded by Buffer (a native copy of the code units) instead of TextDecoder, which goes through
 * ICU (a 2.1 MB UTF-16 CSV: 31 → 23 ms of inspection, CPU time). False, with nothing pushed, where the two could
 * differ (an odd length, any surrogate): the caller decodes with TextDecoder. The byte-order mark is dropped as
 * TextDecoder drops it.
 */
function pushUtf16(context: InspectContext, bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): boolean {
  if (bytes.length % 2 !== 0) return false;
  let units = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (encoding === 'utf-16be') units = Buffer.from(units).swap16();
  let text = units.toString('utf16le');
  if (surrogate.test(text)) return false;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // With no surrogate the text is the same as UTF-8 (a native conversion), which the byte pass reads at kernel
  // speed (a 2.1 MB UTF-16 CSV: 30 -> 12 ms of CPU); where it cannot (regex rules, forms the string path folds)
  // nothing was counted and the text goes the string way.
  context.checkTime();
  if (context.scanner.pushBytes(Buffer.from(text, 'utf8'), 'utf-8')) return true;
  for (let at = 0; at < text.length; at += chunkBytes / 2) {
    context.checkTime();
    context.scanner.push(text.slice(at, at + chunkBytes / 2));
  }
  return true;
}

/** Decodes bytes in memory piece by piece into the scanner (TextDecoder streams across pieces). */
function decodeBytes(context: InspectContext, bytes: Uint8Array, encoding: TextEncodingName): void {
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  for (let at = 0; at < bytes.length; at += chunkBytes) {
    context.checkTime();
    context.scanner.push(decoder.decode(bytes.subarray(at, at + chunkBytes), { stream: true }));
  }
  context.scanner.push(decoder.decode());
}
