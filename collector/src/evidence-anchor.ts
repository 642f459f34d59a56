import { createPublicKey, verify } from 'node:crypto';
import { segmentAnchorSigningPayload, signSegmentAnchor, type SegmentAnchor } from '@mamori/proto';
import { CollectorError } from './errors.ts';
import type { EvidenceSigningKey } from './pki/evidence-key.ts';
import type { ChainSegment } from './store/types.ts';

/** What a segment boundary is anchored on: enough for a verifier to tie it to the chain and to a quarantined batch. */
export interface SegmentBoundary {
  agentId: string;
  startSeq: number;
  /** The hash the new segment's first event chains from. */
  prevHash: Buffer;
  reason: string;
  /** When the collector recorded the boundary (its clock). */
  recordedMs: number;
  /** The refused batch whose signed last hash the new segment continues from (reason quarantine). */
  quarantined?: { firstSeq: number; lastSeq: number; lastHash: Buffer; code: string };
}

/**
 * Signs a boundary with the collector's evidence key. Done when the boundary is recorded (ingest), and the signed
 * anchor stored with it: the anchor then states what the collector knew at that moment, and a segment row added or
 * edited in the database later (without the key, which never lives in the database) no longer verifies.
 */
export function anchorSegment(key: EvidenceSigningKey, boundary: SegmentBoundary, signedAt: 'boundary' | 'export' = 'boundary'): SegmentAnchor {
  const q = boundary.quarantined;
  return signSegmentAnchor(key.privateKey, {
    agent_id: boundary.agentId, start_seq: boundary.startSeq, prev_hash: boundary.prevHash.toString('hex'), reason: boundary.reason,
    recorded_ms: boundary.recordedMs, signed_at: signedAt,
    ...(q ? { quarantined: { first_seq: q.firstSeq, last_seq: q.lastSeq, last_hash: q.lastHash.toString('hex'), code: q.code } } : {}),
  });
}

/**
 * The anchor of a recorded boundary for an export: the one signed at the boundary, checked against the row and the
 * key; a boundary recorded before anchors were stored (or by a collector run without its key) is signed now and
 * marked `signed_at: export`. A stored anchor that no longer matches its row or key is refused: exporting it would
 * vouch for an edited record.
 */
export function anchorForExport(key: EvidenceSigningKey, segment: ChainSegment, boundary: () => SegmentBoundary): SegmentAnchor {
  if (!segment.anchorJson) return anchorSegment(key, boundary(), 'export');
  let anchor: SegmentAnchor;
  try {
    anchor = JSON.parse(segment.anchorJson) as SegmentAnchor;
  } catch (error) {
    throw new CollectorError('COLLECTOR_EXPORT_INCONSISTENT', `segment at seq ${segment.startSeq}: stored anchor is not JSON (${(error as Error).message})`);
  }
  const matches = anchor.agent_id === segment.agentId && anchor.start_seq === segment.startSeq && anchor.reason === segment.reason
    && anchor.prev_hash === segment.anchorHash.toString('hex');
  const signed = verify(null, segmentAnchorSigningPayload(anchor), createPublicKey(key.privateKey), Buffer.from(String(anchor.signature ?? ''), 'base64'));
  if (!matches || !signed) {
    throw new CollectorError('COLLECTOR_EXPORT_INCONSISTENT', `segment at seq ${segment.startSeq} of ${segment.agentId}: ${matches
      ? "its stored anchor does not verify with this collector's evidence key (signed by another key, or edited)"
      : 'its stored anchor does not match the recorded boundary (the database row was edited)'}`);
  }
  return anchor;
}
