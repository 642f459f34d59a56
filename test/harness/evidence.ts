import type { EvidenceDocument, ExportSegment } from '@mamori/proto';
import type { CollectorApp } from '@mamori/collector';
import { exportEvidence, resolveAgent } from '../../collector/src/evidence-export.ts';

/** Everything stored for an agent as an evidence document, its manifest signed by the collector's evidence key. */
export async function exportEvidenceFor(app: CollectorApp, agentId: string, options: { segments?: ExportSegment[] } = {}): Promise<EvidenceDocument> {
  return exportEvidence(app.store, await resolveAgent(app.store, agentId), 0, 8.64e15, { key: app.evidenceKey, collectorName: app.config.name }, options);
}
