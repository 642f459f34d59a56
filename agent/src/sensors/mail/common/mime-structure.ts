import type { Readable } from 'node:stream';
import type { EventEmitter } from 'node:events';
import { Splitter } from '@zone-eu/mailsplit';

export interface StructureResult {
  /** Why the structure is broken, empty when it is sound. */
  problems: string[];
  /** The first characters of the raw body, for messages whose text the MIME parser cannot reach. */
  rawBodyText: string;
}

interface SplitterNode {
  type: 'node';
  multipart: string | false;
  _boundary: Buffer | false;
  parentNode: SplitterNode | false;
}

/**
 * Walks the MIME tree and reports what a lenient parser silently papers over: a multipart without a boundary
 * parameter, or whose boundary never appears (so the whole body is one unparsed blob). Streaming: only node
 * headers and the first `keepChars` of body bytes are kept.
 */
export function checkStructure(input: Readable, keepChars: number): Promise<StructureResult> {
  return new Promise((resolve) => {
    const problems: string[] = [];
    const children = new Map<SplitterNode, number>();
    // Boundaries whose closing delimiter line (--boundary--) was seen.
    const closed = new Set<string>();
    const raw: Buffer[] = [];
    let rawLength = 0;
    let settled = false;
    const splitter = new Splitter();
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const [node, count] of children) {
        if (!node._boundary) problems.push(`multipart/${node.multipart} without a boundary parameter`);
        else if (count === 0) problems.push(`multipart/${node.multipart} boundary "${node._boundary.toString()}" never appears in the body`);
        else if (!closed.has(node._boundary.toString('latin1'))) problems.push(`multipart/${node.multipart} boundary "${node._boundary.toString()}" is never closed (the final --${node._boundary.toString()}-- line is missing: the message may be cut off)`);
      }
      resolve({ problems, rawBodyText: Buffer.concat(raw).toString('utf8').slice(0, keepChars) });
    };
    splitter.on('data', (chunk) => {
      if (chunk.type === 'node') {
        const node = chunk as unknown as SplitterNode;
        if (node.multipart) children.set(node, 0);
        const parent = node.parentNode;
        if (parent && children.has(parent)) children.set(parent, (children.get(parent) ?? 0) + 1);
      } else if (chunk.type === 'data' && chunk.value && chunk.value.length < 65_536) {
        // Delimiter lines come in 'data' chunks (with the line break before them, sometimes several lines).
        for (const raw of chunk.value.toString('latin1').split('\n')) {
          const line = raw.trimEnd();
          if (line.startsWith('--') && line.endsWith('--') && line.length > 4) closed.add(line.slice(2, -2).trimEnd());
        }
      }
      if (chunk.type !== 'node' && chunk.value && rawLength < keepChars * 4) {
        raw.push(chunk.value);
        rawLength += chunk.value.length;
      }
    });
    // The package types declare only 'data'; the splitter is a Transform stream and emits the usual events.
    const events = splitter as unknown as EventEmitter;
    events.on('error', (error: Error) => {
      problems.push(`MIME structure error: ${error.message}`);
      input.unpipe(splitter);
      input.destroy();
      finish();
    });
    events.on('end', finish);
    input.on('error', (error) => {
      problems.push(`read error: ${error.message}`);
      finish();
    });
    input.pipe(splitter);
  });
}
