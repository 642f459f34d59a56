import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/harness/collector.ts';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../../test/harness/postgres.ts';
import { PostgresProjectionLock } from './projection-lock.ts';

// Real PostgreSQL 15: one leader among several collectors' locks; when the leader's session dies another takes
// over, and the former leader, back on a new connection, does not take it back while the new one lives.
const available = ensurePostgres();

describe.skipIf(!available)('PostgresProjectionLock', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('elects one leader, hands over when the leader\'s session dies, and again when the new leader closes', async () => {
    const url = await server.createDatabase('projection_lock');
    const lock = (name: string) => new PostgresProjectionLock({ connection: { connectionString: url, application_name: name }, retryMs: 100, onError: () => undefined });
    const first = lock('lock-first');
    const second = lock('lock-second');
    const changes: string[] = [];
    first.onChange((leader) => changes.push(`first:${leader}`));
    second.onChange((leader) => changes.push(`second:${leader}`));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await first.start();
      await second.start();
      expect([first.isLeader, second.isLeader]).toEqual([true, false]);
      await new Promise((resolve) => setTimeout(resolve, 500)); // several retries of the second: still one leader
      expect([first.isLeader, second.isLeader]).toEqual([true, false]);

      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lock-first'");
      await waitFor(() => second.isLeader, 15_000, 'the second taking over');
      expect(first.isLeader).toBe(false);
      // The first reconnects and keeps trying, but the lock is the second's now.
      await waitFor(() => changes.length >= 3, 15_000, 'all changes');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(first.isLeader).toBe(false);
      expect(changes).toEqual(['first:true', 'first:false', 'second:true']);

      await second.close();
      await waitFor(() => first.isLeader, 15_000, 'the first taking over again');
      expect(changes).toEqual(['first:true', 'first:false', 'second:true', 'second:false', 'first:true']);
    } finally {
      await admin.end();
      await first.close();
      await second.close();
    }
  });
});
