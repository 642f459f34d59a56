import { readFileSync } from 'node:fs';
import { parsePolicySources } from '@mamori/policies';
import { CollectorError } from '../errors.ts';
import type { CollectorStore } from '../store/open-store.ts';
import { importCsvLog, type ImportLogSummary } from './import-log.ts';

/** `mamori-collector import-log`: imports a CSV file under a mapping of the collector's current policy. */
export async function importLogFile(store: CollectorStore, options: { mapping: string; file: string; skipInvalid: boolean; actor: string }): Promise<ImportLogSummary> {
  const latest = await store.latestPolicyVersion();
  if (!latest) throw new CollectorError('COLLECTOR_IMPORT_MAPPING_UNKNOWN', `"${options.mapping}": no policy published yet`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(options.file);
  } catch (error) {
    throw new CollectorError('COLLECTOR_USAGE', `cannot read ${options.file}: ${(error as Error).message}`);
  }
  return importCsvLog({
    repos: store.repos, store, policy: parsePolicySources(latest.sources), mapping: options.mapping, fileName: options.file, bytes,
    actor: options.actor, now: Date.now, skipInvalid: options.skipInvalid,
  });
}

export function describeImport(summary: ImportLogSummary): string {
  const lines = [`imported ${summary.fileName} (sha256 ${summary.fileSha256}) as ${summary.eventKind}: ${summary.rowsNew} new, ${summary.rowsDuplicate} already imported, ${summary.rowsRejected} rejected`];
  for (const problem of summary.rejected) lines.push(`  rejected ${problem}`);
  return lines.join('\n');
}
