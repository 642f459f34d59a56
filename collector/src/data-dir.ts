import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { hashPassword, generatePassword } from './auth/passwords.ts';
import { configFile } from './config/load.ts';
import { CollectorError } from './errors.ts';
import { certificateFingerprint, createCertificateAuthority, issueServerCertificate } from './pki/certificates.ts';
import { loadOrCreateEvidenceKey } from './pki/evidence-key.ts';
import { openCollectorStore } from './store/open-store.ts';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
  caFingerprint: string;
}

export const dataFiles = {
  caCert: 'ca.crt', caKey: 'ca.key', serverCert: 'server.crt', serverKey: 'server.key', database: 'collector.db',
} as const;

export function databasePath(dataDir: string): string {
  return join(dataDir, dataFiles.database);
}

/**
 * A CA and a store: the SQLite file, or a config naming a PostgreSQL database (which opens no local file). A SQLite
 * data dir whose database file is gone is not initialised: starting would silently begin an empty store.
 */
export function isInitialised(dataDir: string): boolean {
  if (!existsSync(join(dataDir, dataFiles.caCert))) return false;
  return existsSync(databasePath(dataDir)) || configNamesPostgres(dataDir);
}

function configNamesPostgres(dataDir: string): boolean {
  try {
    const config = parse(readFileSync(configFile(dataDir), 'utf8')) as { database?: { postgres?: unknown } } | null;
    return config?.database?.postgres !== undefined;
  } catch {
    return false; // no config, or one load.ts will refuse with its own error
  }
}

export interface InitOptions {
  advertise: string;
  names: string[];
  adminUser: string;
  grpcPort?: number;
  httpPort?: number;
  httpHost?: string;
  /** postgres:// URL: the store lives in that PostgreSQL database (validated by the caller). Absent: SQLite here. */
  database?: string;
}

/**
 * Creates a data dir: CA, server certificate, evidence-signing key, database, config, and the first admin account.
 * Returns the admin password, which is shown once and never stored in clear, and the evidence key to publish.
 */
export async function initDataDir(dataDir: string, options: InitOptions): Promise<{ adminPassword: string; caFingerprint: string; evidenceKey: string }> {
  if (isInitialised(dataDir)) throw new CollectorError('COLLECTOR_ALREADY_INITIALISED', dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Opened first: an unreachable database fails init before any file is written, so init can simply be re-run.
  const store = await openCollectorStore({ dataDir, database: options.database ? { postgres: { url: options.database, maxConnections: 2 } } : {} });
  const ca = await createCertificateAuthority('Mamori');
  const host = options.advertise.split(':')[0]!;
  const server = await issueServerCertificate(ca, [host, ...options.names]);
  const write = (name: string, text: string, mode = 0o600) => writeFileSync(join(dataDir, name), text, { mode });
  write(dataFiles.caCert, ca.certPem, 0o644);
  write(dataFiles.caKey, ca.keyPem);
  write(dataFiles.serverCert, server.certPem, 0o644);
  write(dataFiles.serverKey, server.keyPem);
  loadOrCreateEvidenceKey(dataDir);
  if (!existsSync(configFile(dataDir))) {
    const grpcPort = options.grpcPort ?? Number(options.advertise.split(':')[1]);
    write('collector.yaml', stringify({
      grpc: { port: grpcPort, advertise: options.advertise },
      http: { port: options.httpPort ?? 8443, host: options.httpHost ?? '127.0.0.1' },
      ...(options.database ? { database: { postgres: { url: options.database } } } : {}),
    }), options.database ? 0o600 : 0o644); // a database URL may carry a password
  }
  const adminPassword = generatePassword();
  await store.putUser({ username: options.adminUser, passwordHash: await hashPassword(adminPassword), role: 'admin', createdMs: Date.now() });
  await store.appendAudit({ timeMs: Date.now(), actor: 'system', action: 'collector.init', entry: { admin: options.adminUser } });
  await store.close();
  return { adminPassword, caFingerprint: certificateFingerprint(ca.certPem), evidenceKey: loadOrCreateEvidenceKey(dataDir).publicKey.toString('base64') };
}

export function loadTlsMaterial(dataDir: string): TlsMaterial {
  if (!isInitialised(dataDir)) throw new CollectorError('COLLECTOR_NOT_INITIALISED', dataDir);
  const read = (name: string) => readFileSync(join(dataDir, name), 'utf8');
  const caPem = read(dataFiles.caCert);
  return { caPem, certPem: read(dataFiles.serverCert), keyPem: read(dataFiles.serverKey), caFingerprint: certificateFingerprint(caPem) };
}
