import { EXPORT_FORMAT, type EvidenceDocument } from '@mamori/proto';
import { CollectorError } from './errors.ts';
import type { Store } from './store/store.ts';
import type { AgentRecord } from './store/types.ts';

/** Finds an agent by id, or the most recently enrolled agent of a PC name. */
export async function resolveAgent(store: Store, agentOrPc: string): Promise<AgentRecord> {
  const byId = await store.getAgent(agentOrPc);
  if (byId) return byId;
  const matches = (await store.listAgents()).filter((a) => a.pc === agentOrPc).sort((a, b) => b.enrolledMs - a.enrolledMs);
  if (!matches[0]) throw new CollectorError('COLLECTOR_NOT_FOUND', `no agent or PC named "${agentOrPc}"`);
  return matches[0];
}

/**
 * Exports an agent's events in a time range as a self-contained evidence document. Whole signed batches are
 * included (a batch signature covers all its events), so the range may widen to batch edges.
 */
export async function exportEvidence(store: Store, agent: AgentRecord, fromMs: number, toMs: number): Promise<EvidenceDocument> {
  const range = await store.seqRangeForTime(agent.id, fromMs, toMs);
  if (!range) throw new CollectorError('COLLECTOR_EXPORT_EMPTY', `${agent.pc} (${agent.id})`);
  const batches = await store.batchesCovering(agent.id, range.fromSeq, range.toSeq);
  // Batches may overlap after a resend; drop those wholly inside an earlier one (the verifier checks overlaps).
  const chosen: typeof batches = [];
  let covered = 0;
  for (const batch of batches) {
    if (batch.lastSeq <= covered) continue;
    chosen.push(batch);
    covered = batch.lastSeq;
  }
  const first = chosen[0]?.firstSeq ?? range.fromSeq;
  const events = await store.eventsBySeq(agent.id, first, covered);
  return {
    format: EXPORT_FORMAT,
    exported_at: new Date().toISOString(),
    agent: { id: agent.id, pc: agent.pc, public_key: agent.publicKey.toString('base64') },
    range: { from_ms: fromMs, to_ms: toMs },
    batches: chosen.map((b) => ({
      first_seq: b.firstSeq, last_seq: b.lastSeq, prev_hash: b.prevHash.toString('hex'), last_hash: b.lastHash.toString('hex'),
      signature: b.signature.toString('base64'),
    })),
    events: events.map((e) => ({ seq: e.seq, time_ms: e.timeMs, kind: e.kind, hash: e.hash.toString('hex'), bytes: e.bytes.toString('base64') })),
  };
}
