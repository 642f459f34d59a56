import { decodeEvent, type AgentLifecycleEvent__Output } from '@mamori/proto';
import type { AcceptedBatch, IntegrityFinding } from '../store/types.ts';

export interface JournalResetNotice {
  finding: Omit<IntegrityFinding, 'agentId' | 'pc' | 'timeMs'>;
  /** The seq of the JOURNAL_RESET event: the first of the new segment. */
  startSeq: number;
  /** The chain hash that event continues from (the collector's head the agent was told in its Welcome). */
  anchorHash: Buffer;
}

/**
 * Finds the agent's JOURNAL_RESET declarations in a batch about to be stored and words the critical finding: what
 * happened to the journal and which events can no longer arrive. Only lifecycle events are decoded (rare), so
 * the cost on ordinary batches is one string comparison per event.
 */
export function journalResetsIn(batch: AcceptedBatch): JournalResetNotice[] {
  const notices: JournalResetNotice[] = [];
  batch.events.forEach((event, i) => {
    if (event.envelope.kind !== 'lifecycle') return;
    const lifecycle = lifecycleOf(event.bytes);
    if (lifecycle?.kind !== 'JOURNAL_RESET') return;
    const anchorHash = i === 0 ? batch.prevHash : batch.events[i - 1]!.hash;
    notices.push({ finding: { kind: 'journal_reset', detail: describeReset(lifecycle, event.seq) }, startSeq: event.seq, anchorHash });
  });
  return notices;
}

function describeReset(reset: AgentLifecycleEvent__Output, seq: number): string {
  const held = reset.resetCollectorSeq;
  const journal = reset.resetJournalSeq;
  // A journal whose unconfirmed rows start at seq 1 was started afresh; one that merely ends short was restored.
  const cause = reset.renumberedFromSeq === 1 || journal === 0
    ? `the journal was deleted or replaced (it had restarted at seq 1 and reached seq ${journal})`
    : journal < held
      ? `the journal was rolled back to seq ${journal} (the collector holds through seq ${held})`
      : `the journal's chain disagrees with the collector's at seq ${held}`;
  const renumbered = reset.renumberedFromSeq > 0
    ? `; ${reset.renumberedToSeq - reset.renumberedFromSeq + 1} unsent event(s) journaled before the agent learnt this were re-journaled after seq ${seq}`
    : '';
  return `agent journal reset at seq ${seq}: ${cause}; events journaled after seq ${held} before the reset and not yet delivered can no longer arrive${renumbered}`;
}

function lifecycleOf(bytes: Buffer): AgentLifecycleEvent__Output | undefined {
  try {
    return decodeEvent(bytes).lifecycle ?? undefined;
  } catch {
    return undefined;
  }
}
