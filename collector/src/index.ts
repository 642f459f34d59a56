export { buildApp, type CollectorApp } from './app.ts';
export { runCollectorCli, buildCollectorProgram } from './cli/program.ts';
export { loadCollectorConfig } from './config/load.ts';
export { initDataDir } from './data-dir.ts';
export { createEnrollmentToken } from './tokens.ts';
export { createDeviceException } from './exceptions.ts';
export { CollectorError, collectorErrors } from './errors.ts';
export type { Store } from './store/store.ts';
export { SqliteStore } from './store/sqlite/sqlite-store.ts';
