import { afterEach, describe, expect, it } from 'vitest';
import { NotificationsPolicySchema } from '@mamori/policies';
import type { RecordedAlert } from '../store/repositories/alerts.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { AlertCandidate, Alert } from '../alerts/types.ts';
import type { MailTransport, OutgoingMail } from './mail-transport.ts';
import { Notifier, nextDailyAt } from './notifier.ts';

class FakeTransport implements MailTransport {
  sent: OutgoingMail[] = [];
  attempts: OutgoingMail[] = [];
  /** Next sends fail with this (temporary unless responseCode ≥ 500). */
  failWith: (Error & { responseCode?: number }) | undefined;
  async send(mail: OutgoingMail) {
    this.attempts.push(mail);
    if (this.failWith) throw this.failWith;
    this.sent.push(mail);
    return { response: '250 OK' };
  }
  close() {}
}

const t0 = Date.parse('2026-03-03T10:10:00+09:00');

const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

function setup(policy: Record<string, unknown>) {
  const store = new SqliteStore(':memory:');
  opened.push(store);
  const repos = store.repos;
  const clock = { now: t0 };
  const transport = new FakeTransport();
  const notifier = new Notifier({ notify: repos.notify, transport, from: 'mamori@corp.example', now: () => clock.now, monotonic: () => clock.now, retry: { initialMs: 1_000, maxMs: 8_000 } },
    NotificationsPolicySchema.parse(policy));
  notifier.setPublicUrl('https://mamori.corp.example/');
  let n = 0;
  // Recorded as the alert service does: the notifier queues its mails in the transaction that stores the alert.
  const record = async (candidate: AlertCandidate): Promise<RecordedAlert> => {
    let recorded: RecordedAlert | undefined;
    await repos.alerts.record([candidate], clock.now, (r, tx) => {
      recorded = r;
      if (r.created) notifier.alertCreated(r.alert, tx);
      else if (r.escalatedFrom) notifier.alertEscalated(r.alert, r.escalatedFrom, tx);
    });
    return recorded!;
  };
  const alert = async (over: Partial<AlertCandidate> = {}): Promise<Alert> => {
    n += 1;
    const { alert: a } = await record({
      ruleId: 'bulk_usb_copy', ruleName: 'Bulk copy to USB', kind: 'file_copy', severity: 'high', color: '#f57c00', pc: `PC-${n}`, user: 'tanaka',
      agentId: 'a', title: 'Bulk copy to USB: 101 files in 10m', firstMs: clock.now, lastMs: clock.now, count: 1, eventIds: [], foldWindowMs: 60_000, ...over,
    });
    return a;
  };
  return { repos, clock, transport, notifier, alert, record };
}

const groups = {
  managers: { recipients: ['boss@corp.example'], min_severity: 'high', immediate: 'high', digest: 'none' },
  it: { recipients: ['it@corp.example', 'Boss@corp.example'], min_severity: 'low', immediate: 'critical', digest: 'hourly' },
};

describe('Notifier', () => {
  it('mails urgent alerts at once as a short phone-friendly mail with a link, and the rest in a digest', async () => {
    const { transport, notifier, alert, clock } = setup({ groups, timezone: 'Asia/Tokyo' });
    const a = await alert({ severity: 'high' });
    await notifier.deliver();
    // boss is in both groups: one mail, by the fastest route. it@ gets high alerts only in the digest.
    expect(transport.sent.map((m) => m.to)).toEqual(['boss@corp.example']);
    const [mail] = transport.sent;
    expect(mail!.subject).toBe('[HIGH] PC-1 tanaka: Bulk copy to USB');
    expect(mail!.text.split('\n')).toEqual([
      'HIGH: Bulk copy to USB: 101 files in 10m',
      'PC: PC-1   User: tanaka',
      'When: 2026-03-03 10:10 (Asia/Tokyo)',
      `Open: https://mamori.corp.example/alerts/${a.id}`,
      '',
    ]);
    expect(mail!.messageId).toMatch(/^<[0-9a-f-]{36}@corp\.example>$/);
    await alert({ severity: 'low' });
    await alert({ severity: 'info' }); // below every group's minimum: nobody
    await notifier.flushQueues();
    await notifier.deliver();
    expect(transport.sent).toHaveLength(1); // the hourly digest waits for the top of the hour
    clock.now = Date.parse('2026-03-03T11:00:00+09:00');
    await notifier.flushQueues();
    await notifier.deliver();
    expect(transport.sent.map((m) => [m.to, m.subject])).toEqual([
      ['boss@corp.example', '[HIGH] PC-1 tanaka: Bulk copy to USB'],
      ['boss@corp.example', '[LOW] Mamori hourly digest: 1 alert'], // via the it group; the high one went at once
      ['it@corp.example', '[HIGH] Mamori hourly digest: 2 alerts'],
    ]);
    expect(transport.sent[1]!.text).toContain('[LOW] PC-2 tanaka');
    await notifier.flushQueues();
    await notifier.deliver();
    expect(transport.sent).toHaveLength(3); // each digest went once
  });

  it('rate-limits each recipient and sends one "N more" summary when the window frees', async () => {
    const { transport, notifier, alert, clock } = setup({ groups: { managers: groups.managers }, rate_limit: { max: 3, per: '1h' } });
    for (let i = 0; i < 8; i += 1) {
      await alert();
      clock.now += 60_000;
    }
    await notifier.flushQueues();
    await notifier.deliver();
    expect(transport.sent).toHaveLength(3);
    clock.now = t0 + 3_600_000 + 1; // the first mail leaves the window
    await notifier.flushQueues();
    await notifier.deliver();
    expect(transport.sent).toHaveLength(4);
    expect(transport.sent[3]!.subject).toBe('[HIGH] 5 more alerts');
    expect(transport.sent[3]!.text.match(/alerts\/\d+/g)).toHaveLength(5);
  });

  it('keeps mails through an outage: retries with backoff, one Message-ID per mail, each accepted mail sent once', async () => {
    const { repos, transport, notifier, alert, clock } = setup({ groups: { managers: groups.managers } });
    transport.failWith = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED' });
    await alert();
    await alert();
    await notifier.deliver();
    expect(transport.sent).toHaveLength(0);
    // Paused: nothing is tried again before the backoff passes.
    const tried = transport.attempts.length;
    await notifier.tick();
    expect(transport.attempts).toHaveLength(tried);
    for (let i = 0; i < 5; i += 1) {
      clock.now += 10_000;
      await notifier.tick();
    }
    expect((await repos.notify.all()).every((m) => m.sentMs === null && m.attempts > 1 && m.lastError.includes('ECONNREFUSED'))).toBe(true);
    transport.failWith = undefined;
    clock.now += 10_000;
    await notifier.tick();
    await notifier.tick();
    expect(transport.sent).toHaveLength(2);
    expect(new Set(transport.sent.map((m) => m.messageId)).size).toBe(2);
    // Every attempt of a mail carried the same Message-ID.
    for (const mail of transport.sent) expect(new Set(transport.attempts.filter((a) => a.subject === mail.subject && a.to === mail.to).map((a) => a.messageId)).size).toBe(1);
    expect((await repos.notify.all()).every((m) => m.sentMs !== null)).toBe(true);
    const ids = new Map((await repos.notify.all()).map((m) => [m.id, m.messageId]));
    expect([...ids.values()].sort()).toEqual(transport.sent.map((m) => m.messageId).sort());
  });

  it('records a permanent refusal (5xx) and does not retry it', async () => {
    const { repos, transport, notifier, alert, clock } = setup({ groups: { managers: groups.managers } });
    transport.failWith = Object.assign(new Error('550 no such user'), { responseCode: 550 });
    await alert();
    await notifier.deliver();
    transport.failWith = undefined;
    clock.now += 600_000;
    await notifier.tick();
    expect(transport.sent).toHaveLength(0);
    expect((await repos.notify.all())[0]).toMatchObject({ attempts: 1, sentMs: null, lastError: '550 no such user' });
    expect((await repos.notify.all())[0]!.failedMs).not.toBeNull();
  });

  it('mails a folded alert once it becomes urgent for a recipient, and only then', async () => {
    const { transport, notifier, clock, record } = setup({ groups: { managers: groups.managers } });
    const candidate = {
      ruleId: 'device_blocked', ruleName: 'USB device blocked', kind: 'device', severity: 'medium' as const, color: '#fbc02d', pc: 'PC-1', user: 'sato',
      agentId: 'a', title: 'USB device blocked', firstMs: clock.now, lastMs: clock.now, count: 1, eventIds: [], foldWindowMs: 3_600_000,
    };
    await record(candidate);
    const again = await record({ ...candidate, lastMs: clock.now + 1 });
    expect(again.escalatedFrom).toBeUndefined();
    const raised = await record({ ...candidate, severity: 'high', color: '#f57c00', lastMs: clock.now + 2 });
    expect(raised).toMatchObject({ created: false, escalatedFrom: 'medium', alert: { severity: 'high', count: 3 } });
    await notifier.deliver();
    expect(transport.sent.map((m) => m.subject)).toEqual(['[HIGH] PC-1 sato: USB device blocked']);
  });

  it('schedules daily digests at the local time', () => {
    expect(new Date(nextDailyAt(Date.parse('2026-03-03T10:10:00+09:00'), '08:00', 'Asia/Tokyo')).toISOString()).toBe('2026-03-03T23:00:00.000Z');
    expect(new Date(nextDailyAt(Date.parse('2026-03-03T07:10:00+09:00'), '08:00', 'Asia/Tokyo')).toISOString()).toBe('2026-03-02T23:00:00.000Z');
  });
});
