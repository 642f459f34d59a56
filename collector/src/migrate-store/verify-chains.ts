import { verifyEvidence, type EvidenceDocument } from '@mamori/proto';
import { CollectorError } from '../errors.ts';
import { exportEvidence, type ExportSigner } from '../evidence-export.ts';
import type { Store } from '../store/store.ts';
import type { AgentRecord } from '../store/types.ts';

/** Seqs exported and checked at a time, so memory stays at one window however long an agent's chain. */
const defaultWindow = 20_000;

export interface ChainCheck {
  agentId: string;
  pc: string;
  events: number;
  ok: boolean;
  /** Each problem names the agent; most name a seq ("seq 12: hash does not match its bytes"). */
  problems: string[];
}

/**
 * Checks every agent's chain end to end as an auditor would: the stored events are exported window by window
 * (exportEvidence, the `export` command's code) and each window is verified by the offline verifier
 * (verifyEvidence: hashes, agent signatures, segment anchors, quarantined batches); consecutive windows must chain,
 * and the last stored hash must be the agent's head. Nothing is re-implemented here.
 */
export async function verifyAgentChains(
  store: Store, signer: ExportSigner, options: { window?: number; onAgent?: (check: ChainCheck) => void } = {},
): Promise<ChainCheck[]> {
  const checks: ChainCheck[] = [];
  for (const agent of await store.listAgents()) {
    const check = await verifyAgentChain(store, agent, signer, options.window ?? defaultWindow);
    options.onAgent?.(check);
    checks.push(check);
  }
  return checks;
}

async function verifyAgentChain(store: Store, agent: AgentRecord, signer: ExportSigner, window: number): Promise<ChainCheck> {
  const label = `agent ${agent.id} (${agent.pc})`;
  const problems: string[] = [];
  let events = 0;
  const range = await store.seqRangeForTime(agent.id, -8.64e15, 8.64e15);
  let previous: EvidenceDocument | undefined;
  for (let fromSeq = range?.fromSeq ?? 1; range && fromSeq <= range.toSeq;) {
    const toSeq = Math.min(fromSeq + window - 1, range.toSeq);
    let doc: EvidenceDocument;
    try {
      doc = await exportEvidence(store, agent, -8.64e15, 8.64e15, signer, { seqRange: { fromSeq, toSeq } });
    } catch (error) {
      if (error instanceof CollectorError && error.code === 'COLLECTOR_EXPORT_EMPTY') {
        fromSeq = toSeq + 1; // no signed batch covers these seqs (all refused or never received): the next window says more
        continue;
      }
      if (error instanceof CollectorError && error.code === 'COLLECTOR_EXPORT_INCONSISTENT') {
        problems.push(`${label}: ${error.message}`);
        break;
      }
      throw error;
    }
    const verdict = verifyEvidence(doc, { publicKey: agent.publicKey.toString('base64'), collectorKey: signer.key.publicKey.toString('base64') });
    problems.push(...verdict.problems.map((problem) => `${label}: ${problem}`));
    events += doc.events.length;
    const first = doc.manifest.seq.first;
    const restarts = doc.manifest.segments?.some((s) => s.start_seq === first) ?? false;
    if (previous && first === previous.manifest.seq.last + 1 && !restarts && doc.manifest.start_prev_hash !== previous.manifest.last_hash) {
      problems.push(`${label}: chain break between seq ${first - 1} and ${first}: the batch at seq ${first} does not continue the chain`);
    }
    previous = doc;
    fromSeq = doc.manifest.seq.last + 1;
  }
  if (previous && previous.manifest.seq.last === agent.lastSeq && previous.manifest.last_hash !== agent.lastHash.toString('hex')) {
    problems.push(`${label}: seq ${agent.lastSeq}: the stored event's hash is not the agent's chain head`);
  }
  return { agentId: agent.id, pc: agent.pc, events, ok: problems.length === 0, problems };
}
