import type { EventIndexer } from '../indexer.ts';

/** Fills print_jobs from print_job events; a job already indexed for the same agent keeps its first row. */
export const printJobIndexer: EventIndexer = {
  kind: 'print_job',
  prepare(db) {
    const insert = db.prepare(`INSERT INTO print_jobs (event_id, agent_id, pc, seq, time_ms, spooler, job_id, document_name,
      printer, job_user, pages, copies, sheets, size_bytes, submitted_ms, completed_ms, state, action, rule)
      VALUES (@eventId, @agentId, @pc, @seq, @timeMs, @spooler, @jobId, @documentName, @printer, @jobUser, @pages, @copies,
      @sheets, @sizeBytes, @submittedMs, @completedMs, @state, @action, @rule)
      ON CONFLICT DO NOTHING`);
    return (ref, event) => {
      const job = event.printJob;
      if (!job) return;
      insert.run({
        eventId: ref.eventId, agentId: ref.agentId, pc: ref.pc, seq: ref.seq, timeMs: ref.timeMs,
        spooler: job.spooler, jobId: job.jobId, documentName: job.documentName, printer: job.printer, jobUser: job.jobUser,
        pages: job.pages, copies: job.copies, sheets: job.sheets, sizeBytes: Number(job.sizeBytes),
        submittedMs: Number(job.submittedMs), completedMs: Number(job.completedMs), state: job.state, action: job.action, rule: job.rule,
      });
    };
  },
};
