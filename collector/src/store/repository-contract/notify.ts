import { expect, it } from 'vitest';
import type { NewOutboxMail } from '../repositories/notify.ts';
import { candidate, type RepositoriesUnderTest } from './subject.ts';

const t0 = 1_700_000_000_000;
const mail = (recipient: string, createdMs: number, kind: NewOutboxMail['kind'] = 'immediate', alertIds: number[] = []): NewOutboxMail => ({
  recipient, kind, subject: `s ${createdMs}`, body: 'b', messageId: `<${recipient}-${createdMs}-${kind}@test>`, alertIds, createdMs,
});

/** The notification outbox and digest queues (see NotifyRepository and NotifyTransaction). */
export function notifyContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('notify: mails queued while recording alerts commit with them; the rate limit counts this transaction\'s mails too', async () => {
    const { repos: { alerts, notify } } = await start();
    await notify.addToOutbox([{ mail: mail('boss@example.jp', t0 - 30_000) }]);
    const counts: number[] = [];
    const made = await alerts.record([candidate(t0), candidate(t0, { user: 'sato' }), candidate(t0, { user: 'kato' })], t0, (recorded, tx) => {
      counts.push(tx.recentMailCount('boss@example.jp', t0 - 60_000));
      if (counts.length < 3) tx.addToOutbox(mail('boss@example.jp', t0 + counts.length, 'immediate', [recorded.alert.id]));
      else tx.enqueue('boss@example.jp', 'overflow', recorded.alert.id, t0);
      tx.enqueue('team@example.jp', 'hourly', recorded.alert.id, t0);
    });
    expect(counts).toEqual([1, 2, 3]);
    // Older mails and digests are not what the limit counts.
    expect(await notify.recentMailCount('boss@example.jp', t0 - 60_000)).toBe(3);
    expect(await notify.recentMailCount('boss@example.jp', t0 - 1)).toBe(2);
    const outbox = await notify.all();
    expect(outbox.map((m) => [m.recipient, m.alertIds, m.attempts, m.sentMs])).toEqual([
      ['boss@example.jp', [], 0, null], ['boss@example.jp', [made[0]!.id], 0, null], ['boss@example.jp', [made[1]!.id], 0, null],
    ]);
    expect((await notify.queueHeads()).sort((a, b) => a.recipient.localeCompare(b.recipient)))
      .toEqual([{ recipient: 'boss@example.jp', bucket: 'overflow', oldestMs: t0, n: 1 }, { recipient: 'team@example.jp', bucket: 'hourly', oldestMs: t0, n: 3 }]);
  });

  it('notify: a recording that fails stores neither the alert nor its mails', async () => {
    const { repos: { alerts, notify } } = await start();
    await expect(alerts.record([candidate(t0)], t0, (recorded, tx) => {
      tx.addToOutbox(mail('boss@example.jp', t0, 'immediate', [recorded.alert.id]));
      throw new Error('compose failed');
    })).rejects.toThrow('compose failed');
    expect(await alerts.count({})).toBe(0);
    expect(await notify.all()).toEqual([]);
  });

  it('notify: draining a queue hands its stored alerts to compose, and the digest and the dequeue commit together', async () => {
    const { repos: { alerts, notify } } = await start();
    const made = await alerts.record([candidate(t0), candidate(t0, { user: 'sato' })], t0, (recorded, tx) => tx.enqueue('team@example.jp', 'daily', recorded.alert.id, t0));
    let seen: number[] = [];
    await notify.drainQueue('team@example.jp', 'daily', (queued, tx) => {
      seen = queued.map((a) => a.id);
      tx.addToOutbox(mail('team@example.jp', t0 + 5, 'digest', seen));
    });
    expect(seen).toEqual(made.map((a) => a.id));
    expect(await notify.queueHeads()).toEqual([]);
    expect((await notify.all()).map((m) => [m.kind, m.alertIds])).toEqual([['digest', seen]]);
    // Draining an empty queue composes nothing.
    let called = false;
    await notify.drainQueue('team@example.jp', 'daily', () => { called = true; });
    expect(called).toBe(false);
  });

  it('notify: due mails oldest first; sent, retried later, failed for good, and all retried now', async () => {
    const { repos: { notify } } = await start();
    const ids = await notify.addToOutbox([
      { mail: mail('a@example.jp', t0) },
      { mail: mail('b@example.jp', t0 + 1, 'summary') },
      { mail: mail('c@example.jp', t0 + 2, 'digest'), attachments: [{ fileName: 'report.pdf', contentType: 'application/pdf', content: Buffer.from([0, 1, 255]) }] },
    ]);
    expect(ids).toHaveLength(3);
    expect((await notify.dueOutbox(t0 + 10, 10)).map((m) => m.id)).toEqual(ids);
    expect(await notify.attachments(ids[2]!)).toEqual([{ fileName: 'report.pdf', contentType: 'application/pdf', content: Buffer.from([0, 1, 255]) }]);
    expect(await notify.attachments(ids[0]!)).toEqual([]);
    await notify.markSent(ids[0]!, t0 + 20, '250 OK');
    await notify.markRetry(ids[1]!, t0 + 60_000, '421 busy');
    await notify.markFailed(ids[2]!, t0 + 21, '550 no such user');
    expect(await notify.dueOutbox(t0 + 30, 10)).toEqual([]);
    expect((await notify.dueOutbox(t0 + 60_000, 10)).map((m) => [m.id, m.attempts, m.lastError])).toEqual([[ids[1], 1, '421 busy']]);
    expect(await notify.retryNow(t0 + 40)).toBe(1);
    expect((await notify.dueOutbox(t0 + 40, 10)).map((m) => m.id)).toEqual([ids[1]]);
    const all = await notify.all();
    expect(all.map((m) => [m.sentMs, m.failedMs])).toEqual([[t0 + 20, null], [null, null], [null, t0 + 21]]);
  });

  it('notify: a second message with the same Message-ID is refused and the first batch of mails is all or nothing', async () => {
    const { repos: { notify } } = await start();
    await expect(notify.addToOutbox([{ mail: mail('a@example.jp', t0) }, { mail: mail('a@example.jp', t0) }])).rejects.toThrow();
    expect(await notify.all()).toEqual([]);
  });
}
