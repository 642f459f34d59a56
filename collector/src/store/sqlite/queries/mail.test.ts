import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../sqlite-store.ts';
import { getMail, mailSearchTerms, mailsWithAttachment, searchMails } from './mail.ts';
import { mailEvent, storeWithMails } from './mail-test-support.ts';

const sha = 'ab'.repeat(32);

describe('mail search', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  async function corpus() {
    store = await storeWithMails([
      mailEvent(1, { subject: '見積書の送付について', bodyExcerpt: '山田様 お世話になっております。', to: ['yamada@partner.example.com'] }),
      mailEvent(2, {
        subject: '名簿', to: ['someone@gmail.example'], verdict: 'warned', rule: 'mail.external_attachments',
        attachments: [{ fileName: '顧客名簿.xlsx', contentType: 'application/vnd.ms-excel', sizeBytes: 50, sha256: sha, inline: false }],
      }),
      mailEvent(3, { subject: 'Lunch', bodyExcerpt: 'The CONFIDENTIAL plan is attached', bcc: ['Boss <boss@example.co.jp>'] }),
      mailEvent(4, { subject: '機密資料', verdict: 'blocked', attachments: [{ fileName: 'plan.pdf', contentType: 'application/pdf', sizeBytes: 9, sha256: sha, inline: false }] }, { pc: 'PC-DESIGN-01', user: 'suzuki' }),
    ]);
    return store.db;
  }
  const subjects = (rows: { subject: string }[]) => rows.map((r) => r.subject);

  it('finds Japanese words inside unspaced text, including two-character words', async () => {
    const db = await corpus();
    expect(subjects(searchMails(db, { text: '見積書' }))).toEqual(['見積書の送付について']);
    expect(subjects(searchMails(db, { text: 'お世話' }))).toEqual(['見積書の送付について']);
    expect(subjects(searchMails(db, { text: '機密' }))).toEqual(['機密資料']);
    expect(subjects(searchMails(db, { text: '名簿' }))).toEqual(['名簿']);
    expect(subjects(searchMails(db, { text: '送付' }))).toEqual(['見積書の送付について']);
  });

  it('searches addresses, bcc and attachment names, case-insensitively, all terms required', async () => {
    const db = await corpus();
    expect(subjects(searchMails(db, { text: 'gmail.example' }))).toEqual(['名簿']);
    expect(subjects(searchMails(db, { text: 'boss@example' }))).toEqual(['Lunch']);
    expect(subjects(searchMails(db, { text: '顧客名簿' }))).toEqual(['名簿']);
    expect(subjects(searchMails(db, { text: 'confidential PLAN' }))).toEqual(['Lunch']);
    expect(subjects(searchMails(db, { text: 'plan.pdf' }))).toEqual(['機密資料']);
    expect(searchMails(db, { text: 'confidential 名簿' })).toEqual([]);
  });

  it('filters and pages newest first, with attachments returned', async () => {
    const db = await corpus();
    expect(subjects(searchMails(db, {}))).toEqual(['機密資料', 'Lunch', '名簿', '見積書の送付について']);
    expect(subjects(searchMails(db, { withAttachments: true }))).toEqual(['機密資料', '名簿']);
    expect(subjects(searchMails(db, { verdict: 'blocked' }))).toEqual(['機密資料']);
    expect(subjects(searchMails(db, { pc: 'PC-DESIGN-01', user: 'suzuki' }))).toEqual(['機密資料']);
    const first = searchMails(db, { text: 'example', limit: 2 });
    const next = searchMails(db, { text: 'example', limit: 2, beforeId: first.at(-1)!.id });
    expect([...subjects(first), ...subjects(next)]).toEqual(['機密資料', 'Lunch', '名簿', '見積書の送付について']);
    const [mail] = searchMails(db, { text: '顧客名簿' });
    expect(mail).toMatchObject({ verdict: 'warned', to: ['someone@gmail.example'], malformed: false, pc: 'PC-ACCT-07' });
    expect(mail?.attachments).toEqual([{ fileName: '顧客名簿.xlsx', contentType: 'application/vnd.ms-excel', sizeBytes: 50, sha256: sha, inline: false }]);
    expect(getMail(db, mail!.id)).toEqual(mail);
  });

  it('follows a file by its SHA-256 across mails', async () => {
    const db = await corpus();
    expect(mailsWithAttachment(db, sha.toUpperCase()).map((s) => [s.fileName, s.pc])).toEqual([['plan.pdf', 'PC-DESIGN-01'], ['顧客名簿.xlsx', 'PC-ACCT-07']]);
  });

  it('quotes user input so FTS syntax cannot be injected, and refuses terms too short to search', async () => {
    const db = await corpus();
    expect(searchMails(db, { text: '"OR NEAR(x) ***' })).toEqual([]);
    expect(mailSearchTerms('ab')).toEqual({ error: expect.stringMatching(/too short/) });
    expect(mailSearchTerms('x 機密')).toEqual({ error: expect.stringMatching(/"x" is too short/) });
    expect(() => searchMails(db, { text: 'a' })).toThrow(/too short/);
  });

  it('matches full-width and upper-case text by its NFKC, lower-case form', async () => {
    store = await storeWithMails([mailEvent(1, { subject: 'ＰＤＦ版の見積', to: ['Tanaka@Partner.Example.COM'] })]);
    expect(subjects(searchMails(store.db, { text: 'pdf' }))).toEqual(['ＰＤＦ版の見積']);
    expect(subjects(searchMails(store.db, { text: 'tanaka@partner.example.com' }))).toEqual(['ＰＤＦ版の見積']);
  });

  it('finds rare terms among many mails sharing common trigrams (sample index in use)', async () => {
    const events = Array.from({ length: 600 }, (_, i) => mailEvent(i + 1, {
      subject: `report ${i}`, to: [`user${i}@partner${i % 7}.example.com`], bodyExcerpt: 'いつもお世話になっております。',
    }));
    store = await storeWithMails(events);
    expect((store.db.prepare('SELECT count(*) AS n FROM mails_fts_sample').get() as { n: number }).n).toBeGreaterThan(0);
    expect(subjects(searchMails(store.db, { text: 'user417@partner4.example.com' }))).toEqual(['report 417']);
    expect(subjects(searchMails(store.db, { text: 'user41@partner' }))).toEqual(['report 41']);
    expect(searchMails(store.db, { text: 'お世話 example.com', limit: 1000 })).toHaveLength(600);
    expect(subjects(searchMails(store.db, { text: 'report', pc: 'PC-ACCT-07', limit: 2 }))).toEqual(['report 599', 'report 598']);
  });

  it('indexes a redelivered event once', async () => {
    const db = await corpus();
    expect(searchMails(db, { text: '見積書' })).toHaveLength(1);
    expect(db.prepare('SELECT count(*) AS n FROM mails').get()).toEqual({ n: 4 });
  });
});
