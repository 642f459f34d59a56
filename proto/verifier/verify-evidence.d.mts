import type { KeyObject } from 'node:crypto';

export declare const EXPORT_FORMAT: 'mamori-evidence-v1';
export declare const ZERO_HASH: Buffer;
export declare function chainHash(previous: Uint8Array, eventBytes: Uint8Array): Buffer;
export declare function batchSigningPayload(
  agentId: string, firstSeq: number, count: number, prevHash: Uint8Array, lastHash: Uint8Array,
): Buffer;
export declare function ed25519PublicKey(raw: Uint8Array): KeyObject;
export declare function verifyBatchSignature(
  publicKey: KeyObject | Uint8Array, agentId: string, firstSeq: number, count: number,
  prevHash: Uint8Array, lastHash: Uint8Array, signature: Uint8Array,
): boolean;

export interface EvidenceDocument {
  format: 'mamori-evidence-v1';
  exported_at: string;
  agent: { id: string; pc: string; public_key: string };
  range: { from_ms: number | null; to_ms: number | null };
  batches: { first_seq: number; last_seq: number; prev_hash: string; last_hash: string; signature: string }[];
  events: { seq: number; time_ms: number; kind: string; hash: string; bytes: string }[];
}
export interface EvidenceVerdict { ok: boolean; events: number; batches: number; problems: string[] }
export declare function verifyEvidence(doc: unknown, options?: { publicKey?: string }): EvidenceVerdict;
