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
 * Unsent rows are handled by where they came from:
 * - A journal never confirmed by a collector (created after the old one vanished) numbered its rows from 1 while
 *   the collector already held other events under those numbers. Those rows never left the PC and no one else
 *   holds their numbering, so they are re-journaled after the reset with new numbers, content unchanged (the
 *   reset event names their old range). Sending them under their old numbers would only collide with stored
 *   events and end in quarantine, i.e. real events shown as suspect.
 * - A journal a collector has confirmed before (a restored older copy) holds rows on the collector's own
 *   numbering, most of them already delivered by the newer journal: they are sent as they are, so the collector
 *   acknowledges the identical ones without storing twice and quarantines any that differ. Renumbering them
 *   would deliver the same events twice.
 */
export function reconcileWithCollector(journal: Journal, recorder: Recorder, collector: CollectorHead, agentVersion: string): Reconciliation {
  const head = { seq: journal.lastSeq, hash: journal.lastHash };
  if (collector.lastSeq === 0 || (collector.lastSeq <= head.seq && (journal.hashAt(collector.lastSeq)?.equals(collector.lastHash) ?? true))) {
    journal.markAnchored();
    return { kind: 'in_step' };
  }
  const anchored = journal.anchored;
  const unsent = journal.read(0, Number.MAX_SAFE_INTEGER);
  const renumber = anchored ? [] : unsent;
  // A confirmed journal that is ahead of the collector keeps its own head; its later rows are still unsent.
  const resumeOn = anchored && head.seq > collector.lastSeq ? head : { seq: collector.lastSeq, hash: collector.lastHash };
  const reason = !anchored ? 'deleted' : head.seq < collector.lastSeq ? 'rolled_back' : 'diverged';
  const words = {
    deleted: `journal started afresh at seq 1 (deleted or replaced) while the collector holds seq ${collector.lastSeq}`,
    rolled_back: `journal rolled back to seq ${head.seq} while the collector holds seq ${collector.lastSeq}`,
    diverged: `journal's chain differs from the collector's at seq ${collector.lastSeq}`,
  }[reason];
  const resetSeq = recorder.recordJournalReset(resumeOn, {
    lifecycle: {
      kind: 'JOURNAL_RESET', agentVersion, resetCollectorSeq: collector.lastSeq, resetJournalSeq: head.seq, resetJournalHash: head.hash,
      renumberedFromSeq: renumber[0]?.seq ?? 0, renumberedToSeq: renumber.at(-1)?.seq ?? 0,
      detail: `${words}; continuing at seq ${resumeOn.seq + 1}${renumber.length ? `; ${renumber.length} unsent event(s) re-journaled after it` : ''}`,
    },
  }, renumber);
  return { kind: 'reset', resetSeq, renumbered: renumber.length, reason };
}
