import type Database from 'better-sqlite3';
import type { ExpiredEvidence, RetentionRepository } from '../../repositories/retention.ts';

// Query tables that point at events without a foreign key (the rest are found by their REFERENCES events clause, so
// a query table added later is covered without a change here). siem_cursors is a position, not a copy: it stays.
const unreferencedEventTables = ['log_entries', 'alert_events', 'risk_observations'];

export class SqliteRetentionRepository implements RetentionRepository {
  constructor(private readonly db: Database.Database) {}

  async expiredEvidence(beforeMs: number): Promise<ExpiredEvidence[]> {
    // The first batch received at or after the cut-off bounds what may go; without one, every old batch may.
    return this.db.prepare(`
      WITH bound AS (
        SELECT b.agent_id, MAX(b.last_seq) AS to_seq FROM batches b
        WHERE b.received_ms < @beforeMs
          AND b.last_seq < COALESCE((SELECT MIN(n.first_seq) FROM batches n WHERE n.agent_id = b.agent_id AND n.received_ms >= @beforeMs), 9e18)
        GROUP BY b.agent_id
      )
      SELECT bound.agent_id AS agentId, MIN(e.seq) AS fromSeq, bound.to_seq AS toSeq, COUNT(*) AS events
      FROM bound JOIN events e ON e.agent_id = bound.agent_id AND e.seq <= bound.to_seq
      GROUP BY bound.agent_id ORDER BY bound.agent_id`).all({ beforeMs }) as ExpiredEvidence[];
  }

  async deleteEvidenceThrough(agentId: string, toSeq: number): Promise<number> {
    const tables = this.eventTables();
    const run = this.db.transaction(() => {
      const ids = 'SELECT id FROM events WHERE agent_id = @agentId AND seq <= @toSeq';
      if (this.exists('log_entries_fts')) {
        // External-content FTS: remove each row's terms with the text it was indexed with, before the row goes.
        this.db.prepare(`INSERT INTO log_entries_fts (log_entries_fts, rowid, summary, detail)
          SELECT 'delete', event_id, summary, detail FROM log_entries WHERE event_id IN (${ids})`).run({ agentId, toSeq });
      }
      if (tables.includes('mails')) {
        // A mail's attachments and keyword index entries hang off the mail's id, not the event's: they go first
        // (mail_attachments' foreign key to mails would refuse the mail's delete; the indexes are contentless).
        const mailIds = `SELECT id FROM mails WHERE event_id IN (${ids})`;
        for (const index of ['mails_fts', 'mails_fts_sample']) {
          if (this.exists(index)) this.db.prepare(`DELETE FROM "${index}" WHERE rowid IN (${mailIds})`).run({ agentId, toSeq });
        }
        this.db.prepare(`DELETE FROM mail_attachments WHERE mail_id IN (${mailIds})`).run({ agentId, toSeq });
      }
      for (const table of tables) this.db.prepare(`DELETE FROM "${table}" WHERE event_id IN (${ids})`).run({ agentId, toSeq });
      this.db.prepare('DELETE FROM batches WHERE agent_id = @agentId AND last_seq <= @toSeq').run({ agentId, toSeq });
      return this.db.prepare('DELETE FROM events WHERE agent_id = @agentId AND seq <= @toSeq').run({ agentId, toSeq }).changes;
    });
    return run();
  }

  private exists(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(name) !== undefined;
  }

  /** Every table holding rows made from events: those with a foreign key to events, and the known others. */
  private eventTables(): string[] {
    const tables = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    const referencing = tables.filter((table) => (this.db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string }[])
      .some((fk) => fk.table === 'events' && fk.from === 'event_id'));
    return [...referencing, ...unreferencedEventTables.filter((t) => tables.includes(t) && !referencing.includes(t))];
  }
}
