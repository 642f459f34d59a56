import type Database from 'better-sqlite3';
import type { OperationsSnapshot } from '../../repositories/operations.ts';

export class OperationsQueries {
  readonly #statements;

  constructor(db: Database.Database) {
    this.#statements = {
      eventsStored: db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM events'),
      projectedThrough: db.prepare("SELECT COALESCE(CAST(value AS INTEGER), 0) AS id FROM meta WHERE key = 'projected_through'"),
      firstUnprojected: db.prepare('SELECT received_ms AS receivedMs FROM events WHERE id > ? ORDER BY id LIMIT 1'),
      agents: db.prepare(`SELECT COUNT(*) AS enrolled, COALESCE(SUM(connected), 0) AS connected, COALESCE(SUM(journal_backlog), 0) AS backlogSum,
        COALESCE(MAX(journal_backlog), 0) AS backlogMax, COALESCE(SUM(journal_backlog > 0), 0) AS withBacklog FROM agents WHERE retired_ms IS NULL`),
      outbox: db.prepare('SELECT COUNT(*) AS n FROM notify_outbox WHERE sent_ms IS NULL AND failed_ms IS NULL'),
      findings: db.prepare('SELECT kind, COUNT(*) AS count FROM integrity_findings GROUP BY kind ORDER BY kind'),
      ping: db.prepare('SELECT 1 AS ok'),
      unprojected: db.prepare(`SELECT EXISTS (SELECT 1 FROM events WHERE id > COALESCE((SELECT CAST(value AS INTEGER) FROM meta
        WHERE key = 'projected_through'), 0)) AS pending`),
    };
  }

  snapshot(nowMs: number): OperationsSnapshot {
    const s = this.#statements;
    const eventsStored = (s.eventsStored.get() as { n: number }).n;
    const through = (s.projectedThrough.get() as { id: number } | undefined)?.id ?? 0;
    const oldest = s.firstUnprojected.get(through) as { receivedMs: number } | undefined;
    const agents = s.agents.get() as { enrolled: number; connected: number; backlogSum: number; backlogMax: number; withBacklog: number };
    return {
      eventsStored,
      projectionLagEvents: Math.max(0, eventsStored - through),
      projectionLagMs: oldest ? Math.max(0, nowMs - oldest.receivedMs) : 0,
      agentsEnrolled: agents.enrolled,
      agentsConnected: agents.connected,
      journalBacklogSum: agents.backlogSum,
      journalBacklogMax: agents.backlogMax,
      agentsWithBacklog: agents.withBacklog,
      outboxPending: (s.outbox.get() as { n: number }).n,
      integrityFindings: s.findings.all() as { kind: string; count: number }[],
    };
  }

  /** True when some stored event is not yet projected (e.g. stored by another process). One index probe. */
  hasUnprojected(): boolean {
    return (this.#statements.unprojected.get() as { pending: number }).pending === 1;
  }

  /** Throws when the database cannot answer (health checks). */
  ping(): void {
    assertAnswered(this.#statements.ping.get());
  }
}

function assertAnswered(row: unknown): void {
  if ((row as { ok?: number } | undefined)?.ok !== 1) throw new Error('database did not answer');
}
