// The event writer thread (started by EventWriter): its own connection to the collector's database, on which it
// runs each batch's append transaction and answers once that transaction has committed.
import { parentPort, workerData } from 'node:worker_threads';
import { openWriterConnection } from './writer-connection.ts';
import { prepareEventAppend } from './event-append.ts';
import { unpackBatch, type PackedBatch } from './packed-batch.ts';

const { path } = (workerData as { data: { path: string } }).data;
const db = openWriterConnection(path);
const append = prepareEventAppend(db);

parentPort!.on('message', (job: { id: number; batch: PackedBatch; receivedMs: number } | { close: true }) => {
  if ('close' in job) {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    const { inserted } = append(unpackBatch(job.batch), job.receivedMs);
    parentPort!.postMessage({ id: job.id, inserted });
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: (error as Error).message, code: (error as { code?: string }).code });
  }
});
parentPort!.postMessage({ ready: true });
