// Reads the envelope of a mamori.v1.Event — seq (1), time_ms (2), agent_id (3), pc (4), user (5) and which
// payload field is set — by walking only the top-level protobuf fields and skipping the payload's bytes. Plain
// JavaScript importing only Node built-ins, so the collector's batch-check worker thread can run it beside the executable.
// `kinds` maps payload field numbers to kind names (codec.ts builds it from the descriptor).
import { TextDecoder } from 'node:util';

/**
 * A 64-bit varint as a number, exact below 2^53 like protobufjs' Long → number: read as two 32-bit halves so an
 * int64 below zero (ten bytes of two's complement) comes out exact. Returns [value, next offset].
 */
function readVarint64(bytes, offset, signed) {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i += 1) {
    if (offset >= bytes.length) throw new Error(`truncated varint at offset ${offset}`);
    const bits = bytes[offset++] & 0x7f;
    if (i < 4) lo = (lo | (bits << (i * 7))) >>> 0;
    else if (i === 4) {
      lo = (lo | (bits << 28)) >>> 0;
      hi = bits >>> 4;
    } else hi = (hi | (bits << (i * 7 - 32))) >>> 0;
    if ((bytes[offset - 1] & 0x80) === 0) {
      if (signed && hi >>> 31) {
        lo = (~lo + 1) >>> 0;
        hi = ~hi >>> 0;
        if (lo === 0) hi = (hi + 1) >>> 0;
        return [-(lo + hi * 4294967296), offset];
      }
      return [lo + hi * 4294967296, offset];
    }
  }
  throw new Error(`varint longer than 10 bytes at offset ${offset}`);
}

/** A varint used as a tag or a length, as a number; returns [value, next offset]. */
function readVarint(bytes, offset) {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i += 1) {
    if (offset >= bytes.length) throw new Error(`truncated varint at offset ${offset}`);
    const byte = bytes[offset++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, offset];
    scale *= 128;
  }
  throw new Error(`varint longer than 10 bytes at offset ${offset}`);
}

function skipField(bytes, offset, wireType) {
  switch (wireType) {
    case 0: return readVarint(bytes, offset)[1];
    case 1: offset += 8; break;
    case 2: {
      const [length, start] = readVarint(bytes, offset);
      offset = start + length;
      break;
    }
    case 5: offset += 4; break;
    default: throw new Error(`unsupported wire type ${wireType} at offset ${offset}`);
  }
  if (offset > bytes.length) throw new Error('field runs past the end of the message');
  return offset;
}

const utf8 = new TextDecoder();

function readString(bytes, offset) {
  const [length, start] = readVarint(bytes, offset);
  const end = start + length;
  if (end > bytes.length) throw new Error('string runs past the end of the message');
  return [utf8.decode(bytes.subarray(start, end)), end];
}

/** Throws on bytes that are not a well-formed protobuf message. */
export function readEnvelope(bytes, kinds) {
  const envelope = { seq: 0, timeMs: 0, agentId: '', pc: '', user: '', kind: '' };
  let offset = 0;
  while (offset < bytes.length) {
    const [tag, next] = readVarint(bytes, offset);
    offset = next;
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw new Error(`invalid field 0 at offset ${offset}`);
    if (field === 1 && wireType === 0) [envelope.seq, offset] = readVarint64(bytes, offset, false);
    else if (field === 2 && wireType === 0) [envelope.timeMs, offset] = readVarint64(bytes, offset, true);
    else if (field === 3 && wireType === 2) [envelope.agentId, offset] = readString(bytes, offset);
    else if (field === 4 && wireType === 2) [envelope.pc, offset] = readString(bytes, offset);
    else if (field === 5 && wireType === 2) [envelope.user, offset] = readString(bytes, offset);
    else {
      const kind = kinds.get(field);
      if (kind !== undefined && wireType === 2) envelope.kind = kind;
      offset = skipField(bytes, offset, wireType);
    }
  }
  return envelope;
}
