import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { searchFileCopies } from './queries/devices.ts';
import { mailEvent } from './queries/mail-test-support.ts';
import { getMail, mailsWithAttachment, searchMails } from './queries/mail.ts';
import { uploadEvent } from './queries/upload-test-support.ts';
import { searchUploads } from './queries/upload.ts';
import type { SqliteStore } from './sqlite-store.ts';
import { memoryStoreWith } from './test-support.ts';

/**
 * SHA-256 columns keep a well-formed digest as 32 bytes and anything else as sent (hash-column.ts): every value
 * must read back as the agent sent it and be found by its hex, in any case, as when the column held text.
 */
describe('SHA-256 columns', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  const digest = 'ab'.repeat(32);
  const upper = 'CD'.repeat(32); // not converted (uploads store the agent's text as is), so it reads back unchanged
  const copy = (seq: number, sha256: string) => uploadEvent(seq, {}, {
    upload: undefined, fileCopy: { destinationPath: `/media/usb/f${seq}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 10, sha256, operation: 'created' },
  });
  const events = () => [
    uploadEvent(1, { sha256: digest }), uploadEvent(2, { sha256: 'not-a-digest' }), uploadEvent(3, { sha256: upper }), uploadEvent(4, { sha256: '' }),
    copy(5, digest), copy(6, 'EF'.repeat(32)),
    mailEvent(7, { attachments: [{ fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 5, sha256: digest, inline: false }] }),
  ];
  // mail_attachments is WITHOUT ROWID: order by its key's first column.
  const storedTypes = (s: SqliteStore, table: string) => (s.db.prepare(`SELECT typeof(sha256) AS t FROM ${table} ORDER BY ${table === 'mail_attachments' ? 'mail_id' : 'id'}`).all() as { t: string }[]).map((r) => r.t);

  const expectReadBack = (s: SqliteStore) => {
    expect(searchUploads(s.db, {}).map((u) => u.sha256)).toEqual(['', upper, 'not-a-digest', digest]);
    expect(searchUploads(s.db, { sha256: digest.toUpperCase() }).map((u) => u.seq)).toEqual([1]);
    expect(searchUploads(s.db, { sha256: 'not-a-digest' }).map((u) => u.seq)).toEqual([2]);
    expect(searchFileCopies(s.db, {}).map((c) => c.sha256)).toEqual(['ef'.repeat(32), digest]); // file copies were always lower-cased
    expect(searchFileCopies(s.db, { sha256: 'EF'.repeat(32) }).map((c) => c.destinationPath)).toEqual(['/media/usb/f6.xlsx']);
    expect(mailsWithAttachment(s.db, digest.toUpperCase()).map((m) => [m.fileName, m.sha256])).toEqual([['a.pdf', digest]]);
    const [mail] = searchMails(s.db, {});
    expect(getMail(s.db, mail!.id)!.attachments.map((a) => a.sha256)).toEqual([digest]);
  };

  it('stores well-formed digests as 32 bytes and reads and finds every value as sent', async () => {
    store = await memoryStoreWith(events(), 'PC-SALES-03', Date.UTC(2026, 10, 22));
    expect(storedTypes(store, 'uploads')).toEqual(['blob', 'text', 'text', 'text']);
    expect(storedTypes(store, 'file_copies')).toEqual(['blob', 'blob']);
    expect(storedTypes(store, 'mail_attachments')).toEqual(['blob']);
    expectReadBack(store);
  });

  it('migration 1401 converts digests stored as text before it, and nothing else', async () => {
    store = await memoryStoreWith(events(), 'PC-SALES-03', Date.UTC(2026, 10, 22));
    // Back to the state before 1401: every digest as text, and the index it dropped.
    for (const table of ['uploads', 'file_copies', 'mail_attachments']) {
      store.db.exec(`UPDATE ${table} SET sha256 = lower(hex(sha256)) WHERE typeof(sha256) = 'blob'`);
    }
    store.db.exec('CREATE INDEX uploads_host ON uploads (destination_host)');
    store.db.exec(readFileSync(new URL('./migrations/1401-hash-blobs-unused-index.sql', import.meta.url), 'utf8'));
    expect(storedTypes(store, 'uploads')).toEqual(['blob', 'text', 'text', 'text']);
    expect(storedTypes(store, 'file_copies')).toEqual(['blob', 'blob']);
    expect(storedTypes(store, 'mail_attachments')).toEqual(['blob']);
    expectReadBack(store);
  });
});
