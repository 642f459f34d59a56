import { describe, expect, it } from 'vitest';
import { ZERO_HASH, chainHash, encodeEvent, type AgentMessage } from '@mamori/proto';
import { loadAgentServiceProto } from '@mamori/proto/grpc';
import { WireBatch, eventCount, wireBatchDeserializer } from './wire-batch.ts';

const connect = loadAgentServiceProto().mamori.v1.AgentService.service.Connect;
const decodeWire = wireBatchDeserializer(connect.requestDeserialize);

function sealedBatchMessage(count: number): AgentMessage {
  const events = Array.from({ length: count }, (_, i) => encodeEvent({ seq: 41 + i, timeMs: i, agentId: 'a-1', pc: 'PC', user: 'u', printJob: { documentName: `d${'x'.repeat(i)}` } }));
  let hash = ZERO_HASH;
  for (const bytes of events) hash = chainHash(hash, bytes);
  return {
    batch: {
      firstSeq: 41, events, prevHash: ZERO_HASH, lastHash: hash, signature: Buffer.alloc(64, 7),
      sealChain: 3, sealEpochRuns: [2, count - 1, 3, 1], seals: Buffer.alloc(32 * count, 9),
      sealCloses: [{ epoch: 2, lastSeq: 40 + count - 1, lastHash: Buffer.alloc(32, 1), mac: Buffer.alloc(32, 2) }],
    },
  };
}

describe('wireBatchDeserializer', () => {
  it('gives a batch as gRPC decodes it, every field equal, with its events made from the message only when asked for', () => {
    for (const count of [1, 300, 600]) {
      const bytes = connect.requestSerialize(sealedBatchMessage(count));
      const plain = connect.requestDeserialize(bytes);
      const wire = decodeWire(bytes);
      expect(wire.batch).toBeInstanceOf(WireBatch);
      expect(wire.body).toBe('batch');
      const batch = wire.batch as WireBatch;
      expect(eventCount(batch)).toBe(count);
      expect(Array.from({ length: count }, (_, i) => batch.length(i))).toEqual(plain.batch!.events.map((e) => e.length));
      const copied = Buffer.alloc(batch.length(count - 1) + 3);
      batch.copyTo(count - 1, copied, 3);
      expect(copied.subarray(3).equals(plain.batch!.events[count - 1]!)).toBe(true);
      const { events, ...rest } = plain.batch!;
      expect({ ...batch, events: batch.events }).toEqual({ ...rest, events, count });
      expect(batch.events).toBe(batch.events); // made once
    }
  });

  it('decodes other messages, and a batch among other fields, exactly as gRPC does', () => {
    const hello = connect.requestSerialize({ hello: { agentId: 'a-1', agentVersion: '1', agentTimeMs: 5 } });
    expect(decodeWire(hello)).toEqual(connect.requestDeserialize(hello));
    // Protobuf merges a message field given twice: the whole message goes to gRPC's decoder then.
    const twice = Buffer.concat([connect.requestSerialize(sealedBatchMessage(2)), connect.requestSerialize(sealedBatchMessage(3))]);
    expect(decodeWire(twice)).toEqual(connect.requestDeserialize(twice));
    expect(decodeWire(twice).batch).not.toBeInstanceOf(WireBatch);
  });

  it('refuses a batch whose event runs past the end of the message', () => {
    const bytes = connect.requestSerialize(sealedBatchMessage(3));
    expect(() => decodeWire(bytes.subarray(0, bytes.length - 40))).toThrow(/out of range/);
  });
});
