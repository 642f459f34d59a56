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
  const key = event.payload ?? '';
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
