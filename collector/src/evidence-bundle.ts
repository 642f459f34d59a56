import { verifyEvidence, type EvidenceDocument, type EvidenceVerdict } from '@mamori/proto';
import { CollectorError } from './errors.ts';
import { exportEvidence, type ExportSigner } from './evidence-export.ts';
import type { Store } from './store/store.ts';
import type { AgentRecord } from './store/types.ts';

export const BUNDLE_FORMAT = 'mamori-evidence-bundle-v1';

/**
 * The evidence of a PC name that several agents have used (a replaced PC, or another machine enrolled under its
 * name): one complete evidence document per agent, each with that agent's own chain, signed batches and public
 * key, so each stays separately verifiable (also by the standalone verifier, one document at a time). Every
 * event's hashed bytes name its agent too.
 */
export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT;
  exported_at: string;
  pc: string;
  agents: { id: string; hardware_id: string; enrolled_ms: number; retired_ms: number | null; events: number }[];
  documents: EvidenceDocument[];
}

/** Every agent that has used a PC name, oldest enrollment first. */
export async function agentsOfPc(store: Store, pc: string): Promise<AgentRecord[]> {
  return store.agentsOfPc(pc);
}

/**
 * `export --agent X`: an agent id gives that agent's document; a PC name used by one agent gives its document;
 * a PC name used by several gives a bundle covering them all (agents with nothing in the range are listed with
 * 0 events and no document).
 */
export async function exportByAgentOrPc(
  store: Store, agentOrPc: string, fromMs: number, toMs: number, signer: ExportSigner,
): Promise<EvidenceDocument | EvidenceBundle> {
  const byId = await store.getAgent(agentOrPc);
  if (byId) return exportEvidence(store, byId, fromMs, toMs, signer);
  const agents = await agentsOfPc(store, agentOrPc);
  if (agents.length === 0) throw new CollectorError('COLLECTOR_NOT_FOUND', `no agent or PC named "${agentOrPc}"`);
  if (agents.length === 1) return exportEvidence(store, agents[0]!, fromMs, toMs, signer);
  const documents: EvidenceDocument[] = [];
  const listed: EvidenceBundle['agents'] = [];
  for (const agent of agents) {
    let doc: EvidenceDocument | undefined;
    try {
      doc = await exportEvidence(store, agent, fromMs, toMs, signer);
    } catch (error) {
      if (!(error instanceof CollectorError && error.code === 'COLLECTOR_EXPORT_EMPTY')) throw error;
    }
    if (doc) documents.push(doc);
    listed.push({ id: agent.id, hardware_id: agent.hardwareId, enrolled_ms: agent.enrolledMs, retired_ms: agent.retiredMs, events: doc?.events.length ?? 0 });
  }
  if (documents.length === 0) throw new CollectorError('COLLECTOR_EXPORT_EMPTY', `${agentOrPc} (${agents.map((a) => a.id).join(', ')})`);
  return { format: BUNDLE_FORMAT, exported_at: new Date().toISOString(), pc: agentOrPc, agents: listed, documents };
}

export function isEvidenceBundle(doc: unknown): doc is EvidenceBundle {
  return typeof doc === 'object' && doc !== null && (doc as { format?: unknown }).format === BUNDLE_FORMAT;
}

/** Verdict on a bundle: each document checked on its own with its own agent's key; problems name the agent. */
export function verifyBundle(
  bundle: EvidenceBundle, options: { collectorKey?: string } = {},
): EvidenceVerdict & { agents: { id: string; verdict: EvidenceVerdict }[] } {
  const documents = Array.isArray(bundle.documents) ? bundle.documents : [];
  const agents = documents.map((doc) => ({ id: String(doc?.agent?.id ?? '?'), verdict: verifyEvidence(doc, options) }));
  const problems = agents.flatMap((a) => a.verdict.problems.map((p) => `agent ${a.id}: ${p}`));
  if (agents.length === 0) problems.push('bundle holds no evidence documents');
  const ids = agents.map((a) => a.id);
  if (new Set(ids).size !== ids.length) problems.push('bundle holds the same agent twice');
  return {
    ok: problems.length === 0, problems, agents, summary: null,
    warnings: agents.flatMap((a) => a.verdict.warnings.map((w) => `agent ${a.id}: ${w}`)),
    notes: agents.flatMap((a) => a.verdict.notes.map((n) => `agent ${a.id}: ${n}`)),
    events: agents.reduce((sum, a) => sum + a.verdict.events, 0), batches: agents.reduce((sum, a) => sum + a.verdict.batches, 0),
    quarantined: agents.flatMap((a) => a.verdict.quarantined ?? []),
  };
}
