import {
  EXPORT_FORMAT, MANIFEST_FORMAT, eventPayloadKinds, signExportManifest,
  type EvidenceDocument, type ExportManifest, type ExportSegment, type SignedBatchHeader,
} from '@mamori/proto';
import { closestNames } from './device-control/did-you-mean.ts';
import { CollectorError } from './errors.ts';
import { quarantinedSection, recordedSegments } from './evidence-segments.ts';
import type { EvidenceSigningKey } from './pki/evidence-key.ts';
import type { Store } from './store/store.ts';
import type { AgentRecord, BatchRecord } from './store/types.ts';

/** Finds an agent by id, or the most recently enrolled agent of a PC name. */
export async function resolveAgent(store: Store, agentOrPc: string): Promise<AgentRecord> {
  const byId = await store.getAgent(agentOrPc);
  if (byId) return byId;
  const agents = await store.listAgents();
  const matches = agents.filter((a) => a.pc === agentOrPc).sort((a, b) => b.enrolledMs - a.enrolledMs);
  if (!matches[0]) {
    const close = closestNames(agentOrPc, [...new Set(agents.map((a) => a.pc))]);
    throw new CollectorError('COLLECTOR_NOT_FOUND', `no agent or PC named "${agentOrPc}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}`);
  }
  return matches[0];
}

/** Who signs the export's manifest. */
export interface ExportSigner {
  key: EvidenceSigningKey;
  collectorName: string;
}

export interface ExportOptions {
  /**
   * Chain segment boundaries inside the range (journal reset, quarantine), each with its collector-signed anchor.
   * By default the boundaries the collector recorded, with the anchors it signed when it recorded them.
   */
  segments?: ExportSegment[];
  now?: () => number;
  /** Export exactly these seqs (widened to whole batches) instead of the events timed inside the range (retention). */
  seqRange?: { fromSeq: number; toSeq: number };
}

function header(batch: BatchRecord): SignedBatchHeader {
  return {
    first_seq: batch.firstSeq, last_seq: batch.lastSeq, prev_hash: batch.prevHash.toString('hex'),
    last_hash: batch.lastHash.toString('hex'), signature: batch.signature.toString('base64'),
  };
}

/**
 * Exports an agent's events in a time range as a self-contained evidence document. Whole signed batches are
 * included (a batch signature covers all its events), so the range may widen to batch edges. The collector signs a
 * manifest of what it exported — ends, counts, first and last chain hash, the agent's signed heads at both ends —
 * so a copy with either end or a middle batch cut off no longer verifies.
 */
export async function exportEvidence(
  store: Store, agent: AgentRecord, fromMs: number, toMs: number, signer: ExportSigner, options: ExportOptions = {},
): Promise<EvidenceDocument> {
  const range = options.seqRange ?? await store.seqRangeForTime(agent.id, fromMs, toMs);
  if (!range) throw new CollectorError('COLLECTOR_EXPORT_EMPTY', `${agent.pc} (${agent.id})`);
  const batches = await store.batchesCovering(agent.id, range.fromSeq, range.toSeq);
  // Batches may overlap after a resend; drop those wholly inside an earlier one (the verifier checks overlaps).
  const chosen: BatchRecord[] = [];
  const missing: { from_seq: number; to_seq: number }[] = []; // seqs this collector never received, inside the range
  let covered = 0;
  for (const batch of batches) {
    if (batch.lastSeq <= covered) continue;
    if (covered > 0 && batch.firstSeq > covered + 1) missing.push({ from_seq: covered + 1, to_seq: batch.firstSeq - 1 });
    chosen.push(batch);
    covered = batch.lastSeq;
  }
  const firstBatch = chosen[0];
  const lastBatch = chosen.at(-1);
  if (!firstBatch || !lastBatch) throw new CollectorError('COLLECTOR_EXPORT_EMPTY', `${agent.pc} (${agent.id}): no signed batch covers the range`);
  const events = await store.eventsBySeq(agent.id, firstBatch.firstSeq, covered);
  const firstEvent = events[0];
  const lastEvent = events.at(-1);
  if (firstEvent?.seq !== firstBatch.firstSeq || lastEvent?.seq !== covered) {
    throw new CollectorError('COLLECTOR_EXPORT_INCONSISTENT', `${agent.id}: batches cover seq ${firstBatch.firstSeq}..${covered}, stored events ${firstEvent?.seq}..${lastEvent?.seq}`);
  }
  const exportedAtMs = (options.now ?? Date.now)();
  const seq = { first: firstBatch.firstSeq, last: covered };
  const { segments, missing: unexplained } = options.segments
    ? { segments: options.segments, missing }
    : await recordedSegments(store, agent.id, seq, signer.key, missing);
  const quarantined = await quarantinedSection(store, agent.id, seq, { fromMs, toMs });
  const publicKey = agent.publicKey.toString('base64');
  const manifest: ExportManifest = {
    format: MANIFEST_FORMAT,
    collector: { name: signer.collectorName, public_key: signer.key.publicKey.toString('base64') },
    exported_at_ms: exportedAtMs,
    requested_range: { from_ms: fromMs, to_ms: toMs },
    agent: { id: agent.id, pc: agent.pc, public_key: publicKey },
    seq,
    event_count: events.length,
    batch_count: chosen.length,
    start_prev_hash: firstBatch.prevHash.toString('hex'),
    first_hash: firstEvent.hash.toString('hex'),
    last_hash: lastEvent.hash.toString('hex'),
    heads: { first: header(firstBatch), last: header(lastBatch) },
    payload_kinds: Object.fromEntries([...eventPayloadKinds()].map(([field, kind]) => [String(field), kind])),
    ...(unexplained.length ? { missing: unexplained } : {}),
    ...(segments.length ? { segments } : {}),
    ...(quarantined ? { quarantined: quarantined.summary } : {}),
  };
  return {
    format: EXPORT_FORMAT,
    exported_at: new Date(exportedAtMs).toISOString(),
    agent: { id: agent.id, pc: agent.pc, public_key: publicKey },
    range: { from_ms: fromMs, to_ms: toMs },
    manifest,
    manifest_signature: signExportManifest(signer.key.privateKey, manifest),
    batches: chosen.map(header),
    events: events.map((e) => ({
      seq: e.seq, time_ms: e.timeMs, kind: e.kind, pc: e.pc, user: e.user, hash: e.hash.toString('hex'), bytes: e.bytes.toString('base64'),
    })),
    // Refused batches, apart from the genuine events above: what the PC sent, kept as evidence, never counted as events.
    ...(quarantined ? { quarantined: quarantined.batches } : {}),
  };
}
