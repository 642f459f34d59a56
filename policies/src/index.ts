export * from './schema/index.ts';
export * from './load.ts';
export * from './effective.ts';
export * from './effective-schema.ts';
import { fileURLToPath } from 'node:url';

/** The policies shipped with Mamori (policies/default), used when a collector is initialised. */
export const defaultPolicyDir = fileURLToPath(new URL('../default', import.meta.url));
export * from './upload-decision.ts';
export * from './device-edit.ts';
