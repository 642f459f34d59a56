import { decodeEvent, encodeEvent, type Event } from '@mamori/proto';
import type { EventDraft } from './event-draft.ts';
import type { Journal } from './journal.ts';

export interface RecorderIdentity {
  agentId: string;
  /** The PC's name as shown in the console (hostname). */
  pc: () => string;
  /** The logged-in user when the sensor did not say. */
  user: () => string;
}

/**
 * Turns sensor drafts into journaled events: stamps sequence, time, agent and PC, encodes once, appends. The
 * single place events are born, so the chain is never forked.
 */
export class Recorder {
  readonly #journal: Journal;
  readonly #identity: RecorderIdentity;
  readonly #now: () => number;
  readonly #listeners = new Set<(seq: number) => void>();

  constructor(journal: Journal, identity: RecorderIdentity, now: () => number = Date.now) {
    this.#journal = journal;
    this.#identity = identity;
    this.#now = now;
  }

  /** Journals one event and returns its sequence number. */
  record = (draft: EventDraft): number => {
    const timeMs = draft.timeMs ?? this.#now();
    const { seq, dropped } = this.#journal.append(timeMs, (n) => encodeEvent(this.#stamp(draft, n, timeMs)));
    if (dropped) {
      this.record({
        lifecycle: {
          kind: 'JOURNAL_FULL', droppedFromSeq: dropped.fromSeq, droppedToSeq: dropped.toSeq,
          detail: `journal reached its size cap; unsent events ${dropped.fromSeq}..${dropped.toSeq} were dropped`,
        },
      });
    }
    for (const listener of this.#listeners) listener(seq);
    return seq;
  };

  /**
   * Starts a new segment on the collector's chain head: moves the journal head there, journals `reset` (the
   * JOURNAL_RESET declaration) right after it, then re-journals `renumber` rows (unsent rows numbered before the
   * agent knew the collector's head) after that with new numbers, in one transaction. Their content is kept; only
   * seq changes, because the collector already holds other events under their old numbers.
   */
  recordJournalReset(head: { seq: number; hash: Buffer }, reset: EventDraft, renumber: { seq: number; timeMs: number; bytes: Buffer }[]): number {
    const timeMs = reset.timeMs ?? this.#now();
    const entries = [
      { timeMs, encode: (n: number) => encodeEvent(this.#stamp(reset, n, timeMs)) },
      ...renumber.map((row) => ({ timeMs: row.timeMs, encode: (n: number) => encodeEvent({ ...decodeEvent(row.bytes), seq: n } as Event) })),
    ];
    const seqs = this.#journal.rebase(head, renumber.map((row) => row.seq), entries);
    for (const listener of this.#listeners) listener(seqs.at(-1)!);
    return seqs[0]!;
  }

  /** Called after every append (the uplink uses it to wake up). */
  onRecorded(listener: (seq: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #stamp(draft: EventDraft, seq: number, timeMs: number): Event {
    const { timeMs: _ignored, user, ...payload } = draft;
    return {
      ...payload, seq, timeMs, agentId: this.#identity.agentId, pc: this.#identity.pc(), user: user || this.#identity.user(),
    };
  }
}
