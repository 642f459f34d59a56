import type { EvidenceDocument } from '@mamori/proto';
import type { Store } from '@mamori/collector';
import { exportEvidence, resolveAgent } from '../../collector/src/evidence-export.ts';

/** Everything stored for an agent as an evidence document. */
export async function exportEvidenceFor(store: Store, agentId: string): Promise<EvidenceDocument> {
  return exportEvidence(store, await resolveAgent(store, agentId), 0, 8.64e15);
}
