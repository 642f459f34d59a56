import protobuf from 'protobufjs';
import { descriptor } from './gen/descriptor.ts';
import type { Event, Event__Output } from './gen/mamori/v1/Event.ts';

/** The conversion options used everywhere: they match the flags the types in src/gen were generated with. */
export const conversionOptions = {
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
} as const;

let root: protobuf.Root | undefined;
function loadRoot(): protobuf.Root {
  if (!root) {
    root = protobuf.Root.fromJSON(descriptor);
  }
  return root;
}

function eventType(): protobuf.Type {
  return loadRoot().lookupType('mamori.v1.Event');
}

/** Encodes an event once; these exact bytes are what gets hashed, signed, shipped and stored. */
export function encodeEvent(event: Event): Buffer {
  const type = eventType();
  const message = type.fromObject(event as Record<string, unknown>);
  return Buffer.from(type.encode(message).finish());
}

/** Decodes stored or received event bytes. Throws on malformed input. */
export function decodeEvent(bytes: Uint8Array): Event__Output {
  const type = eventType();
  return type.toObject(type.decode(bytes), conversionOptions) as Event__Output;
}

/** The name of the payload an event carries, e.g. "device" or "print_job" in snake case. */
export function eventKind(event: Event__Output): string {
  return snakeCase(event.payload ?? '');
}

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The fields of an event the collector needs at ingest, read without decoding the payload. */
export interface EventEnvelope {
  seq: number;
  timeMs: number;
  agentId: string;
  pc: string;
  user: string;
  /** eventKind() of the payload ('' when the event carries none). */
  kind: string;
}

/** Field number of each payload in the Event oneof → its eventKind() name (read from the descriptor once). */
let payloadKinds: Map<number, string> | undefined;
function payloadKindByField(): Map<number, string> {
  if (!payloadKinds) {
    const type = eventType();
    payloadKinds = new Map(type.oneofs.payload!.fieldsArray.map((field) => [field.id, snakeCase(field.name)]));
  }
  return payloadKinds;
}

const toNumber = (value: number | protobuf.Long, unsigned: boolean): number =>
  (typeof value === 'number' ? value : protobuf.util.LongBits.from(value).toNumber(unsigned));

/**
 * Reads an event's envelope (seq, time, agent, PC, user, payload kind) by walking only the top-level fields and
 * skipping the payload's bytes: ingest stores the signed bytes as they are, and the full decode happens once,
 * later, when the event is projected. Throws on bytes that are not a well-formed protobuf message.
 */
export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  const reader = protobuf.Reader.create(bytes);
  const envelope: EventEnvelope = { seq: 0, timeMs: 0, agentId: '', pc: '', user: '', kind: '' };
  const kinds = payloadKindByField();
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) throw new Error(`invalid field 0 at offset ${reader.pos}`);
    if (field === 1 && wireType === 0) envelope.seq = toNumber(reader.uint64(), true);
    else if (field === 2 && wireType === 0) envelope.timeMs = toNumber(reader.int64(), false);
    else if (field === 3 && wireType === 2) envelope.agentId = reader.string();
    else if (field === 4 && wireType === 2) envelope.pc = reader.string();
    else if (field === 5 && wireType === 2) envelope.user = reader.string();
    else {
      const kind = kinds.get(field);
      if (kind !== undefined && wireType === 2) envelope.kind = kind;
      reader.skipType(wireType);
    }
  }
  return envelope;
}
