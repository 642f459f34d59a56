import type { StoredEvent } from '../types.ts';

/** A stored event with its place in the export order (what a sink's cursor counts). */
export type SiemEvent = StoredEvent & { position: number };

/**
 * SIEM sinks' cursors and the stored events after them (for collector/src/siem/). A cursor is a position in the
 * export order, not an event id: on SQLite the two are the same (ids are taken in commit order), on PostgreSQL ids
 * commit out of order, so positions are given in the projector's (transaction, id) order as each pass makes events
 * final — an event committed late gets a later position instead of an id below a cursor already past it.
 */
export interface SiemRepository {
  /** The sink's cursor (position of the last event delivered) and how many events it delivered in all; undefined for a new sink. */
  cursor(sink: string): Promise<{ position: number; exported: number } | undefined>;
  /** Moves the cursor forward (never back) and adds to the delivered count, in one statement. */
  advance(sink: string, position: number, exported: number, nowMs: number): Promise<void>;
  /** Stored events after a position, in export order. */
  eventsAfter(position: number, limit: number): Promise<SiemEvent[]>;
  /** The last event's position (0 when none): where a sink that starts "at the end" begins. */
  lastPosition(): Promise<number>;
  /** The position of an agent's event by seq (to resume a file sink from the last line it holds); undefined if it has none yet. */
  positionOf(agentId: string, seq: number): Promise<number | undefined>;
}
