import type pg from 'pg';
import type { ProjectedEvent } from '../types.ts';

/** Fills print_jobs for a projection pass's print jobs, in the pass's transaction (as SQLite's printJobIndexer). */
export async function insertPrintJobs(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  const rows = events.filter((e) => e.event.printJob).map(({ stored, event }) => ({ stored, job: event.printJob! }));
  if (rows.length === 0) return;
  const column = <T>(pick: (row: (typeof rows)[number]) => T): T[] => rows.map(pick);
  await client.query(`INSERT INTO print_jobs (event_id, agent_id, pc, seq, time_ms, spooler, job_id, document_name, printer, job_user, pages, copies,
      sheets, size_bytes, submitted_ms, completed_ms, state, action, rule)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[],
      $11::integer[], $12::integer[], $13::integer[], $14::bigint[], $15::bigint[], $16::bigint[], $17::text[], $18::text[], $19::text[])
    ON CONFLICT DO NOTHING`, [
    column((r) => r.stored.id), column((r) => r.stored.agentId), column((r) => r.stored.pc), column((r) => r.stored.seq), column((r) => r.stored.timeMs),
    column((r) => r.job.spooler), column((r) => r.job.jobId), column((r) => r.job.documentName), column((r) => r.job.printer), column((r) => r.job.jobUser),
    column((r) => r.job.pages), column((r) => r.job.copies), column((r) => r.job.sheets), column((r) => Number(r.job.sizeBytes) || 0),
    column((r) => Number(r.job.submittedMs) || 0), column((r) => Number(r.job.completedMs) || 0), column((r) => r.job.state), column((r) => r.job.action),
    column((r) => r.job.rule),
  ]);
}
