// The report-building thread (started once by build-off-thread.ts and reused): for each job it opens a read-only
// connection to the store's file, computes and renders the report, posts the files back (transferred) and closes
// the connection. Jobs run one at a time, in the order they came.
import { parentPort } from 'node:worker_threads';
import { openReadOnlyReports } from '../store/sqlite/read-only.ts';
import { buildReportFiles, type BuildRequest } from './build-files.ts';

interface Job { id: number; path: string; request: BuildRequest }

async function run(job: Job): Promise<void> {
  try {
    const reader = openReadOnlyReports(job.path);
    try {
      const built = await buildReportFiles(reader.reports, job.request);
      const pdf = new Uint8Array(built.pdf);
      const csv = new Uint8Array(built.csv);
      parentPort!.postMessage({ id: job.id, built: { ...built, pdf, csv } }, [pdf.buffer, csv.buffer]);
    } finally {
      reader.close();
    }
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    parentPort!.postMessage({ id: job.id, error: { code, message } });
  }
}

let queue = Promise.resolve();
parentPort!.on('message', (job: Job) => {
  queue = queue.then(() => run(job));
});
