import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  batchSigningPayload, ed25519PublicKey, manifestSigningPayload, segmentAnchorSigningPayload,
  type ExportManifest, type SegmentAnchor,
} from '../verifier/verify-evidence.mjs';

export {
  EXPORT_FORMAT, MANIFEST_FORMAT, ZERO_HASH, EVENT_PAYLOAD_KINDS, batchSigningPayload, chainHash, ed25519PublicKey,
  verifyBatchSignature, verifyEvidence, formatVerdict, keyFingerprint, manifestSigningPayload, segmentAnchorSigningPayload,
  quarantinedBatchDigest, quarantinedSectionDigest, lifecycleKind,
} from '../verifier/verify-evidence.mjs';
export type {
  EvidenceDocument, EvidenceVerdict, EvidenceSummary, ExportManifest, ExportSegment, SegmentAnchor, SignedBatchHeader,
  QuarantinedExport, QuarantinedVerdict,
} from '../verifier/verify-evidence.mjs';

export interface Ed25519KeyPair {
  /** PKCS#8 PEM, kept only on the machine that made it. */
  privateKeyPem: string;
  /** Raw 32-byte public key, as sent at enrollment and printed in exports. */
  publicKey: Buffer;
}

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: Buffer.from(jwk.x ?? '', 'base64url'),
  };
}

export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export function signBatch(
  privateKey: KeyObject, agentId: string, firstSeq: number, count: number, prevHash: Uint8Array, lastHash: Uint8Array,
): Buffer {
  return sign(null, batchSigningPayload(agentId, firstSeq, count, prevHash, lastHash), privateKey);
}

/** What an agent signs to prove it holds its key when opening a stream. */
export function authPayload(agentId: string, nonce: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`mamori.v1.auth\0${agentId}\0`, 'utf8'), nonce]);
}

export function signAuth(privateKey: KeyObject, agentId: string, nonce: Uint8Array): Buffer {
  return sign(null, authPayload(agentId, nonce), privateKey);
}

export { ed25519PublicKey as publicKeyFromRaw };

/** The collector's signature (base64) over an export manifest. */
export function signExportManifest(privateKey: KeyObject, manifest: ExportManifest): string {
  return sign(null, manifestSigningPayload(manifest), privateKey).toString('base64');
}

/** A segment anchor signed by the collector: the fields given plus `signature` over all of them. */
export function signSegmentAnchor(privateKey: KeyObject, anchor: Omit<SegmentAnchor, 'signature'>): SegmentAnchor {
  const fields = { ...anchor } as SegmentAnchor;
  return { ...fields, signature: sign(null, segmentAnchorSigningPayload(fields), privateKey).toString('base64') };
}
