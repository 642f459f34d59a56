import { expect, it } from 'vitest';
import type { NewOutboxMail } from '../repositories/notify.ts';
import type { RepositoriesUnderTest } from './subject.ts';

const mail = (recipient: string): NewOutboxMail => ({
  recipient, kind: 'digest', subject: 'リスク上昇者', body: 'body', messageId: `<${recipient}@mamori.invalid>`, alertIds: [], createdMs: 5_000,
});

/** The risk digest: one subscription per address (any case), and each day's mails queued once across every handle. */
export function riskDigestContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('risk digest: subscribing again (any case) changes the department; unsubscribe is by address in any case', async () => {
    const { repos: { riskDigest: digest } } = await start();
    await digest.subscribe({ email: 'Bucho@example.co.jp', department: '', createdBy: 'alice', createdMs: 1 });
    await digest.subscribe({ email: 'eigyo@example.co.jp', department: '営業部', createdBy: 'alice', createdMs: 2 });
    await digest.subscribe({ email: 'bucho@EXAMPLE.co.jp', department: '経理部', createdBy: 'bob', createdMs: 3 });
    expect(await digest.list()).toEqual([
      { email: 'Bucho@example.co.jp', department: '経理部', createdBy: 'bob', createdMs: 3 },
      { email: 'eigyo@example.co.jp', department: '営業部', createdBy: 'alice', createdMs: 2 },
    ]);
    expect(await digest.unsubscribe('EIGYO@example.co.jp')).toBe(true);
    expect(await digest.unsubscribe('eigyo@example.co.jp')).toBe(false);
    expect((await digest.list()).map((s) => s.email)).toEqual(['Bucho@example.co.jp']);
  });

  it('risk digest: a day is queued once, with its mails in the outbox, even when two collectors queue it at once', async () => {
    const subject = await start();
    const other = await subject.second();
    try {
      expect(await subject.repos.riskDigest.queued('2026-10-17')).toBe(false);
      const results = await Promise.all([
        subject.repos.riskDigest.queueDay('2026-10-17', [mail('a@example.co.jp'), mail('b@example.co.jp')], 5_000),
        other.repos.riskDigest.queueDay('2026-10-17', [mail('a@example.co.jp'), mail('b@example.co.jp')], 5_000),
      ]);
      expect(results.sort()).toEqual([false, true]);
      expect(await subject.repos.riskDigest.queued('2026-10-17')).toBe(true);
      expect(await other.repos.riskDigest.queued('2026-10-17')).toBe(true);
      expect(await subject.repos.riskDigest.queueDay('2026-10-17', [mail('c@example.co.jp')], 6_000)).toBe(false);
      // A day with nobody to mail is still claimed, so it is not composed again.
      expect(await other.repos.riskDigest.queueDay('2026-10-18', [], 7_000)).toBe(true);
      expect(await subject.repos.riskDigest.queued('2026-10-18')).toBe(true);
      const outbox = await subject.repos.notify.all();
      expect(outbox.map((m) => [m.kind, m.recipient]).sort()).toEqual([['digest', 'a@example.co.jp'], ['digest', 'b@example.co.jp']]);
    } finally {
      await other.close();
    }
  });
}
