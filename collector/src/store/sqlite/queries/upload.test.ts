import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../sqlite-store.ts';
import { healthEvent, storeWith, uploadEvent } from './upload-test-support.ts';
import { extensionHealth, searchUploads } from './upload.ts';

describe('upload queries', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  it('indexes every upload event and finds it by words, category, host (with subdomains), hash and PC', async () => {
    store = await storeWith([
      uploadEvent(1, { fileName: 'customer list 2026.xlsx' }),
      uploadEvent(2, { fileName: 'lunch.png', destinationHost: 'mail.google.com', category: 'webmail' }),
      uploadEvent(3, { fileName: '100%_done.csv', destinationHost: 'www.wetransfer.com', category: 'file_transfer', sha256: 'ab'.repeat(32) }),
    ]);
    expect(searchUploads(store.db, {}).map((u) => u.fileName)).toEqual(['100%_done.csv', 'lunch.png', 'customer list 2026.xlsx']);
    expect(searchUploads(store.db, { text: 'CUSTOMER 2026' })).toMatchObject([{ fileName: 'customer list 2026.xlsx', sizeBytes: 100, user: 'sato', pc: 'PC-SALES-03', localPath: '/home/sato/file-1.csv' }]);
    expect(searchUploads(store.db, { text: '100%' }).map((u) => u.fileName)).toEqual(['100%_done.csv']);
    expect(searchUploads(store.db, { category: 'webmail' }).map((u) => u.fileName)).toEqual(['lunch.png']);
    expect(searchUploads(store.db, { host: 'wetransfer.com' }).map((u) => u.fileName)).toEqual(['100%_done.csv']);
    expect(searchUploads(store.db, { host: 'transfer.com' })).toEqual([]);
    expect(searchUploads(store.db, { sha256: 'AB'.repeat(32) }).map((u) => u.fileName)).toEqual(['100%_done.csv']);
    expect(searchUploads(store.db, { pc: 'PC-OTHER' })).toEqual([]);
    const first = searchUploads(store.db, { limit: 1 });
    expect(searchUploads(store.db, { beforeId: first[0]!.id, limit: 1 }).map((u) => u.fileName)).toEqual(['lunch.png']);
  });

  it('keeps the latest extension state per browser profile, so a removed or silent extension is visible', async () => {
    store = await storeWith([
      healthEvent(1, { profile: 'p-1' }),
      healthEvent(2, { profile: 'p-2' }),
      healthEvent(3, { profile: 'p-1', alive: false }),
      healthEvent(4, { profile: 'p-2', installed: false, alive: false }),
      healthEvent(5, { profile: 'p-3' }),
    ]);
    const all = extensionHealth(store.db);
    expect(all.map((r) => [r.profile, r.installed, r.alive])).toEqual([['p-1', true, false], ['p-2', false, false], ['p-3', true, true]]);
    expect(extensionHealth(store.db, { problemsOnly: true }).map((r) => r.profile)).toEqual(['p-1', 'p-2']);
  });
});
