import { decodeEvent, type Event__Output } from '@mamori/proto';
import type { StoredEvent } from '../store/types.ts';
import type { SiemConfig, SiemSinkConfig } from './config.ts';
import { recordText } from './format-record.ts';
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
  const framed = sink.format === 'syslog';
  const chunks: FormattedChunk[] = [];
  let bytes = new ChunkBytes();
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
        bytes.add(recordText(sink, siem, stored, event, severity), framed);
        count += 1;
      }
    }
    if (bytes.length >= CHUNK_BYTES || index === rows.length - 1) {
      chunks.push({ bytes: bytes.take(), throughId: stored.id, count });
      bytes = new ChunkBytes();
      count = 0;
    }
  }
  return chunks;
}

/**
 * A chunk's bytes, each record encoded to UTF-8 once, straight into the chunk: a syslog frame's octet count is the
 * number of bytes written (RFC 6587), so no separate length pass, no joined string and no second encoding.
 * The buffer is the chunk's own (never Buffer's shared pool), so it can be transferred between threads.
 */
class ChunkBytes {
  static #scratch = Buffer.allocUnsafeSlow(64 * 1024);
  #buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES + 64 * 1024);
  length = 0;

  add(text: string, framed: boolean): void {
    const most = text.length * 3; // a UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair: 4 for 2 units)
    if (!framed) {
      this.#reserve(most);
      this.length += this.#buffer.write(text, this.length, 'utf8');
      return;
    }
    if (ChunkBytes.#scratch.length < most) ChunkBytes.#scratch = Buffer.allocUnsafeSlow(most * 2);
    const size = ChunkBytes.#scratch.write(text, 0, 'utf8');
    const prefix = `${size} `;
    this.#reserve(prefix.length + size);
    this.length += this.#buffer.write(prefix, this.length, 'latin1');
    this.length += ChunkBytes.#scratch.copy(this.#buffer, this.length, 0, size);
  }

  /** The bytes written, in a buffer of their own. */
  take(): Buffer {
    return this.#buffer.subarray(0, this.length);
  }

  #reserve(more: number): void {
    if (this.length + more <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#buffer.length * 2, this.length + more));
    this.#buffer.copy(grown, 0, 0, this.length);
    this.#buffer = grown;
  }
}
