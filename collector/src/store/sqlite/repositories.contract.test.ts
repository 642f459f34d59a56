import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { repositoryContract } from '../repository-contract/index.ts';
import { SqliteStore } from './sqlite-store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

repositoryContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-repo-contract-'));
  dirs.push(dir);
  const path = join(dir, 'collector.db');
  const store = new SqliteStore(path);
  return {
    store,
    repos: store.repos,
    async second() {
      const other = new SqliteStore(path);
      return { repos: other.repos, close: () => other.close() };
    },
    async tamperAudit(id, actor) {
      store.db.exec('DROP TRIGGER audit_log_no_update');
      store.db.prepare('UPDATE audit_log SET actor = ? WHERE id = ?').run(actor, id);
    },
    close: () => store.close(),
  };
});
