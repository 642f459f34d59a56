import type { Journal } from './journal.ts';
import type { Recorder } from './recorder.ts';

/** Where the collector's copy of this agent's chain ends, as its Welcome says. */
export interface CollectorHead {
  lastSeq: number;
  lastHash: Buffer;
}

export type Reconciliation =
  /** The collector's head lies on this journal's chain (or past a declared drop): acknowledge up to it. */
  | { kind: 'in_step' }
  /** The collector held more of the chain, or a different one: a JOURNAL_RESET was journaled at `resetSeq`. */
  | { kind: 'reset'; resetSeq: number; renumbered: number; reason: 'deleted' | 'rolled_back' | 'diverged' };

/**
 * Compares the journal with the collector's chain head on every Welcome. When the collector holds more than the
 * journal (journal deleted, restored from an older copy, disk replaced) or its hash at that seq differs, the
 * agent must neither skip nor delete anything new: it journals a JOURNAL_RESET and continues after the
 * collector's last seq, anchored on the collector's hash, so numbers are never reused and the segment chains on.
 *
 * Unsent rows are handled by where they came from (see Journal.confirmedThrough):
 * - Rows journaled before the agent last learnt the collector's head (all rows of a journal created after the
 *   old one vanished; rows added to a restored copy) were numbered on a chain the collector does not hold, and
 *   it already holds other events under many of those numbers. They never left the PC and nobody else holds
 *   their numbering, so they are re-journaled after the reset with new numbers, content unchanged (the reset
 *   event names their old range). Sent under their old numbers they would collide with stored events and end
 *   in quarantine — real events shown as suspect.
 * - Rows a collector had confirmed (the older part of a restored copy) are on the collector's own numbering and
 *   most were delivered by the newer journal: they are sent as they are, so the collector acknowledges the
 *   identical ones without storing twice and quarantines any that differ. Renumbering them would deliver the
 *   same events twice.
 * Limit: a copy taken while the agent ran holds rows journaled after the last acknowledgement as unconfirmed;
 * restored, those are re-journaled and may arrive a second time under new numbers (never lost).
 */
export function reconcileWithCollector(journal: Journal, recorder: Recorder, collector: CollectorHead, agentVersion: string): Reconciliation {
  const head = { seq: journal.lastSeq, hash: journal.lastHash };
  const confirmed = journal.confirmedThrough;
  // Where the journal no longer knows its hash at the collector's head (rows dropped at the size cap), a journal
  // a collector confirmed before is taken at its word; a never-confirmed one cannot be on the collector's chain.
  const hashThere = collector.lastSeq <= head.seq ? journal.hashAt(collector.lastSeq) : undefined;
  const onChain = hashThere ? hashThere.equals(collector.lastHash) : collector.lastSeq <= head.seq && confirmed !== undefined;
  if (collector.lastSeq === 0 || onChain) {
    journal.confirmThrough(head.seq, true);
    return { kind: 'in_step' };
  }
  const unsent = journal.read(0, Number.MAX_SAFE_INTEGER);
  const renumber = unsent.filter((row) => row.seq > (confirmed ?? 0));
  const keptHead = unsent.filter((row) => row.seq <= (confirmed ?? 0)).at(-1);
  // Confirmed rows beyond the collector's head stay where they are; the new segment starts after them.
  const resumeOn = keptHead && keptHead.seq > collector.lastSeq ? { seq: keptHead.seq, hash: keptHead.hash } : { seq: collector.lastSeq, hash: collector.lastHash };
  // Where the journal itself stood before rows were added on a chain the collector does not hold.
  const journalSeq = confirmed === undefined ? head.seq : Math.min(head.seq, confirmed);
  const reason = confirmed === undefined ? 'deleted' : journalSeq < collector.lastSeq ? 'rolled_back' : 'diverged';
  const words = {
    deleted: `journal started afresh (deleted or replaced) while the collector holds seq ${collector.lastSeq}`,
    rolled_back: `journal rolled back to seq ${journalSeq} while the collector holds seq ${collector.lastSeq}`,
    diverged: `journal's chain differs from the collector's at seq ${collector.lastSeq}`,
  }[reason];
  const resetSeq = recorder.recordJournalReset(resumeOn, {
    lifecycle: {
      kind: 'JOURNAL_RESET', agentVersion, resetCollectorSeq: collector.lastSeq, resetJournalSeq: journalSeq, resetJournalHash: journal.hashAt(journalSeq) ?? head.hash,
      renumberedFromSeq: renumber[0]?.seq ?? 0, renumberedToSeq: renumber.at(-1)?.seq ?? 0,
      detail: `${words}; continuing at seq ${resumeOn.seq + 1}${renumber.length ? `; ${renumber.length} unsent event(s) re-journaled after it` : ''}`,
    },
  }, renumber);
  return { kind: 'reset', resetSeq, renumbered: renumber.length, reason };
}
