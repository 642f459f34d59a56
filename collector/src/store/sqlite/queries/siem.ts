import type Database from 'better-sqlite3';
import type { SiemEvent } from '../../repositories/siem.ts';

// On SQLite an event's export position is its id: ids are taken in commit order (one writer at a time).
const eventColumns = 'id, id AS position, agent_id AS agentId, seq, pc, time_ms AS timeMs, received_ms AS receivedMs, kind, user, hash, bytes';

/** Reads and moves SIEM sinks' cursors, and the events after them, for collector/src/siem/. */
export class SiemQueries {
  readonly #cursor;
  readonly #setCursor;
  readonly #after;
  readonly #maxId;
  readonly #idOf;

  constructor(db: Database.Database) {
    this.#cursor = db.prepare('SELECT event_id AS position, exported FROM siem_cursors WHERE sink = ?');
    this.#setCursor = db.prepare(`INSERT INTO siem_cursors (sink, event_id, exported, updated_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (sink) DO UPDATE SET event_id = excluded.event_id, exported = siem_cursors.exported + excluded.exported,
      updated_ms = excluded.updated_ms WHERE excluded.event_id > siem_cursors.event_id`);
    this.#after = db.prepare(`SELECT ${eventColumns} FROM events WHERE id > ? ORDER BY id LIMIT ?`);
    this.#maxId = db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events');
    this.#idOf = db.prepare('SELECT id FROM events WHERE agent_id = ? AND seq = ?');
  }

  /** The sink's cursor (last event id delivered) and how many events it delivered in all; undefined for a new sink. */
  cursor(sink: string): { position: number; exported: number } | undefined {
    return this.#cursor.get(sink) as { position: number; exported: number } | undefined;
  }

  /** Moves the cursor forward (never back) and adds to the delivered count, in one statement. */
  advance(sink: string, eventId: number, exported: number, nowMs: number): void {
    this.#setCursor.run(sink, eventId, exported, nowMs);
  }

  /** Stored events after an id, oldest first. */
  eventsAfter(eventId: number, limit: number): SiemEvent[] {
    return this.#after.all(eventId, limit) as SiemEvent[];
  }

  /** The newest stored event's id (0 when none): where a sink that starts "at the end" begins. */
  lastEventId(): number {
    return (this.#maxId.get() as { id: number }).id;
  }

  /** The id of an agent's event by seq (to resume a file sink from the last line it holds). */
  eventIdOf(agentId: string, seq: number): number | undefined {
    return (this.#idOf.get(agentId, seq) as { id: number } | undefined)?.id;
  }
}
