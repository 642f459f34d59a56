import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ensurePostgres, startPostgres } from './postgres.ts';

// Under CI=true ensurePostgres installs Debian's postgresql or throws: this suite never skips there.
const available = ensurePostgres();

describe.skipIf(!available)('throwaway PostgreSQL harness', () => {
  it('starts a real PostgreSQL 15 as a non-root user, serves a fresh database, and leaves nothing behind', async () => {
    const server = await startPostgres();
    const url = await server.createDatabase('harness_check');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ version: string; db: string; data: string }>(
      "SELECT current_setting('server_version_num') AS version, current_database() AS db, current_setting('data_directory') AS data",
    );
    await client.end();
    expect(Number(rows[0]!.version)).toBeGreaterThanOrEqual(150000);
    expect(rows[0]!.db).toBe('harness_check');
    const dataDir = rows[0]!.data;
    const osUser = execFileSync('ps', ['-o', 'user=', '-p', String(server.pid)], { encoding: 'utf8' }).trim();
    if (process.getuid?.() === 0) expect(osUser).toBe('postgres');
    expect(existsSync(dataDir)).toBe(true);
    await server.stop();
    expect(existsSync(dataDir)).toBe(false);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => { socket.destroy(); resolve(false); });
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
