import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running `moduleUrl` (a .ts module of the collector); the module reads its own
 * `workerData.data`. Where the .ts file is not on disk but a compiled `<module>.cjs` is beside its path (the single
 * executable: installers/sea/build-sea.ts bundles each worker module there), that bundle runs instead. Throws when
 * neither is on disk: callers then do the same work on their own thread.
 */
export function startModuleWorker(moduleUrl: URL, data: unknown): Worker {
  const source = fileURLToPath(moduleUrl);
  if (existsSync(source)) {
    return new Worker(new URL('./module-worker.mjs', import.meta.url), { workerData: { mamoriWorker: { module: moduleUrl.href }, data } });
  }
  const compiled = compiledWorkerPath(source);
  if (existsSync(compiled)) return new Worker(compiled, { workerData: { data } });
  throw new Error(`${source} is not on disk (nor ${compiled})`);
}

/** Where the single executable's build puts a worker module's bundle: the module's path with .cjs for .ts. */
export function compiledWorkerPath(source: string): string {
  return source.replace(/\.ts$/, '.cjs');
}
