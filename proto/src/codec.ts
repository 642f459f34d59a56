import protobuf from 'protobufjs';
import { descriptor } from './gen/descriptor.ts';
import type { Event, Event__Output } from './gen/mamori/v1/Event.ts';
import { readEnvelope, type EventEnvelope } from './envelope.mjs';

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

let cachedEventType: protobuf.Type | undefined;
/** Looked up once: lookupType walks the namespace by name, which showed up in decode-heavy paths (SIEM export). */
function eventType(): protobuf.Type {
  cachedEventType ??= loadRoot().lookupType('mamori.v1.Event');
  return cachedEventType;
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

export type { EventEnvelope } from './envelope.mjs';

/** Field number of each payload in the Event oneof → its eventKind() name (read from the descriptor once). */
let payloadKinds: Map<number, string> | undefined;
export function eventPayloadKinds(): ReadonlyMap<number, string> {
  if (!payloadKinds) {
    const type = eventType();
    payloadKinds = new Map(type.oneofs.payload!.fieldsArray.map((field) => [field.id, snakeCase(field.name)]));
  }
  return payloadKinds;
}

/**
 * Reads an event's envelope (seq, time, agent, PC, user, payload kind) by walking only the top-level fields and
 * skipping the payload's bytes: ingest stores the signed bytes as they are, and the full decode happens once,
 * later, when the event is projected. Throws on bytes that are not a well-formed protobuf message.
 */
export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  return readEnvelope(bytes, eventPayloadKinds());
}

/**
 * The lifecycle kind an event records ("STOPPED", "CLOCK_JUMP" …), or undefined for other payloads. Decodes the
 * message without building the full output object (no defaults, no conversions): reports read it for every
 * lifecycle event of a month, where decodeEvent's conversions cost several times the decode itself.
 */
export function lifecycleKindOf(bytes: Uint8Array): string | undefined {
  const decoded = eventType().decode(bytes) as unknown as { lifecycle?: { kind?: number } | null };
  if (!decoded.lifecycle) return undefined;
  lifecycleKindNames ??= (loadRoot().lookupEnum('mamori.v1.AgentLifecycleEvent.Kind').valuesById);
  return lifecycleKindNames[decoded.lifecycle.kind ?? 0];
}
let lifecycleKindNames: Record<number, string> | undefined;
