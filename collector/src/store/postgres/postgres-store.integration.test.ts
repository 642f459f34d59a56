import { afterAll, beforeAll, describe } from 'vitest';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../../test/harness/postgres.ts';
import { storeContract } from '../store-contract.ts';
import { PostgresStore } from './postgres-store.ts';

// A real PostgreSQL 15 (Debian) started for this file; each test gets a fresh database. Under CI=true
// ensurePostgres installs the package or throws, so this suite never skips there.
const available = ensurePostgres();

describe.skipIf(!available)('PostgresStore', () => {
  let server: PostgresServer;
  let databases = 0;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  storeContract('PostgreSQL', async () => {
    databases += 1;
    const url = await server.createDatabase(`contract_${databases}`);
    const store = await PostgresStore.open({ url });
    return {
      store,
      async reopen() {
        await store.close();
        return PostgresStore.open({ url });
      },
    };
  });
});
