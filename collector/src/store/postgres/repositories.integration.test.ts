import { afterAll, beforeAll, describe } from 'vitest';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../../test/harness/postgres.ts';
import { repositoryContract } from '../repository-contract/index.ts';
import { PostgresStore } from './postgres-store.ts';
import { createPostgresRepositories } from './repositories/index.ts';

// A real PostgreSQL 15 (Debian) started for this file; each test gets a fresh database. Under CI=true
// ensurePostgres installs the package or throws, so this suite never skips there.
const available = ensurePostgres();

describe.skipIf(!available)('PostgreSQL repositories', () => {
  let server: PostgresServer;
  let databases = 0;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  repositoryContract('PostgreSQL', async () => {
    databases += 1;
    const url = await server.createDatabase(`repos_${databases}`);
    const store = await PostgresStore.open({ url });
    return {
      store,
      repos: createPostgresRepositories(store.pool),
      async second() {
        const pool = await PostgresStore.connect({ url });
        return { repos: createPostgresRepositories(pool), close: () => pool.end() };
      },
      async tamperAudit(id, actor) {
        await store.pool.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
        await store.pool.query('UPDATE audit_log SET actor = $1 WHERE id = $2', [actor, id]);
      },
      close: () => store.close(),
    };
  });
});
