import type Database from 'better-sqlite3';
import type { AlertedEvent, AlertWindowsRepository, WindowEventsQuery } from '../../repositories/alert-windows.ts';
import { decodeStoredEvents } from '../../decode-stored-events.ts';
import type { ProjectedEvent, StoredEvent } from '../../types.ts';

export class SqliteAlertWindowsRepository implements AlertWindowsRepository {
  readonly #s;

  constructor(db: Database.Database) {
    this.#s = {
      through: db.prepare("SELECT CAST(value AS INTEGER) AS id FROM meta WHERE key = 'projected_through'"),
      // One kind at a time in (time, id) order: index events_kind_time (its rowid is the id) serves range and order.
      page: db.prepare(`SELECT id, agent_id AS agentId, seq, pc, time_ms AS timeMs, received_ms AS receivedMs, kind, user, hash, bytes
        FROM events WHERE kind = ? AND (time_ms, id) > (?, ?) AND id <= ? ORDER BY time_ms, id LIMIT ?`),
      alerted: db.prepare(`SELECT a.rule_id AS ruleId, ae.event_id AS eventId FROM alerts a JOIN alert_events ae ON ae.alert_id = a.id
        WHERE a.last_ms > ? AND a.rule_id IN (SELECT value FROM json_each(?))`),
    };
  }

  async *projectedEvents(query: WindowEventsQuery): AsyncIterable<ProjectedEvent[]> {
    const through = (this.#s.through.get() as { id: number } | undefined)?.id ?? 0;
    for (const kind of query.kinds) {
      let after = { timeMs: query.fromMs, id: Number.MAX_SAFE_INTEGER };
      for (;;) {
        const rows = this.#s.page.all(kind, after.timeMs, after.id, through, query.chunk) as StoredEvent[];
        const events = decodeStoredEvents(rows);
        if (events.length > 0) yield events;
        if (rows.length < query.chunk) break;
        const last = rows.at(-1)!;
        after = { timeMs: last.timeMs, id: last.id };
      }
    }
  }

  async alertedEvents(ruleIds: string[], fromMs: number): Promise<AlertedEvent[]> {
    if (ruleIds.length === 0) return [];
    return this.#s.alerted.all(fromMs, JSON.stringify(ruleIds)) as AlertedEvent[];
  }
}
