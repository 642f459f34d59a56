import { basename } from 'node:path';
import type { PolicySet } from '@mamori/policies';
import { encodeEvent } from '@mamori/proto';
import { CollectorError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { importAgentId } from '../store/repositories/log-imports.ts';
import type { Repositories } from '../store/repositories/index.ts';
import { mapCsvLog } from './csv-log.ts';

export interface ImportLogSummary {
  importId: number;
  mapping: string;
  eventKind: string;
  fileName: string;
  fileSha256: string;
  rowsTotal: number;
  rowsNew: number;
  rowsDuplicate: number;
  rowsRejected: number;
  /** Rows left out ("line N: reason"); only with skipInvalid, otherwise any problem refuses the whole file. */
  rejected: string[];
}

const MAX_PROBLEMS_SHOWN = 20;

/**
 * Imports one CSV log under a policy mapping: each row becomes an `imported_record` event of the mapping's kind,
 * chained per mapping; the file's SHA-256 and counts join the audit chain. A row that does not fit the mapping
 * refuses the whole file (listing the lines) unless `skipInvalid`, which imports the rest and reports them.
 */
export async function importCsvLog(options: {
  repos: Repositories; store: Store; policy: PolicySet; mapping: string; fileName: string; bytes: Buffer;
  actor: string; now: () => number; skipInvalid?: boolean;
}): Promise<ImportLogSummary> {
  const mapping = options.policy.log_imports.mappings[options.mapping];
  if (!mapping) {
    const known = Object.keys(options.policy.log_imports.mappings);
    throw new CollectorError('COLLECTOR_IMPORT_MAPPING_UNKNOWN', `"${options.mapping}" (known: ${known.length ? known.join(', ') : 'none'})`);
  }
  const fileName = basename(options.fileName);
  const mapped = mapCsvLog(options.bytes, mapping);
  const fatal = mapped.rows.length === 0 && mapped.problems.length > 0;
  if (mapped.problems.length > 0 && (fatal || !options.skipInvalid)) {
    const shown = mapped.problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
    const more = mapped.problems.length > MAX_PROBLEMS_SHOWN ? ` (and ${mapped.problems.length - MAX_PROBLEMS_SHOWN} more)` : '';
    throw new CollectorError('COLLECTOR_IMPORT_INVALID', `${fileName}: ${shown}${more}`);
  }
  const agentId = importAgentId(options.mapping);
  const nowMs = options.now();
  const result = await options.repos.logImports.store({
    mapping: options.mapping, eventKind: mapping.event_kind, fileName, fileSha256: mapped.fileSha256,
    rowsTotal: mapped.rows.length + mapped.problems.length, rowsRejected: mapped.problems.length, actor: options.actor, nowMs,
    rows: mapped.rows.map((row) => ({
      fingerprint: row.fingerprint, timeMs: row.timeMs, pc: row.pc, user: row.user,
      encode: (seq: number) => encodeEvent({
        seq, timeMs: row.timeMs, agentId, pc: row.pc, user: row.user,
        importedRecord: {
          mapping: options.mapping, eventKind: mapping.event_kind, source: mapping.source, action: row.action, target: row.target,
          outcome: row.outcome, fileName, fileSha256: mapped.fileSha256, line: row.line, fields: row.fields,
        },
      }),
    })),
  });
  const summary: ImportLogSummary = {
    importId: result.importId, mapping: options.mapping, eventKind: mapping.event_kind, fileName, fileSha256: mapped.fileSha256,
    rowsTotal: mapped.rows.length + mapped.problems.length, rowsNew: result.rowsNew, rowsDuplicate: result.rowsDuplicate,
    rowsRejected: mapped.problems.length, rejected: mapped.problems,
  };
  await options.store.appendAudit({
    timeMs: nowMs, actor: options.actor, action: 'logs.import',
    entry: { mapping: options.mapping, eventKind: mapping.event_kind, fileName, fileSha256: mapped.fileSha256, rowsNew: result.rowsNew,
      rowsDuplicate: result.rowsDuplicate, rowsRejected: mapped.problems.length, firstSeq: result.firstSeq, lastSeq: result.lastSeq },
  });
  return summary;
}
