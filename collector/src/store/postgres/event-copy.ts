import type { Writable } from 'node:stream';
import type { AcceptedBatch } from '../types.ts';

/**
 * The `events` rows of accepted batches in PostgreSQL's binary COPY format, for one
 * `COPY events (<eventCopyColumns>) FROM STDIN (FORMAT binary)`.
 *
 * Why binary and why by hand: the text forms (COPY text, or `bytea[]` parameters as node-pg sends them) spell every
 * byte of evidence as two hex digits that the collector writes and the server parses back; in binary the event bytes,
 * hashes and seals are copied as they are. The format is fixed and documented (COPY, "Binary Format": a header, then
 * per row a field count and length-prefixed fields, then -1) and only three column types occur here (text, bigint,
 * bytea); the npm codec for it (pg-copy-streams-binary) works row by row on object streams, which costs more than
 * the bytes themselves.
 */
export const eventCopyColumns = 'agent_id, seq, pc, time_ms, received_ms, kind, user_name, hash, bytes, seal_chain, seal_epoch, seal';

const fieldCount = 12;
const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags (int32 0), header extension length (int32 0): what a binary COPY stream starts with. */
export const eventCopyHeader: Buffer = Buffer.concat([signature, Buffer.alloc(8)]);
/** The field count -1 that ends a binary COPY stream. */
export const eventCopyTrailer: Buffer = Buffer.from([0xff, 0xff]);
const sealLength = 32;
/** Per row, whatever its values: the field count and 12 length words. */
const rowFraming = 2 + fieldCount * 4;

/*
 * The writers below store bytes one by one into the row buffer instead of calling Buffer's writeInt32BE /
 * writeBigInt64BE / copy per field: those cost a call with argument checks each (and a BigInt per bigint), and in a
 * profile of bench:ingest at 1,000 agents (100k events) encoding took ~10% of the collector's main thread in the
 * ingest window, most of it in those calls and in fresh per-field Buffers for the texts.
 */

/** `value`'s UTF-8 byte length (ASCII, the usual case, without a call into the runtime); throws if it is no string. */
function textLength(value: unknown, column: string): number {
  if (typeof value !== 'string') throw new TypeError(`events.${column}: expected text, got ${typeof value}`);
  for (let i = 0; i < value.length; i += 1) if (value.charCodeAt(i) > 0x7f) return Buffer.byteLength(value, 'utf8');
  return value.length;
}

function bigint(value: unknown, column: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`events.${column}: expected an integer, got ${String(value)}`);
  return value;
}

function putInt32(out: Buffer, at: number, value: number): number {
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
  return at + 4;
}

/** A bigint field: length word 8, then the safe integer in 8 bytes big-endian (two's complement). */
function putInt8Field(out: Buffer, at: number, value: number): number {
  const high = Math.floor(value / 0x1_0000_0000);
  return putInt32(out, putInt32(out, putInt32(out, at, 8), high), value - high * 0x1_0000_0000);
}

/** A text field of `length` UTF-8 bytes (as `textLength` counted them). */
function putTextField(out: Buffer, at: number, value: string, length: number): number {
  at = putInt32(out, at, length);
  if (length === value.length) {
    for (let i = 0; i < length; i += 1) out[at + i] = value.charCodeAt(i);
  } else {
    out.write(value, at, length, 'utf8');
  }
  return at + length;
}

function putBytesField(out: Buffer, at: number, value: Uint8Array): number {
  at = putInt32(out, at, value.length);
  out.set(value, at);
  return at + value.length;
}

/** One batch's rows (no header or trailer): throws on a value the column cannot hold, so one bad batch fails alone. */
export function encodeEventRows(batch: AcceptedBatch, receivedMs: number): Buffer {
  const { events, seal } = batch;
  textLength(batch.agentId, 'agent_id');
  // The same for every row: encoded once.
  const agent = Buffer.from(batch.agentId, 'utf8');
  const received = bigint(receivedMs, 'received_ms');
  if (seal) bigint(seal.chain, 'seal_chain');
  // First every value is checked and measured (nothing is written for a batch that fails), then written.
  const textLengths = new Int32Array(events.length * 3);
  let size = 0;
  for (let i = 0; i < events.length; i += 1) {
    const { envelope, hash, bytes } = events[i]!;
    bigint(events[i]!.seq, 'seq');
    bigint(envelope.timeMs, 'time_ms');
    const pc = (textLengths[i * 3] = textLength(envelope.pc, 'pc'));
    const kind = (textLengths[i * 3 + 1] = textLength(envelope.kind, 'kind'));
    const user = (textLengths[i * 3 + 2] = textLength(envelope.user, 'user_name'));
    // bigints are 8 bytes; a NULL seal is a length word alone
    size += rowFraming + agent.length + 8 + pc + 8 + 8 + kind + user + hash.length + bytes.length;
    if (seal) {
      bigint(seal.epochs[i], 'seal_epoch');
      size += 8 + 8 + sealBytes(seal.seals, i);
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i]!;
    const { envelope } = event;
    out[at] = 0;
    out[at + 1] = fieldCount;
    at = putBytesField(out, at + 2, agent);
    at = putInt8Field(out, at, event.seq);
    at = putTextField(out, at, envelope.pc, textLengths[i * 3]!);
    at = putInt8Field(out, at, envelope.timeMs);
    at = putInt8Field(out, at, received);
    at = putTextField(out, at, envelope.kind, textLengths[i * 3 + 1]!);
    at = putTextField(out, at, envelope.user, textLengths[i * 3 + 2]!);
    at = putBytesField(out, at, event.hash);
    at = putBytesField(out, at, event.bytes);
    if (seal) {
      at = putInt8Field(out, at, seal.chain);
      at = putInt8Field(out, at, seal.epochs[i]!);
      const length = sealBytes(seal.seals, i);
      at = putInt32(out, at, length);
      for (let k = 0, from = i * sealLength; k < length; k += 1) out[at + k] = seal.seals[from + k]!;
      at += length;
    } else {
      // three NULLs (length word -1)
      out.fill(0xff, at, at + 12);
      at += 12;
    }
  }
  if (at !== size) throw new Error(`event copy: wrote ${at} bytes of ${size}`);
  return out;
}

/** Event i's seal: its 32 bytes of `seals` (fewer if `seals` ends sooner, as a subarray would give). */
function sealBytes(seals: Buffer, i: number): number {
  return Math.max(0, Math.min(sealLength, seals.length - i * sealLength));
}

/**
 * Rows from `encodeEventRows` as one binary COPY stream, each batch's Buffer a chunk of its own: framed by the header
 * and trailer and sent as they are, not concatenated first (copying a group's megabytes once more cost ~2% of the
 * main thread in the same profile).
 */
export function writeEventCopy(stream: Writable, rows: Buffer[]): void {
  stream.write(eventCopyHeader);
  for (const row of rows) stream.write(row);
  stream.end(eventCopyTrailer);
}

/** Rows from `encodeEventRows` framed as one binary COPY stream, in one Buffer. */
export function eventCopyStream(rows: Buffer[]): Buffer {
  return Buffer.concat([eventCopyHeader, ...rows, eventCopyTrailer]);
}
