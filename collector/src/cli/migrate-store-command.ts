import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { keyFingerprint } from '@mamori/proto';
import { configFile, loadCollectorConfig } from '../config/load.ts';
import { PostgresUrlSchema } from '../config/database.ts';
import { databasePath } from '../data-dir.ts';
import { CollectorError } from '../errors.ts';
import type { ExportSigner } from '../evidence-export.ts';
import { migrateStore, type MigrateStoreResult } from '../migrate-store/migrate-store.ts';
import { evidenceKeyFile, loadOrCreateEvidenceKey, type EvidenceSigningKey } from '../pki/evidence-key.ts';
import { redactDatabaseUrl } from '../store/postgres/redact-url.ts';

interface CommandContext {
  dataDir(): string;
  out(text: string): void;
  err(text: string): void;
}

interface MigrateStoreFlags {
  from?: string;
  to?: string;
  batchRows?: number;
  verifyWindow?: number;
  json?: boolean;
}

function wholeNumber(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** `migrate-store`: copies the SQLite store into PostgreSQL and verifies the copy there. */
export function addMigrateStoreCommand(program: Command, context: CommandContext): void {
  program.command('migrate-store')
    .description('copy the SQLite store into an empty PostgreSQL database, then verify it there (row counts, every agent chain, the audit chain)')
    .option('--from <path>', 'data dir, or its SQLite file (collector.db), to copy from (default: the data dir)')
    .option('--to <url>', "PostgreSQL database to fill, postgres://user[:password]@host[:port]/db (default: the data dir's configured database.postgres.url)")
    .option('--batch-rows <n>', 'rows per INSERT (default 2000)', wholeNumber(50_000))
    .option('--verify-window <seqs>', "seqs of one agent exported and verified at a time: bounds memory (default 20000)", wholeNumber(10_000_000))
    .option('--json', 'print the summary as JSON')
    .action(async (flags: MigrateStoreFlags) => {
      const source = resolveSource(flags.from ?? context.dataDir());
      const url = resolveTarget(flags.to, context.dataDir());
      const signer = signerFor(source.keyDir, context);
      context.err(`migrate-store: ${source.sqlitePath} → ${redactDatabaseUrl(url)}\n`);
      const result = await migrateStore({
        sqlitePath: source.sqlitePath, postgresUrl: url, signer,
        ...(flags.batchRows ? { batchRows: flags.batchRows } : {}),
        ...(flags.verifyWindow ? { verifyWindow: flags.verifyWindow } : {}),
        progress: (line) => context.err(`${line}\n`),
      });
      context.out(flags.json ? `${JSON.stringify(summaryJson(result))}\n` : `${summaryText(result, url, context.dataDir()).join('\n')}\n`);
      if (result.problems.length > 0) {
        throw new CollectorError('COLLECTOR_MIGRATE_VERIFY_FAILED', `${result.problems[0]}${result.problems.length > 1 ? ` (and ${result.problems.length - 1} more problems)` : ''}`);
      }
    });
}

/** A data dir (its collector.db) or a SQLite file; the evidence key is looked for beside it. */
function resolveSource(from: string): { sqlitePath: string; keyDir: string } {
  if (!existsSync(from)) throw new CollectorError('COLLECTOR_MIGRATE_SOURCE', `${from} does not exist`);
  const isDir = statSync(from).isDirectory();
  const sqlitePath = isDir ? databasePath(from) : from;
  if (!existsSync(sqlitePath)) throw new CollectorError('COLLECTOR_MIGRATE_SOURCE', `${from} holds no ${databasePath('.').slice(2)}: give a collector data dir or its SQLite file`);
  const header = Buffer.alloc(16);
  const fd = openSync(sqlitePath, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== 'SQLite format 3\0') throw new CollectorError('COLLECTOR_MIGRATE_SOURCE', `${sqlitePath} is not a SQLite database`);
  return { sqlitePath, keyDir: isDir ? from : dirname(sqlitePath) };
}

function resolveTarget(to: string | undefined, dataDir: string): string {
  if (to !== undefined) {
    if (!PostgresUrlSchema.safeParse(to).success) throw new CollectorError('COLLECTOR_USAGE', '--to must be a postgres://user[:password]@host[:port]/database URL');
    return to;
  }
  const configured = existsSync(dataDir) ? loadCollectorConfig(dataDir).database.postgres?.url : undefined;
  if (!configured) throw new CollectorError('COLLECTOR_USAGE', `--to postgres://… is required (${dataDir} configures no database.postgres.url)`);
  return configured;
}

/**
 * The collector's evidence key from beside the SQLite file: segment anchors it signed verify with it alone. Without
 * it (a SQLite file copied elsewhere) a key made for this run signs the exports, and an agent whose chain has
 * recorded segments fails verification: said here before the copy starts.
 */
function signerFor(keyDir: string, context: CommandContext): ExportSigner {
  let key: EvidenceSigningKey;
  if (existsSync(join(keyDir, evidenceKeyFile))) {
    key = loadOrCreateEvidenceKey(keyDir);
  } else {
    context.err(`WARNING no ${evidenceKeyFile} beside the SQLite file: chain segments anchored by the collector cannot be checked\n`);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    key = { privateKey, publicKey: raw, fingerprint: keyFingerprint(raw) };
  }
  let collectorName = 'migrate-store';
  try {
    collectorName = loadCollectorConfig(keyDir).name;
  } catch {
    // Not a data dir: the name only labels the exports this run verifies and throws away.
  }
  return { key, collectorName };
}

function summaryJson(result: MigrateStoreResult): Record<string, unknown> {
  return {
    ok: result.problems.length === 0,
    tables: result.copy.tables,
    local: result.copy.local,
    projectedThrough: result.copy.projectedThrough,
    agents: result.chains.map((c) => ({ agentId: c.agentId, pc: c.pc, events: c.events, ok: c.ok })),
    audit: result.audit,
    problems: result.problems,
  };
}

function summaryText(result: MigrateStoreResult, url: string, dataDir: string): string[] {
  const rows = result.copy.tables.reduce((sum, t) => sum + t.target, 0);
  const lines = [
    ...result.problems.map((p) => `FAIL ${p}`),
    `copied ${rows.toLocaleString('en')} rows in ${result.copy.tables.length} tables (${result.copy.events.toLocaleString('en')} events); counts ${result.countMismatches.length === 0 ? 'equal' : 'DIFFER'}`,
    `chains: ${result.chains.filter((c) => c.ok).length} of ${result.chains.length} agents verify end to end in PostgreSQL`,
    `audit chain: ${result.audit.entries} entries ${result.audit.ok ? 'verify' : 'DO NOT verify'}`,
  ];
  const local = result.copy.local.filter((t) => t.rows > 0);
  if (local.length > 0) lines.push(`kept in the SQLite file (no PostgreSQL home yet): ${local.map((t) => `${t.table} (${t.rows})`).join(', ')}`);
  lines.push(result.problems.length === 0
    ? `OK: the store is in ${redactDatabaseUrl(url)}; set database.postgres.url in ${configFile(dataDir)} (if not yet) and start the collector`
    : 'FAILED: do not switch the collector to this database; drop it, fix the cause and run migrate-store again');
  return lines;
}
