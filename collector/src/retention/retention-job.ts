import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { retentionMs, type RetentionPolicy } from '@mamori/policies';
import { verifyEvidence } from '@mamori/proto';
import { CollectorError } from '../errors.ts';
import { exportEvidence, type ExportSigner } from '../evidence-export.ts';
import type { RetentionRepository } from '../store/repositories/retention.ts';
import type { Store } from '../store/store.ts';

export interface RetentionDeps {
  store: Store;
  retention: RetentionRepository;
  signer: ExportSigner;
  /** Where the evidence exports written before a delete go (one file per agent and run). */
  exportDir: string;
  now: () => number;
}

/** What one agent's evidence lost in a run, and the export that holds it. */
export interface RetentionOutcome {
  agentId: string;
  fromSeq: number;
  toSeq: number;
  events: number;
  exportFile: string;
}

/**
 * Deletes evidence older than the policy keeps it. For each agent, first writes an evidence export of exactly the
 * events about to go, reads it back and verifies it (signatures, chain, collector manifest, and that it holds
 * precisely those seqs), and deletes only then; each deletion is audited with the export's file name. A failing
 * export throws before anything of that agent is deleted; agents already done stay done.
 */
export async function runEvidenceRetention(deps: RetentionDeps, policy: RetentionPolicy): Promise<RetentionOutcome[]> {
  if (!policy.evidence) return [];
  const nowMs = deps.now();
  const beforeMs = nowMs - retentionMs(policy.evidence);
  await mkdir(deps.exportDir, { recursive: true });
  const outcomes: RetentionOutcome[] = [];
  for (const expired of await deps.retention.expiredEvidence(beforeMs)) {
    const agent = await deps.store.getAgent(expired.agentId);
    if (!agent) throw new CollectorError('COLLECTOR_NOT_FOUND', `agent ${expired.agentId} of stored evidence`);
    const seqRange = { fromSeq: expired.fromSeq, toSeq: expired.toSeq };
    const doc = await exportEvidence(deps.store, agent, 0, beforeMs, deps.signer, { seqRange, now: deps.now });
    const exportFile = join(deps.exportDir, `retention-${agent.id}-${expired.fromSeq}-${expired.toSeq}-${nowMs}.json`);
    // Written under a temporary name and renamed, so a crash never leaves a half file that looks like an export.
    await writeFile(`${exportFile}.partial`, JSON.stringify(doc));
    await rename(`${exportFile}.partial`, exportFile);
    const written = JSON.parse(await readFile(exportFile, 'utf8')) as unknown;
    const verdict = verifyEvidence(written, { collectorKey: deps.signer.key.publicKey.toString('base64'), publicKey: agent.publicKey.toString('base64'), listEvents: true });
    const seqs = (verdict.eventList ?? []).map((e) => e.seq);
    const exact = seqs.length === expired.events && seqs[0] === expired.fromSeq && seqs.at(-1) === expired.toSeq;
    if (!verdict.ok || !exact) {
      const why = verdict.ok ? `it holds seq ${seqs[0]}..${seqs.at(-1)} (${seqs.length}), expected ${expired.fromSeq}..${expired.toSeq} (${expired.events})` : verdict.problems.join('; ');
      throw new CollectorError('COLLECTOR_RETENTION_EXPORT_FAILED', `${agent.id}: ${exportFile}: ${why}`);
    }
    const events = await deps.retention.deleteEvidenceThrough(agent.id, expired.toSeq);
    await deps.store.appendAudit({
      timeMs: nowMs, actor: 'retention', action: 'retention.evidence_delete',
      entry: { agentId: agent.id, pc: agent.pc, fromSeq: expired.fromSeq, toSeq: expired.toSeq, events, keep: policy.evidence, exportFile },
    });
    outcomes.push({ agentId: agent.id, fromSeq: expired.fromSeq, toSeq: expired.toSeq, events, exportFile });
  }
  return outcomes;
}
