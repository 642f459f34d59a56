import type { KeyObject } from 'node:crypto';
import type { EventEnvelope } from '@mamori/proto';

export interface PackedEnvelopes { numbers: Float64Array; refs: Uint32Array; strings: string[] }

export declare function checkBatchCrypto(
  publicKey: KeyObject | Uint8Array, agentId: string, firstSeq: number, events: Uint8Array[],
  prevHash: Uint8Array, lastHash: Uint8Array, signature: Uint8Array, kinds: ReadonlyMap<number, string>,
): {
  signed: boolean;
  hashes: Buffer;
  envelopes: EventEnvelope[] | undefined;
  malformed: { index: number; message: string } | undefined;
};
export declare function packEnvelopes(envelopes: EventEnvelope[]): PackedEnvelopes;
export declare function unpackEnvelopes(packed: PackedEnvelopes): EventEnvelope[];
