export declare const SEAL_KEY_BYTES: 32;
export declare const MAX_SEAL_EPOCH_STEP: number;

/** One epoch-close record as carried in a batch and stored as evidence. */
export interface SealCloseRecord {
  epoch: number;
  lastSeq: number;
  lastHash: Buffer;
  mac: Buffer;
}

export declare function sealEpochZeroKey(seed: Uint8Array): Buffer;
export declare function evolveSealKey(key: Uint8Array): Buffer;
export declare function sealEvent(key: Uint8Array, seq: number, epoch: number, hash: Uint8Array): Buffer;
/** sealEvent(key, …) for many events under one key, faster (same result). */
export declare function eventSealer(key: Uint8Array): (seq: number, epoch: number, hash: Uint8Array) => Buffer;
export declare function sealClose(key: Uint8Array, epoch: number, lastSeq: number, lastHash: Uint8Array): Buffer;

export declare class SealKeyCursor {
  constructor(seed: Uint8Array);
  keysFor(epochs: number[]): { keys: Map<number, Buffer>; error?: undefined } | { error: string; keys?: undefined };
}

export type BatchSealCheck = { ok: true; firstEpoch: number; detail?: undefined } | { ok: false; detail: string; firstEpoch?: undefined };

export declare function checkBatchSeals(
  cursor: SealKeyCursor, firstSeq: number, prevHash: Buffer, hashes: Buffer, epochs: ArrayLike<number>, seals: Buffer,
  closes: SealCloseRecord[],
): BatchSealCheck;
export declare function epochRuns(epochs: ArrayLike<number>): number[];
export declare function expandEpochRuns(runs: readonly number[], count: number): number[] | undefined;
export declare function missingCloses(closeByEpoch: ReadonlyMap<number, { lastSeq: number }>, from: number, to: number, seq: number): number | undefined;
