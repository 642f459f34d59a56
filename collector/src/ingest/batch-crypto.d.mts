import type { KeyObject } from 'node:crypto';
import type { BatchSealCheck, EventEnvelope, SealCloseRecord, SealKeyCursor } from '@mamori/proto';

/** What a batch's seals are checked with: its chain's seed, and the batch's epochs, seals and close records. */
export interface BatchSealInput {
  chain: number;
  seed: Uint8Array;
  epochs: ArrayLike<number>;
  seals: Uint8Array;
  closes: SealCloseRecord[];
}

/** Jobs as one message to a check thread (see packJobs in batch-crypto-pool.ts). */
export interface PackedJobs {
  jobs: { id: number; agentId: string; firstSeq: number; count: number; seal?: { chain: number; epochs: number; closes: { epoch: number; lastSeq: number }[] } }[];
  data: Uint8Array;
  ends: Uint32Array;
  epochs: Float64Array;
}

export interface PackedEnvelopes { numbers: Float64Array; refs: Uint32Array; strings: string[] }

export declare function checkBatchCrypto(
  publicKey: KeyObject | Uint8Array, agentId: string, firstSeq: number, events: Uint8Array[],
  prevHash: Uint8Array, lastHash: Uint8Array, signature: Uint8Array, kinds: ReadonlyMap<number, string>,
  seal?: BatchSealInput, cursors?: Map<string, unknown>,
): {
  signed: boolean;
  hashes: Buffer;
  envelopes: EventEnvelope[] | undefined;
  malformed: { index: number; message: string } | undefined;
  /** Undefined when the batch is unsealed or its signature failed. */
  seal: BatchSealCheck | undefined;
};
export declare function sealCursor(cache: Map<string, unknown>, agentId: string, chain: number, seed: Uint8Array): SealKeyCursor;
export declare function packEnvelopes(envelopes: EventEnvelope[]): PackedEnvelopes;
export declare function unpackEnvelopes(packed: PackedEnvelopes): EventEnvelope[];
