// A SIEM formatting thread (started by SiemFormatPool): decodes and formats pages of events for the sinks of the
// SiemConfig it was started with, and sends each page's chunks back with their buffers transferred.
import { parentPort, workerData } from 'node:worker_threads';
import type { SiemConfig } from './config.ts';
import { formatPage, unpackPage, type PackedPage } from './format-page.ts';

const siem = (workerData as { data: { siem: SiemConfig } }).data.siem;
const sinks = new Map(siem.sinks.map((sink) => [sink.name, sink]));

parentPort!.on('message', (job: { id: number; sink: string; page: PackedPage }) => {
  try {
    const sink = sinks.get(job.sink);
    if (!sink) throw new Error(`no sink named ${job.sink}`);
    const chunks = formatPage(unpackPage(job.page), sink, siem);
    parentPort!.postMessage({ id: job.id, chunks }, chunks.map((c) => c.bytes.buffer as ArrayBuffer));
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: (error as Error).message });
  }
});
// Loaded: the pool starts sending pages here (until now it formatted them on its own thread).
parentPort!.postMessage({ ready: true });
