import type { AcceptedBatch } from '../types.ts';

/**
 * An accepted batch as a few typed arrays and one table of distinct strings, for the event writer thread: the
 * arrays are transferred, not cloned, and there is no per-event object to serialize (a structured clone of 500
 * event objects with their Buffers cost more on the sending thread than the insert saved).
 */
export interface PackedBatch {
  agentId: string;
  firstSeq: number;
  lastSeq: number;
  prevHash: Uint8Array;
  lastHash: Uint8Array;
  signature: Uint8Array;
  /** Every event's bytes, back to back; `ends[i]` is where event i ends. */
  data: Uint8Array;
  ends: Uint32Array;
  /** Chain hash of event i at [i*32, i*32+32). */
  hashes: Uint8Array;
  /** seq and time of event i at [i*2] and [i*2+1]. */
  numbers: Float64Array;
  /** pc, user and kind of event i as indexes into `strings`, at [i*3 .. i*3+2]. */
  refs: Uint32Array;
  strings: string[];
  seal?: { chain: number; epochs: Float64Array; seals: Uint8Array; closes: { epoch: number; lastSeq: number; lastHash: Uint8Array; mac: Uint8Array }[] };
}

/** Packs `batch` into buffers of its own; `transfer` lists the ones to hand over with postMessage. */
export function packBatch(batch: AcceptedBatch): { packed: PackedBatch; transfer: ArrayBuffer[] } {
  const n = batch.events.length;
  let total = 0;
  for (const event of batch.events) total += event.bytes.length;
  const data = new Uint8Array(total);
  const ends = new Uint32Array(n);
  const hashes = new Uint8Array(n * 32);
  const numbers = new Float64Array(n * 2);
  const refs = new Uint32Array(n * 3);
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const intern = (text: string): number => {
    let id = ids.get(text);
    if (id === undefined) {
      id = strings.push(text) - 1;
      ids.set(text, id);
    }
    return id;
  };
  let offset = 0;
  for (let i = 0; i < n; i += 1) {
    const { seq, bytes, hash, envelope } = batch.events[i]!;
    data.set(bytes, offset);
    offset += bytes.length;
    ends[i] = offset;
    hashes.set(hash, i * 32);
    numbers[i * 2] = seq;
    numbers[i * 2 + 1] = envelope.timeMs;
    refs[i * 3] = intern(envelope.pc);
    refs[i * 3 + 1] = intern(envelope.user);
    refs[i * 3 + 2] = intern(envelope.kind);
  }
  const transfer = [data.buffer, ends.buffer, hashes.buffer, numbers.buffer, refs.buffer];
  let seal: PackedBatch['seal'];
  if (batch.seal) {
    const seals = Uint8Array.from(batch.seal.seals);
    const epochs = Float64Array.from(batch.seal.epochs);
    seal = { chain: batch.seal.chain, epochs, seals, closes: batch.seal.closes.map((c) => ({ epoch: c.epoch, lastSeq: c.lastSeq, lastHash: c.lastHash, mac: c.mac })) };
    transfer.push(seals.buffer, epochs.buffer);
  }
  return {
    packed: {
      agentId: batch.agentId, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, prevHash: batch.prevHash, lastHash: batch.lastHash,
      signature: batch.signature, data, ends, hashes, numbers, refs, strings, ...(seal ? { seal } : {}),
    },
    transfer,
  };
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The batch again, its Buffers views of the packed arrays (no copies). */
export function unpackBatch(packed: PackedBatch): AcceptedBatch {
  const data = asBuffer(packed.data);
  const hashes = asBuffer(packed.hashes);
  const { numbers, refs, strings } = packed;
  const events: AcceptedBatch['events'] = [];
  let start = 0;
  for (let i = 0; i < packed.ends.length; i += 1) {
    const end = packed.ends[i]!;
    events.push({
      seq: numbers[i * 2]!, bytes: data.subarray(start, end), hash: hashes.subarray(i * 32, i * 32 + 32),
      envelope: { seq: numbers[i * 2]!, agentId: packed.agentId, timeMs: numbers[i * 2 + 1]!, pc: strings[refs[i * 3]!]!, user: strings[refs[i * 3 + 1]!]!, kind: strings[refs[i * 3 + 2]!]! },
    });
    start = end;
  }
  const seal = packed.seal && {
    chain: packed.seal.chain, epochs: Array.from(packed.seal.epochs), seals: asBuffer(packed.seal.seals),
    closes: packed.seal.closes.map((c) => ({ epoch: c.epoch, lastSeq: c.lastSeq, lastHash: asBuffer(c.lastHash), mac: asBuffer(c.mac) })),
  };
  return {
    agentId: packed.agentId, firstSeq: packed.firstSeq, lastSeq: packed.lastSeq, prevHash: asBuffer(packed.prevHash), lastHash: asBuffer(packed.lastHash),
    signature: asBuffer(packed.signature), events, ...(seal ? { seal } : {}),
  };
}
