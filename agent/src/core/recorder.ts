import { encodeEvent, type Event } from '@mamori/proto';
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
