import type { ProjectedEvent } from '../types.ts';

/** Which events rebuild the alert engine's threshold windows: the kinds its threshold rules count, over their span. */
export interface WindowEventsQuery {
  /** Event kinds (print_job, file_copy …) of the threshold rules. */
  kinds: string[];
  /** Event time after which an event may still count in a window (now − the longest window). */
  fromMs: number;
  /** Events per chunk. */
  chunk: number;
}

/** An event already counted into an alert of a rule (it was part of a window that crossed its threshold). */
export interface AlertedEvent {
  ruleId: string;
  eventId: number;
}

/**
 * What the alert engine reads to rebuild its sliding windows when it starts evaluating — a collector taking the
 * projection over from a leader that died, or one restarting — so a window goes on where it was, not from empty.
 */
export interface AlertWindowsRepository {
  /**
   * Events already projected (the ones the former evaluator has seen; later ones the projector still hands on) of
   * these kinds whose event time is after `fromMs`, decoded, in chunks; each kind in event-time order. An event whose
   * payload does not decode is left out, as projection leaves it out of the rules.
   */
  projectedEvents(query: WindowEventsQuery): AsyncIterable<ProjectedEvent[]>;
  /** Events linked to alerts of these rules whose span reaches past `fromMs` (at most maxLinkedEvents per alert). */
  alertedEvents(ruleIds: string[], fromMs: number): Promise<AlertedEvent[]>;
}
