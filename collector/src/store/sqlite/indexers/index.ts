import type { EventIndexer } from '../indexer.ts';
import { printJobIndexer } from './print-job.ts';
import { logEntryIndexers } from './log-entry.ts';
import { mailIndexer } from './mail.ts';
import { accessRequestIndexer } from './access-request.ts';
import { uploadIndexers } from './upload.ts';
import { deviceIndexers } from './device.ts';
import { importedRecordIndexer } from './imported-record.ts';

/** Every per-kind indexer; features add theirs here, one line each. */
export const eventIndexers: EventIndexer[] = [
  ...logEntryIndexers,
  printJobIndexer,
  mailIndexer,
  accessRequestIndexer,
  ...uploadIndexers,
  ...deviceIndexers,
  importedRecordIndexer,
];
