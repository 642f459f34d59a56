import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { retentionMs, type RetentionPolicy } from '@mamori/policies';
import { verifyEvidence } from '@mamori/proto';
import { CollectorError } from '../errors.ts';
import { exportEvidence, type ExportSigner } from '../evidence-export.ts';
import type { ExpiredEvidence, MonthlyRetentionRepository, RetentionRepository } from '../store/repositories/retention.ts';
import type { Store } from '../store/store.ts';
import type { AgentRecord } from '../store/types.ts';

export interface RetentionDeps {
  store: Store;
  /** Agent by agent (SQLite) or whole months received (PostgreSQL: monthly partitions of every agent's events). */
  retention: RetentionRepository | MonthlyRetentionRepository;
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
  /** PostgreSQL: the months received (partitions) dropped in the run. */
  months?: string[];
}

/**
 * Deletes evidence older than the policy keeps it. For each agent, first writes an evidence export of exactly the
 * events about to go, reads it back and verifies it (signatures, chain, collector manifest, and that it holds
 * precisely those seqs), and deletes only then; each deletion is audited with the export's file name. A failing
 * export throws before anything of that agent is deleted; agents already done stay done.
 *
 * On PostgreSQL evidence goes by whole months received (one partition holds every agent's events of a month): the
 * months wholly older than the limit go once every agent's export of them verified, or not at all; the month that
 * straddles the limit waits until all of it is older.
 */
export async function runEvidenceRetention(deps: RetentionDeps, policy: RetentionPolicy): Promise<RetentionOutcome[]> {
  if (!policy.evidence) return [];
  const nowMs = deps.now();
  const beforeMs = nowMs - retentionMs(policy.evidence);
  await mkdir(deps.exportDir, { recursive: true });
  if ('dropMonths' in deps.retention) return runMonthlyRetention(deps, deps.retention, policy.evidence, beforeMs, nowMs);
  const retention = deps.retention;
  const outcomes: RetentionOutcome[] = [];
  for (const expired of await retention.expiredEvidence(beforeMs)) {
    const { agent, exportFile } = await exportVerified(deps, expired, beforeMs, nowMs);
    const events = await retention.deleteEvidenceThrough(agent.id, expired.toSeq);
    await deps.store.appendAudit({
      timeMs: nowMs, actor: 'retention', action: 'retention.evidence_delete',
      entry: { agentId: agent.id, pc: agent.pc, fromSeq: expired.fromSeq, toSeq: expired.toSeq, events, keep: policy.evidence, exportFile },
    });
    outcomes.push({ agentId: agent.id, fromSeq: expired.fromSeq, toSeq: expired.toSeq, events, exportFile });
  }
  return outcomes;
}

/** Exports every agent's share of the expired months, verifies each export, then drops the months; audited per agent. */
async function runMonthlyRetention(
  deps: RetentionDeps, retention: MonthlyRetentionRepository, keep: string, beforeMs: number, nowMs: number,
): Promise<RetentionOutcome[]> {
  const plan = await retention.expiredMonths(beforeMs);
  if (plan.months.length === 0) return [];
  const exported: { expired: ExpiredEvidence; agent: AgentRecord; exportFile: string }[] = [];
  for (const expired of plan.agents) exported.push({ expired, ...(await exportVerified(deps, expired, plan.cutoffMs, nowMs)) });
  const dropped = await retention.dropMonths(plan.months);
  const outcomes: RetentionOutcome[] = [];
  for (const { expired, agent, exportFile } of exported) {
    const events = dropped.get(agent.id) ?? 0;
    // Another collector's run dropped these months first (and audited them).
    if (events === 0) continue;
    await deps.store.appendAudit({
      timeMs: nowMs, actor: 'retention', action: 'retention.evidence_delete',
      entry: { agentId: agent.id, pc: agent.pc, fromSeq: expired.fromSeq, toSeq: expired.toSeq, events, keep, exportFile, months: plan.months },
    });
    outcomes.push({ agentId: agent.id, fromSeq: expired.fromSeq, toSeq: expired.toSeq, events, exportFile, months: plan.months });
  }
  return outcomes;
}

/**
 * Writes an evidence export of exactly the expired events of one agent, reads it back and verifies it with the
 * standalone verifier's code; throws unless it verifies and holds precisely those seqs.
 */
async function exportVerified(deps: RetentionDeps, expired: ExpiredEvidence, beforeMs: number, nowMs: number): Promise<{ agent: AgentRecord; exportFile: string }> {
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
  return { agent, exportFile };
}
