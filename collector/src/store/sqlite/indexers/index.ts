import type { EventIndexer } from '../indexer.ts';
import { printJobIndexer } from './print-job.ts';

/** Every per-kind indexer; features add theirs here, one line each. */
export const eventIndexers: EventIndexer[] = [
  printJobIndexer,
];
