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
/** Signature, flags (int32 0), header extension length (int32 0). */
const headerLength = signature.length + 8;
const sealLength = 32;

/** A text field's UTF-8 bytes; anything else is refused here, before a transaction is opened for it. */
function textBytes(value: unknown, column: string): Buffer {
  if (typeof value !== 'string') throw new TypeError(`events.${column}: expected text, got ${typeof value}`);
  return Buffer.from(value, 'utf8');
}

function bigint(value: unknown, column: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`events.${column}: expected an integer, got ${String(value)}`);
  return value;
}

/** One batch's rows (no header or trailer): throws on a value the column cannot hold, so one bad batch fails alone. */
export function encodeEventRows(batch: AcceptedBatch, receivedMs: number): Buffer {
  const agent = textBytes(batch.agentId, 'agent_id');
  const received = bigint(receivedMs, 'received_ms');
  const { seal } = batch;
  if (seal) bigint(seal.chain, 'seal_chain');
  const texts = batch.events.map((event, i) => ({
    pc: textBytes(event.envelope.pc, 'pc'), kind: textBytes(event.envelope.kind, 'kind'), user: textBytes(event.envelope.user, 'user_name'),
    seal: seal?.seals.subarray(i * sealLength, i * sealLength + sealLength),
  }));
  let size = 0;
  for (let i = 0; i < batch.events.length; i += 1) {
    const event = batch.events[i]!;
    const text = texts[i]!;
    // field count, then 12 length words; bigints are 8 bytes; a NULL seal is a length word alone
    size += 2 + fieldCount * 4 + agent.length + 8 + text.pc.length + 8 + 8 + text.kind.length + text.user.length + event.hash.length + event.bytes.length
      + (text.seal ? 8 + 8 + text.seal.length : 0);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  const bytes = (value: Buffer) => {
    at = out.writeInt32BE(value.length, at);
    at += value.copy(out, at);
  };
  const int8 = (value: number) => {
    at = out.writeInt32BE(8, at);
    at = out.writeBigInt64BE(BigInt(value), at);
  };
  const nothing = () => {
    at = out.writeInt32BE(-1, at);
  };
  for (let i = 0; i < batch.events.length; i += 1) {
    const event = batch.events[i]!;
    const text = texts[i]!;
    at = out.writeInt16BE(fieldCount, at);
    bytes(agent);
    int8(bigint(event.seq, 'seq'));
    bytes(text.pc);
    int8(bigint(event.envelope.timeMs, 'time_ms'));
    int8(received);
    bytes(text.kind);
    bytes(text.user);
    bytes(event.hash);
    bytes(event.bytes);
    if (seal && text.seal) {
      int8(seal.chain);
      int8(bigint(seal.epochs[i], 'seal_epoch'));
      bytes(text.seal);
    } else {
      nothing();
      nothing();
      nothing();
    }
  }
  if (at !== size) throw new Error(`event copy: wrote ${at} bytes of ${size}`);
  return out;
}

/** Rows from `encodeEventRows` framed as one binary COPY stream. */
export function eventCopyStream(rows: Buffer[]): Buffer {
  const header = Buffer.alloc(headerLength);
  signature.copy(header);
  const trailer = Buffer.from([0xff, 0xff]);
  return Buffer.concat([header, ...rows, trailer]);
}
