// Worker entry for a collector module written in TypeScript (the SIEM formatter, the report builder). Plain
// JavaScript so Node can start it as it is: under tsx (npm start, benchmarks) the module imports at once; where
// nothing compiles TypeScript (a worker spawned inside vitest), tsx's loader is registered in this thread first.
import { workerData } from 'node:worker_threads';

const { module } = workerData.mamoriWorker;
try {
  await import(module);
} catch (error) {
  if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  const { register } = await import('tsx/esm/api');
  register();
  // A new URL: the loader remembers the failed import of the plain one.
  await import(`${module}?tsx`);
}
