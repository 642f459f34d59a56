import { copySqliteStoreToPostgres, openMigratedStore, type CopyReport, type TableCount } from '../store/migrate-store/index.ts';
import type { ExportSigner } from '../evidence-export.ts';
import { verifyAgentChains, type ChainCheck } from './verify-chains.ts';

export interface MigrateStoreOptions {
  sqlitePath: string;
  postgresUrl: string;
  /** The collector's evidence key: segment anchors it signed verify only with it. */
  signer: ExportSigner;
  batchRows?: number;
  /** Seqs per verified export window (default 20,000). */
  verifyWindow?: number;
  /** One line of progress at a time (stderr in the CLI). */
  progress?: (line: string) => void;
}

export interface MigrateStoreResult {
  copy: CopyReport;
  /** Tables whose PostgreSQL count differs from the SQLite snapshot's. */
  countMismatches: TableCount[];
  chains: ChainCheck[];
  audit: { entries: number; ok: boolean; firstBadId: number | null };
  /** Every problem found, one line each; empty when the copy verified. */
  problems: string[];
}

/** Reports copy progress every this many rows of a table (and at its end). */
const progressEvery = 50_000;

/**
 * `migrate-store`: copies the SQLite store into an empty PostgreSQL database, then verifies the copy there as a
 * collector on it would read it: row counts per table equal, every agent's chain verifies end to end, and the admin
 * audit chain re-walks.
 */
export async function migrateStore(options: MigrateStoreOptions): Promise<MigrateStoreResult> {
  const say = options.progress ?? (() => undefined);
  const copy = await copySqliteStoreToPostgres({
    sqlitePath: options.sqlitePath,
    postgresUrl: options.postgresUrl,
    ...(options.batchRows ? { batchRows: options.batchRows } : {}),
    onProgress: ({ table, copied, total }) => {
      const done = copied === total;
      if (done || copied % progressEvery < (options.batchRows ?? 2_000)) say(`copy ${table}: ${copied.toLocaleString('en')}/${total.toLocaleString('en')}${done ? ' done' : ''}`);
    },
  });
  const countMismatches = copy.tables.filter((t) => t.source !== t.target);
  const problems = countMismatches.map((t) => `table ${t.table}: ${t.source} rows in SQLite, ${t.target} in PostgreSQL`);

  const migrated = await openMigratedStore(options.postgresUrl);
  try {
    say(`verify chains of ${(await migrated.store.listAgents()).length} agents in PostgreSQL`);
    const chains = await verifyAgentChains(migrated.store, options.signer, {
      ...(options.verifyWindow ? { window: options.verifyWindow } : {}),
      onAgent: (check) => say(`verify agent ${check.agentId} (${check.pc}): ${check.events} events ${check.ok ? 'OK' : 'FAILED'}`),
    });
    problems.push(...chains.flatMap((c) => c.problems));
    const audit = await migrated.audit.verifyChain();
    if (!audit.ok) problems.push(`audit log: entry ${audit.firstBadId} does not follow the chain`);
    say(`verify audit chain: ${audit.entries} entries ${audit.ok ? 'OK' : 'FAILED'}`);
    return { copy, countMismatches, chains, audit, problems };
  } finally {
    await migrated.close();
  }
}
