import { decodeEvent, type Event__Output } from '@mamori/proto';
import type { StoredEvent } from '../store/types.ts';
import type { SiemConfig, SiemSinkConfig } from './config.ts';
import { formatRecord } from './format-record.ts';
import { eventSeverity, severityRank } from './severity.ts';

/** The most bytes handed to a sink at once (a bound on memory and on what one write holds up). */
const CHUNK_BYTES = 256 * 1024;

/**
 * A page of stored events packed into a few flat arrays: it crosses to a formatting thread as one structured clone
 * of four string lists plus transferred buffers, not a thousand objects with a Buffer each.
 */
export interface PackedPage {
  numbers: Float64Array; // per event: id, seq, timeMs, receivedMs
  strings: string[]; // per event: agentId, pc, user, kind
  data: Uint8Array; // per event: hash then bytes
  ends: Uint32Array; // per event: end of its hash, end of its bytes (in data)
}

/** Bytes ready for a sink, with the id of the last event they cover (formatted or skipped) and how many they hold. */
export interface FormattedChunk {
  bytes: Uint8Array;
  throughId: number;
  count: number;
}

export function packPage(rows: readonly StoredEvent[]): PackedPage {
  const numbers = new Float64Array(rows.length * 4);
  const strings = new Array<string>(rows.length * 4);
  const ends = new Uint32Array(rows.length * 2);
  let total = 0;
  for (const row of rows) total += row.hash.length + row.bytes.length;
  const data = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  rows.forEach((row, i) => {
    numbers[i * 4] = row.id;
    numbers[i * 4 + 1] = row.seq;
    numbers[i * 4 + 2] = row.timeMs;
    numbers[i * 4 + 3] = row.receivedMs;
    strings[i * 4] = row.agentId;
    strings[i * 4 + 1] = row.pc;
    strings[i * 4 + 2] = row.user;
    strings[i * 4 + 3] = row.kind;
    data.set(row.hash, offset);
    offset += row.hash.length;
    ends[i * 2] = offset;
    data.set(row.bytes, offset);
    offset += row.bytes.length;
    ends[i * 2 + 1] = offset;
  });
  return { numbers, strings, data, ends };
}

export function unpackPage(page: PackedPage): StoredEvent[] {
  const data = Buffer.from(page.data.buffer, page.data.byteOffset, page.data.byteLength);
  const rows: StoredEvent[] = [];
  let start = 0;
  for (let i = 0; i < page.numbers.length / 4; i += 1) {
    const hashEnd = page.ends[i * 2]!;
    const end = page.ends[i * 2 + 1]!;
    rows.push({
      id: page.numbers[i * 4]!, seq: page.numbers[i * 4 + 1]!, timeMs: page.numbers[i * 4 + 2]!, receivedMs: page.numbers[i * 4 + 3]!,
      agentId: page.strings[i * 4]!, pc: page.strings[i * 4 + 1]!, user: page.strings[i * 4 + 2]!, kind: page.strings[i * 4 + 3]!,
      hash: data.subarray(start, hashEnd), bytes: data.subarray(hashEnd, end),
    });
    start = end;
  }
  return rows;
}

/**
 * One page of events in a sink's wire format, cut into chunks of about CHUNK_BYTES. Events the sink's kinds or
 * minimum severity leave out are covered by a chunk's `throughId` all the same (the cursor moves past them); the
 * last chunk always ends at the page's last event, even when it holds no bytes.
 */
export function formatPage(rows: readonly StoredEvent[], sink: SiemSinkConfig, siem: SiemConfig): FormattedChunk[] {
  const kinds = sink.kinds.length ? new Set(sink.kinds) : undefined;
  const minimum = severityRank(sink.min_severity);
  const chunks: FormattedChunk[] = [];
  let parts: string[] = [];
  let length = 0;
  let count = 0;
  for (const [index, stored] of rows.entries()) {
    if (!kinds || kinds.has(stored.kind)) {
      let event: Event__Output | undefined;
      try {
        event = decodeEvent(stored.bytes);
      } catch {
        event = undefined; // a payload that does not decode is still exported, with its envelope
      }
      const severity = eventSeverity(stored.kind, event, siem);
      if (severityRank(severity) >= minimum) {
        const frame = formatRecord(sink, siem, stored, event, severity);
        parts.push(frame);
        // Characters, not bytes: a bound on memory is all this needs; the bytes are made once per chunk.
        length += frame.length;
        count += 1;
      }
    }
    if (length >= CHUNK_BYTES || index === rows.length - 1) {
      chunks.push({ bytes: ownedUtf8(parts.join('')), throughId: stored.id, count });
      parts = [];
      length = 0;
      count = 0;
    }
  }
  return chunks;
}

/** UTF-8 bytes in an ArrayBuffer of their own (Buffer.from may use the shared pool, which cannot be transferred). */
function ownedUtf8(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 0, 'utf8');
  return bytes;
}
