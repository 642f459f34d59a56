import protobuf from 'protobufjs/minimal.js';
import type { AgentMessage__Output, EventBatch__Output } from '@mamori/proto';

/**
 * A batch's events as spans of the received message, so the main thread holds no Buffer per event while the batch
 * waits for its stream's turn (at 1,000 agents that is seconds, and per-event objects then survived into old space:
 * 40–45 scavenges per 100k events). Buffers are made only when asked for, at the batch's turn.
 */
export interface EventSpans {
  readonly count: number;
  /** Byte length of event i. */
  length(i: number): number;
  /** Copies event i's bytes into `target` at `offset` (no view made). */
  copyTo(i: number, target: Uint8Array, offset: number): void;
}

/** AgentMessage field 3 is its EventBatch; EventBatch field 2 is one event (protobuf wire type 2: length-delimited). */
const BATCH_FIELD = 3;
const EVENTS_FIELD = 2;
const LENGTH_DELIMITED = 2;

/**
 * An EventBatch as gRPC's decoder would give it, except that `events` is made from the message's bytes on first
 * use; until then `spans` answers count, lengths and copies.
 */
export class WireBatch implements EventBatch__Output, EventSpans {
  firstSeq: number;
  prevHash: Buffer;
  lastHash: Buffer;
  signature: Buffer;
  sealEpochRuns: number[];
  seals: Buffer;
  sealCloses: EventBatch__Output['sealCloses'];
  sealChain: number;
  readonly count: number;
  readonly #raw: Buffer;
  /** start, end of each event in #raw. */
  readonly #spans: Uint32Array;
  #events: Buffer[] | undefined;

  constructor(rest: EventBatch__Output, raw: Buffer, spans: Uint32Array, count: number) {
    this.firstSeq = rest.firstSeq;
    this.prevHash = rest.prevHash;
    this.lastHash = rest.lastHash;
    this.signature = rest.signature;
    this.sealEpochRuns = rest.sealEpochRuns;
    this.seals = rest.seals;
    this.sealCloses = rest.sealCloses;
    this.sealChain = rest.sealChain;
    this.count = count;
    this.#raw = raw;
    this.#spans = spans;
  }

  get spans(): EventSpans {
    return this;
  }

  get events(): Buffer[] {
    if (!this.#events) {
      const events: Buffer[] = new Array(this.count);
      for (let i = 0; i < this.count; i += 1) events[i] = this.#raw.subarray(this.#spans[i * 2]!, this.#spans[i * 2 + 1]!);
      this.#events = events;
    }
    return this.#events;
  }

  length(i: number): number {
    return this.#spans[i * 2 + 1]! - this.#spans[i * 2]!;
  }

  copyTo(i: number, target: Uint8Array, offset: number): void {
    this.#raw.copy(target, offset, this.#spans[i * 2]!, this.#spans[i * 2 + 1]!);
  }
}

/**
 * The Connect method's request decoder: an AgentMessage as `decode` (gRPC's own decoder for it) gives it, except a
 * batch, whose events are not decoded but located (WireBatch): every other field of the batch goes through `decode`
 * unchanged, so defaults and number conversion stay gRPC's. Anything unusual (a batch field repeated, other fields
 * beside it) is decoded whole by `decode`.
 */
export function wireBatchDeserializer(decode: (bytes: Buffer) => AgentMessage__Output): (bytes: Buffer) => AgentMessage__Output {
  return (bytes) => {
    const reader = protobuf.Reader.create(bytes);
    if (bytes.length === 0) return decode(bytes);
    const tag = reader.uint32();
    if (tag !== ((BATCH_FIELD << 3) | LENGTH_DELIMITED)) return decode(bytes);
    const length = reader.uint32();
    const start = reader.pos;
    const end = start + length;
    if (end !== bytes.length) return decode(bytes); // not a lone batch
    let spans = new Uint32Array(256);
    let count = 0;
    /** The batch's other fields' bytes, kept in order (copied into one message for `decode`). */
    const kept: number[] = [];
    let keptBytes = 0;
    while (reader.pos < end) {
      const fieldStart = reader.pos;
      const fieldTag = reader.uint32();
      if (fieldTag === ((EVENTS_FIELD << 3) | LENGTH_DELIMITED)) {
        const eventLength = reader.uint32();
        const eventStart = reader.pos;
        if (eventStart + eventLength > end) throw new RangeError(`index out of range: ${eventStart} + ${eventLength} > ${end}`);
        if (count * 2 + 2 > spans.length) {
          const grown = new Uint32Array(spans.length * 2);
          grown.set(spans);
          spans = grown;
        }
        spans[count * 2] = eventStart;
        spans[count * 2 + 1] = eventStart + eventLength;
        count += 1;
        reader.pos = eventStart + eventLength;
      } else {
        reader.skipType(fieldTag & 7);
        if (reader.pos > end) throw new RangeError(`index out of range: ${reader.pos} > ${end}`);
        kept.push(fieldStart, reader.pos);
        keptBytes += reader.pos - fieldStart;
      }
    }
    // The other fields re-framed as an AgentMessage with only them in its batch.
    const writer = protobuf.Writer.create();
    writer.uint32((BATCH_FIELD << 3) | LENGTH_DELIMITED).uint32(keptBytes);
    const head = writer.finish();
    const rest = Buffer.allocUnsafe(head.length + keptBytes);
    rest.set(head, 0);
    let offset = head.length;
    for (let i = 0; i < kept.length; i += 2) offset += bytes.copy(rest, offset, kept[i]!, kept[i + 1]!);
    const message = decode(rest);
    if (!message.batch) return decode(bytes);
    return { ...message, batch: new WireBatch(message.batch, bytes, spans, count) };
  };
}

/** How many events a batch has, without making its event Buffers when it has spans. */
export function eventCount(batch: { events: unknown[]; spans?: EventSpans }): number {
  return batch.spans ? batch.spans.count : batch.events.length;
}
