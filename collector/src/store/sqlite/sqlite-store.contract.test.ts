import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { storeContract } from '../store-contract.ts';
import { SqliteStore } from './sqlite-store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-store-contract-'));
  dirs.push(dir);
  const path = join(dir, 'collector.db');
  const store = new SqliteStore(path);
  return {
    store,
    async reopen() {
      await store.close();
      return new SqliteStore(path);
    },
  };
});
