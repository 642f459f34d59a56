import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDebianPackages } from './system-packages.ts';

/** Debian's PostgreSQL 15 server binaries (the `postgresql` package puts only client wrappers on PATH). */
export const postgresBin = '/usr/lib/postgresql/15/bin';

/** Installs Debian's `postgresql` when its server binaries are missing (see system-packages.ts: CI never skips). */
export function ensurePostgres(): boolean {
  return ensureDebianPackages(['postgresql'], [], [join(postgresBin, 'initdb'), join(postgresBin, 'postgres')]);
}

export interface PostgresServer {
  port: number;
  /** The postmaster's pid (it runs as the `postgres` user when the tests run as root). */
  pid: number;
  /** The cluster's superuser (trust authentication on loopback and the private socket only). */
  user: string;
  /** Creates a fresh database and returns its postgres:// URL (TCP on 127.0.0.1). */
  createDatabase(name: string): Promise<string>;
  /** URL of an existing database. */
  url(database: string): string;
  /**
   * Immediate shutdown (SIGQUIT to the postmaster by its pid), then the cluster's directory is removed. The cluster is
   * thrown away, so its shutdown checkpoint would be wasted work: with ~50 databases it took ~90 s on a loaded machine.
   */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /**
   * Durable as a production server (fsync on). Tests turn it off for speed; benchmarks keep it on so figures mean
   * what they would on a real deployment.
   */
  durable?: boolean;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
}

async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** uid/gid of Debian's `postgres` user: the server refuses to run as root. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * A real, throwaway PostgreSQL 15 cluster: `initdb` into a temp dir, `postgres` on a free loopback port (and a
 * unix socket in that dir), run as the `postgres` user when the tests run as root. Stopped by its pid; the
 * directory goes with it. A postmaster left by a crashed test process is killed when that process exits.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  if (!ensurePostgres()) throw new Error('PostgreSQL 15 is not installed and cannot be installed here (not root, not CI)');
  const dir = mkdtempSync(join(tmpdir(), 'mamori-pg-'));
  const data = join(dir, 'data');
  const owner = postgresUser();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const user = 'mamori';
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  execFileSync(join(postgresBin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], {
    ...asOwner, stdio: 'pipe', env: { ...process.env, LC_ALL: 'C.UTF-8' },
  });
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1', unix_socket_directories: dir, max_connections: '200', shared_buffers: '128MB',
    ...(options.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };
  writeFileSync(join(dir, 'started-by'), `mamori test harness, pid ${process.pid}\n`);
  for (let attempt = 0; ; attempt += 1) {
    const port = await freeLoopbackPort();
    const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
    const child: ChildProcess = spawn(join(postgresBin, 'postgres'), args, { ...asOwner, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const ready = await waitReady(child, port, user);
    if (ready === 'ready') {
      const url = (database: string) => `postgres://${user}@127.0.0.1:${port}/${database}`;
      return {
        port, user, url, pid: child.pid!,
        async createDatabase(name) {
          const client = new pg.Client({ connectionString: url('postgres') });
          await client.connect();
          try {
            await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
          } finally {
            await client.end();
          }
          return url(name);
        },
        async stop() {
          process.off('exit', killOnExit);
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGQUIT'); // immediate shutdown: no checkpoint (the directory is removed next)
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    process.off('exit', killOnExit);
    // Another process took the port between our probe and the bind: try another one.
    if (ready === 'port_taken' && attempt < 5) continue;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`postgres did not start on port ${port}: ${stderr.trim()}`);
  }
}

async function waitReady(child: ChildProcess, port: number, user: string): Promise<'ready' | 'port_taken' | 'failed'> {
  const deadline = Date.now() + 30_000;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return /could not bind|Address already in use/.test(stderr) ? 'port_taken' : 'failed';
    const client = new pg.Client({ host: '127.0.0.1', port, user, database: 'postgres', connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return 'ready';
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill('SIGKILL');
  return 'failed';
}

/** One connection of its own (tests outside collector/src/store/ may not import the driver): for holding a transaction open. */
export interface PostgresSession {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  end(): Promise<void>;
}

export async function connectSession(url: string): Promise<PostgresSession> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    query: async (sql, params) => (await client.query(sql, params)).rows as Record<string, unknown>[],
    end: () => client.end(),
  };
}
