import { createReadStream } from 'node:fs';
import type { TextEncodingName } from '../../common/text-encoding.ts';
import type { ContentNode, InspectContext } from '../inspect-context.ts';

const chunkBytes = 1024 * 1024;

/** Decodes a text file or buffer in `encoding` piece by piece into the scanner (TextDecoder streams across pieces). */
export async function readText(context: InspectContext, node: ContentNode, encoding: TextEncodingName): Promise<void> {
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  if (node.bytes) {
    for (let at = 0; at < node.bytes.length; at += chunkBytes) {
      context.checkTime();
      context.scanner.push(decoder.decode(node.bytes.subarray(at, at + chunkBytes), { stream: true }));
    }
  } else if (node.file) {
    const stream = createReadStream(node.file, { highWaterMark: chunkBytes });
    try {
      for await (const chunk of stream) {
        context.checkTime();
        context.scanner.push(decoder.decode(chunk as Buffer, { stream: true }));
      }
    } finally {
      stream.destroy();
    }
  }
  context.scanner.push(decoder.decode());
}
