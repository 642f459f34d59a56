import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running `moduleUrl` (a .ts module of the collector); the module reads its own
 * `workerData.data`. Throws when the module's file is not on disk (the single executable carries only its main
 * bundle): callers then do the same work on their own thread.
 */
export function startModuleWorker(moduleUrl: URL, data: unknown): Worker {
  if (!existsSync(fileURLToPath(moduleUrl))) throw new Error(`${fileURLToPath(moduleUrl)} is not on disk`);
  return new Worker(new URL('./module-worker.mjs', import.meta.url), { workerData: { mamoriWorker: { module: moduleUrl.href }, data } });
}
