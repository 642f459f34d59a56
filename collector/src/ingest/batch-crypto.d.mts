import type { KeyObject } from 'node:crypto';

export declare function checkBatchCrypto(
  publicKey: KeyObject | Uint8Array, agentId: string, firstSeq: number, events: Uint8Array[],
  prevHash: Uint8Array, lastHash: Uint8Array, signature: Uint8Array,
): { signed: boolean; hashes: Buffer };
