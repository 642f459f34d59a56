import type { StoredEvent } from '../types.ts';

/** SIEM sinks' cursors and the stored events after them (for collector/src/siem/). */
export interface SiemRepository {
  /** The sink's cursor (last event id delivered) and how many events it delivered in all; undefined for a new sink. */
  cursor(sink: string): Promise<{ eventId: number; exported: number } | undefined>;
  /** Moves the cursor forward (never back) and adds to the delivered count, in one statement. */
  advance(sink: string, eventId: number, exported: number, nowMs: number): Promise<void>;
  /** Stored events after an id, oldest first. */
  eventsAfter(eventId: number, limit: number): Promise<StoredEvent[]>;
  /** The newest stored event's id (0 when none): where a sink that starts "at the end" begins. */
  lastEventId(): Promise<number>;
  /** The id of an agent's event by seq (to resume a file sink from the last line it holds). */
  eventIdOf(agentId: string, seq: number): Promise<number | undefined>;
}
