import {
  quarantinedSectionDigest, quarantinedBatchDigest,
  type ExportManifest, type ExportSegment, type QuarantinedExport,
} from '@mamori/proto';
import { anchorForExport } from './evidence-anchor.ts';
import type { EvidenceSigningKey } from './pki/evidence-key.ts';
import type { Store } from './store/store.ts';
import type { QuarantinedBatch } from './store/types.ts';

type SeqRange = { first: number; last: number };
type Hole = { from_seq: number; to_seq: number };

/**
 * The chain segment boundaries the collector recorded inside an export's seq range (journal resets, quarantines),
 * each with its collector-signed anchor. A hole the chosen batches leave just before a quarantine boundary is that
 * boundary's gap (the refused seqs, carried in the quarantined section), not a hole the collector never received:
 * it moves from `missing` to the segment.
 */
export async function recordedSegments(
  store: Store, agentId: string, range: SeqRange, key: EvidenceSigningKey, missing: Hole[],
): Promise<{ segments: ExportSegment[]; missing: Hole[] }> {
  const recorded = (await store.listChainSegments(agentId)).filter((s) => s.startSeq >= range.first && s.startSeq <= range.last);
  if (recorded.length === 0) return { segments: [], missing };
  const quarantined = new Map((await store.listQuarantinedBatches(agentId)).map((q) => [q.id, q]));
  let holes = missing;
  const segments: ExportSegment[] = [];
  const seen = new Set<number>();
  for (const segment of recorded) {
    if (seen.has(segment.startSeq)) continue; // one boundary per seq: the first recorded says why the chain restarts there
    seen.add(segment.startSeq);
    const refused = segment.quarantineId === null ? undefined : quarantined.get(segment.quarantineId);
    const anchor = anchorForExport(key, segment, () => ({
      agentId, startSeq: segment.startSeq, prevHash: segment.anchorHash, reason: segment.reason, recordedMs: segment.timeMs,
      ...(refused ? { quarantined: { firstSeq: refused.firstSeq, lastSeq: refused.lastSeq, lastHash: refused.lastHash, code: refused.code } } : {}),
    }));
    const gap = segment.reason === 'quarantine' ? holes.find((h) => h.to_seq === segment.startSeq - 1) : undefined;
    if (gap) holes = holes.filter((h) => h !== gap);
    segments.push({
      start_seq: segment.startSeq, reason: segment.reason, prev_hash: segment.anchorHash.toString('hex'), ...(gap ? { gap } : {}), anchor,
    });
  }
  return { segments, missing: holes };
}

/**
 * The agent's quarantined batches that belong in an export: those whose seqs overlap its range (or end just before
 * it: the refused batch a segment at the export's first seq is anchored on) or that the collector received within
 * the requested time range. Each keeps the agent's signed header, the exact bytes the PC
 * sent, why it was refused and when it arrived; the manifest signs their count, a digest of each and of the section.
 */
export async function quarantinedSection(
  store: Store, agentId: string, range: SeqRange, time: { fromMs: number; toMs: number },
): Promise<{ batches: QuarantinedExport[]; summary: NonNullable<ExportManifest['quarantined']> } | undefined> {
  const chosen = (await store.listQuarantinedBatches(agentId))
    .filter((q) => (q.firstSeq <= range.last && q.lastSeq >= range.first - 1) || (q.firstMs >= time.fromMs && q.firstMs <= time.toMs));
  if (chosen.length === 0) return undefined;
  const batches = chosen.map(toExport);
  return {
    batches,
    summary: {
      count: batches.length,
      sha256: quarantinedSectionDigest(batches),
      batches: batches.map((b) => ({ first_seq: b.first_seq, last_seq: b.last_seq, sha256: quarantinedBatchDigest(b) })),
    },
  };
}

function toExport(q: QuarantinedBatch): QuarantinedExport {
  return {
    first_seq: q.firstSeq, last_seq: q.lastSeq, prev_hash: q.prevHash.toString('hex'), last_hash: q.lastHash.toString('hex'),
    signature: q.signature.toString('base64'), events: q.events.map((bytes) => bytes.toString('base64')),
    reason: { code: q.code, finding: q.findingKind, detail: q.detail },
    received_ms: q.firstMs, last_received_ms: q.lastMs, attempts: q.attempts,
  };
}
