import type { Worker } from 'node:worker_threads';
import { CollectorError, type CollectorErrorCode } from '../errors.ts';
import type { ReportsRepository } from '../store/repositories/reports.ts';
import { startModuleWorker } from '../threads/module-worker.ts';
import { buildReportFiles, type BuildRequest, type BuiltReport } from './build-files.ts';

type Reply = { id: number; built?: BuiltReport & { pdf: Uint8Array; csv: Uint8Array }; error?: { code?: string; message: string } };

let thread: { worker: Worker; pending: Map<number, { resolve: (built: BuiltReport) => void; reject: (error: Error) => void }> } | undefined;
let nextId = 1;

/** The report thread, started on first use and kept (its modules — pdfkit, the queries — load once). */
function reportThread(): NonNullable<typeof thread> {
  if (thread) return thread;
  const worker = startModuleWorker(new URL('./report-worker.ts', import.meta.url), {});
  const pending = new Map<number, { resolve: (built: BuiltReport) => void; reject: (error: Error) => void }>();
  const current = { worker, pending };
  const fail = (error: Error): void => {
    if (thread === current) thread = undefined; // the next report starts a new thread
    for (const job of pending.values()) job.reject(new ReportThreadFailed(error.message));
    pending.clear();
  };
  worker.unref(); // an idle report thread never keeps the collector (or a test) alive
  worker.on('message', (reply: Reply) => {
    const job = pending.get(reply.id);
    if (!job) return;
    pending.delete(reply.id);
    if (reply.built) {
      const { pdf, csv } = reply.built;
      job.resolve({ ...reply.built, pdf: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), csv: Buffer.from(csv.buffer, csv.byteOffset, csv.byteLength) });
    } else job.reject(ownError(reply.error ?? { message: 'the report thread sent nothing' }));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the report thread exited (${code})`)));
  thread = current;
  return current;
}

/** Whether the report thread is running (it starts with the first report over a store file). */
export function reportThreadStarted(): boolean {
  return thread !== undefined;
}

/**
 * Builds a report on the report thread with its own read-only connection, so the collector's thread keeps serving
 * ingest and the API while a month of a large site is read and rendered (tens of seconds). An in-memory store, or
 * a program without the worker's file (the single executable), builds it on this thread instead.
 */
export async function buildReportOffThread(reports: ReportsRepository, request: BuildRequest): Promise<BuiltReport> {
  const path = reports.readerFile();
  if (!path) return buildReportFiles(reports, request);
  let target: NonNullable<typeof thread>;
  try {
    target = reportThread();
  } catch (error) {
    // Said once per attempt: a collector building reports on its main thread stalls ingest and the API meanwhile.
    process.stderr.write(`mamori-collector: the report is built on the main thread: ${(error as Error).message}\n`);
    return buildReportFiles(reports, request);
  }
  const id = nextId++;
  return new Promise<BuiltReport>((resolve, reject) => {
    target.pending.set(id, { resolve, reject });
    // Referenced while it works: a CLI run waits for its report.
    target.worker.ref();
    target.worker.postMessage({ id, path, request });
  }).finally(() => {
    if (target.pending.size === 0) target.worker.unref();
  }).catch((error: unknown) => {
    // The thread itself failed (it could not load, or died), not the report: make it here rather than fail it.
    if (error instanceof ReportThreadFailed) {
      process.stderr.write(`mamori-collector: the report is built on the main thread: the report thread failed (${error.message})\n`);
      return buildReportFiles(reports, request);
    }
    throw error;
  });
}

class ReportThreadFailed extends Error {}

/** Our own errors keep their code (and so their HTTP status) across the thread, e.g. a missing font. */
function ownError(error: { code?: string; message: string }): Error {
  if (!error.code?.startsWith('COLLECTOR_')) return new Error(error.message);
  const rebuilt = new CollectorError(error.code as CollectorErrorCode);
  rebuilt.message = error.message;
  return rebuilt;
}
