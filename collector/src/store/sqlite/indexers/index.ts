import type { EventIndexer } from '../indexer.ts';

/** Every per-kind indexer; features add theirs here, one line each. */
export const eventIndexers: EventIndexer[] = [
];
