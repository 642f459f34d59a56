import { expect, it } from 'vitest';
import type { Event, MailEvent } from '@mamori/proto';
import { agentId, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const sha = 'ab'.repeat(32);
const mail = (seq: number, fields: Partial<MailEvent>, user = 'tanaka'): Partial<Event> => ({
  user,
  mail: {
    messageId: `<m${seq}@example.co.jp>`, from: 'tanaka@example.co.jp', to: ['someone@example.co.jp'], cc: [], bcc: [], subject: `mail ${seq}`,
    sizeBytes: 2048, bodyExcerpt: '', attachments: [], verdict: 'relayed', rule: '', malformed: false, upstreamResponse: '250 2.0.0 Ok', ...fields,
  },
});
/** Seq 1–5: Japanese without spaces, attachments (one file sent twice), bcc, full-width text; seq 4 by suzuki. */
const payloads = [
  mail(1, { subject: '見積書の送付について', bodyExcerpt: '山田様 お世話になっております。', to: ['yamada@partner.example.com'] }),
  mail(2, {
    subject: '名簿', to: ['someone@gmail.example'], verdict: 'warned', rule: 'mail.external_attachments',
    attachments: [{ fileName: '顧客名簿.xlsx', contentType: 'application/vnd.ms-excel', sizeBytes: 50, sha256: sha, inline: false }],
  }),
  mail(3, { subject: 'Lunch', bodyExcerpt: 'The CONFIDENTIAL plan is attached', bcc: ['Boss <boss@example.co.jp>'] }),
  mail(4, { subject: '機密資料', verdict: 'blocked', attachments: [
    { fileName: 'plan.pdf', contentType: 'application/pdf', sizeBytes: 9, sha256: sha, inline: false },
    { fileName: 'logo.png', contentType: 'image/png', sizeBytes: 3, sha256: 'cd'.repeat(32), inline: true },
  ] }, 'suzuki'),
  mail(5, { subject: 'ＰＤＦ版の見積', to: ['Tanaka@Partner.Example.COM'], malformed: true }),
];

/** Relayed mail: filled by projection; Japanese keyword search (NFKC, case-insensitive, every term), filters, pages, files by hash. */
export function mailContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('mail: projection fills the mail log; Japanese words inside unspaced text (two-character words too), addresses, bcc and file names', async () => {
    const { store, repos: { mail: repo } } = await start();
    await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    const subjects = async (text: string) => (await repo.search({ text })).map((m) => m.subject);
    expect(await subjects('見積書')).toEqual(['見積書の送付について']);
    expect(await subjects('お世話')).toEqual(['見積書の送付について']);
    expect(await subjects('機密')).toEqual(['機密資料']);
    expect(await subjects('送付')).toEqual(['見積書の送付について']);
    expect(await subjects('見積')).toEqual(['ＰＤＦ版の見積', '見積書の送付について']);
    expect(await subjects('gmail.example')).toEqual(['名簿']);
    expect(await subjects('boss@example')).toEqual(['Lunch']);
    expect(await subjects('顧客名簿')).toEqual(['名簿']);
    expect(await subjects('confidential PLAN')).toEqual(['Lunch']);
    expect(await subjects('plan.pdf')).toEqual(['機密資料']);
    expect(await subjects('confidential 名簿')).toEqual([]);
    // Full-width and upper-case text match by their NFKC, lower-case form.
    expect(await subjects('pdf')).toEqual(['ＰＤＦ版の見積', '機密資料']);
    expect(await subjects('tanaka@partner.example.com')).toEqual(['ＰＤＦ版の見積']);
    // LIKE's wildcards are taken literally.
    expect(await subjects('%%%')).toEqual([]);
    expect(await subjects('plan_pdf')).toEqual([]);
  });

  it('mail: refuses terms too short to search, filters and pages newest first, returns attachments, follows a file by SHA-256', async () => {
    const { store, repos: { mail: repo } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    expect(await repo.searchTextProblem('ab')).toMatch(/too short/);
    expect(await repo.searchTextProblem('x 機密')).toMatch(/"x" is too short/);
    expect(await repo.searchTextProblem('機密 plan')).toBeUndefined();
    await expect(repo.search({ text: 'a' })).rejects.toThrow(/too short/);
    const seqs = async (search: Parameters<typeof repo.search>[0]) => (await repo.search(search)).map((m) => m.seq);
    expect(await seqs({})).toEqual([5, 4, 3, 2, 1]);
    expect(await seqs({ withAttachments: true })).toEqual([4, 2]);
    expect(await seqs({ verdict: 'blocked' })).toEqual([4]);
    expect(await seqs({ user: 'suzuki', pc: 'PC-1' })).toEqual([4]);
    expect(await seqs({ pc: 'PC-2' })).toEqual([]);
    expect(await seqs({ fromMs: stored[1]!.timeMs, toMs: stored[3]!.timeMs })).toEqual([3, 2]);
    const first = await repo.search({ text: 'example', limit: 2 });
    expect((await repo.search({ text: 'example', limit: 2, beforeId: first.at(-1)!.id })).map((m) => m.seq)).toEqual([3, 2]);
    expect(first.map((m) => m.seq)).toEqual([5, 4]);
    const [blocked] = await repo.search({ verdict: 'blocked' });
    expect(blocked).toEqual({
      id: blocked!.id, eventId: stored[3]!.id, agentId, pc: 'PC-1', seq: 4, timeMs: stored[3]!.timeMs, user: 'suzuki', messageId: '<m4@example.co.jp>',
      from: 'tanaka@example.co.jp', to: ['someone@example.co.jp'], cc: [], bcc: [], subject: '機密資料', sizeBytes: 2048, bodyExcerpt: '',
      verdict: 'blocked', rule: '', malformed: false, upstreamResponse: '250 2.0.0 Ok', attachments: [
        { fileName: 'plan.pdf', contentType: 'application/pdf', sizeBytes: 9, sha256: sha, inline: false },
        { fileName: 'logo.png', contentType: 'image/png', sizeBytes: 3, sha256: 'cd'.repeat(32), inline: true },
      ],
    });
    expect(await repo.get(blocked!.id)).toEqual(blocked);
    expect((await repo.get(first[0]!.id))?.malformed).toBe(true);
    expect(await repo.get(blocked!.id + 1000)).toBeUndefined();
    const sightings = await repo.withAttachment(sha.toUpperCase());
    expect(sightings.map((s) => [s.fileName, s.user, s.verdict, s.to])).toEqual([
      ['plan.pdf', 'suzuki', 'blocked', ['someone@example.co.jp']], ['顧客名簿.xlsx', 'tanaka', 'warned', ['someone@gmail.example']],
    ]);
    expect(await repo.withAttachment(sha, 1)).toHaveLength(1);
  });

  it('mail: a second projection pass adds no mail twice; another collector on the database reads the same log', async () => {
    const subject = await start();
    await storeEvents(subject.store, payloads.length, (seq) => payloads[seq - 1]!);
    await subject.store.projectPending(100);
    await subject.store.projectPending(100);
    const other = await subject.second();
    try {
      expect((await other.repos.mail.search({})).map((m) => m.seq)).toEqual([5, 4, 3, 2, 1]);
      expect((await other.repos.mail.withAttachment(sha)).length).toBe(2);
    } finally {
      await other.close();
    }
  });
}
