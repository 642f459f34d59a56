// The daily digest of risk movers: subscriptions through the HTTP API (admins, audited), queued once per local day at
// the policy's time through the collector's outbox, delivered by the real notifier to a real SMTP server, listing
// each mover with score, change and the top indicator's explanation, and a link to the person page; pseudonyms
// when the policy says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { defaultPolicyDir, readPolicyDir } from '@mamori/policies';
import { SmtpInbox } from '../../../test/harness/smtp-inbox.ts';
import { hashPassword } from '../auth/passwords.ts';
import { buildHttpServer } from '../http/server.ts';
import { CollectorHub } from '../hub.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import { SmtpMailTransport } from '../notify/mail-transport.ts';
import { Notifier } from '../notify/notifier.ts';
import { PolicyService } from '../policy-service.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { storeEvents } from '../store/sqlite/test-support.ts';
import { dayNumber } from './days.ts';
import { RiskDigest } from './digest.ts';
import { pseudonymOf } from './pseudonym.ts';
import { RiskService } from './risk-service.ts';

const at = (local: string) => Date.parse(`${local}+09:00`);
const upload = (sizeBytes: number): Partial<Event> => ({
  upload: { pageUrl: 'https://www.dropbox.com/home', destinationHost: 'www.dropbox.com', fileName: '顧客リスト.xlsx', sizeBytes, method: 'input', category: 'personal_cloud', browser: 'chrome' },
});
const usb: Partial<Event> = {
  fileCopy: { destinationPath: '/media/usb/a.xlsx', destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 300_000, device: { serial: 'SN1' }, operation: 'created' },
};
function events(pc: string, user: string, list: [string, Partial<Event>][]): Event[] {
  return list.map(([local, payload], i) => ({ seq: i + 1, timeMs: at(local), agentId: `agent-${pc}`, pc, user, ...payload }) as Event);
}

describe('risk digest', () => {
  const inbox = new SmtpInbox();
  beforeAll(() => inbox.start());
  afterAll(() => inbox.stop());

  it('mails the day\'s top movers once per day at the configured time to each subscriber, by department, pseudonymised when the policy says so', async () => {
    const store = new SqliteStore(':memory:');
    const clock = { now: at('2026-10-16T12:00:00') };
    const now = () => clock.now;
    const pcs = { kimura: 'SALES-01', tanaka: 'ACCT-01', sato: 'ACCT-02' };
    for (const pc of Object.values(pcs)) {
      await store.createAgent({ id: `agent-${pc}`, pc, hardwareId: pc, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
    }
    await store.repos.directory.replace([{ pc: 'SALES-01', department: '営業部', site: '' }, { pc: 'ACCT-01', department: '経理部', site: '' }, { pc: 'ACCT-02', department: '経理部', site: '' }], 0);
    // kimura: uploads late on Friday 16th and again on Saturday 17th; tanaka: a copy on the 16th; sato: only the 15th.
    await storeEvents(store, 'agent-SALES-01', events(pcs.kimura, 'kimura', [['2026-10-16T23:00:00', upload(300_000_000)], ['2026-10-17T22:00:00', upload(50_000_000)]]));
    await storeEvents(store, 'agent-ACCT-01', events(pcs.tanaka, 'tanaka', [['2026-10-16T10:00:00', usb]]));
    await storeEvents(store, 'agent-ACCT-02', events(pcs.sato, 'sato', [['2026-10-15T10:00:00', upload(80_000_000)]]));
    const policy = new PolicyService(store, new SessionRegistry(), now);
    await policy.load();
    const risk = new RiskService({ repos: store.repos, policy, now });
    await risk.start();
    const { app } = await buildHttpServer({ store, repos: store.repos, now, policy, hub: new CollectorHub(), risk });
    await app.ready();
    await store.putUser({ username: 'alice', passwordHash: await hashPassword('digest test password'), role: 'admin', createdMs: 0 });
    const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'alice', password: 'digest test password' } });
    const headers = { cookie: `mamori_session=${signIn.cookies.find((c) => c.name === 'mamori_session')!.value}`, 'x-csrf-token': (signIn.json() as { csrfToken: string }).csrfToken };
    const notifier = new Notifier({
      notify: store.repos.notify, transport: new SmtpMailTransport({ host: '127.0.0.1', port: inbox.port, secure: false, from: 'mamori@example.co.jp' }), from: 'mamori@example.co.jp', now,
    }, policy.current.notifications);

    try {
      for (const payload of [{ email: 'bucho@example.co.jp' }, { email: 'eigyo@example.co.jp', department: '営業部' }, { email: 'soumu@example.co.jp', department: '総務部' }]) {
        const res = await app.inject({ method: 'POST', url: '/api/risk/digest/subscriptions', headers, payload });
        expect(res.statusCode, res.body).toBe(200);
      }
      const bad = await app.inject({ method: 'POST', url: '/api/risk/digest/subscriptions', headers, payload: { email: 'not an address' } });
      expect(bad.statusCode).toBe(400);
      expect((await app.inject({ url: '/api/risk/digest/subscriptions', headers })).json().subscriptions).toHaveLength(3);
      expect((await store.listAudit(20)).filter((e) => e.action === 'risk.digest_subscribe')).toHaveLength(3);

      const digest = () => new RiskDigest({ repos: store.repos, policy: () => policy.current, decayPerDay: () => risk.decayPerDay, from: 'mamori@example.co.jp', publicUrl: () => 'https://mamori.example.co.jp/', now });
      const first = digest();
      clock.now = at('2026-10-17T08:29:00');
      expect(await first.runDue()).toBeUndefined(); // the shipped time is 08:30
      clock.now = at('2026-10-17T08:30:00');
      // bucho (everyone) and eigyo (営業部); nobody of 総務部 rose, so soumu gets no mail.
      expect(await first.runDue()).toEqual({ date: '2026-10-17', mails: 2 });
      expect(await first.runDue()).toBeUndefined();
      clock.now = at('2026-10-17T15:00:00');
      expect(await digest().runDue()).toBeUndefined(); // a restart the same day sends nothing again
      await notifier.deliver();
      expect(inbox.mails.map((m) => m.to).flat().sort()).toEqual(['bucho@example.co.jp', 'eigyo@example.co.jp']);

      const day16 = dayNumber('2026-10-16');
      const kimura = (await store.repos.risk.personDays('kimura', day16, day16))[0]!;
      const tanaka = (await store.repos.risk.personDays('tanaka', day16, day16))[0]!;
      const round = (n: number) => Math.round(n * 10) / 10;
      const bucho = inbox.mails.find((m) => m.to.includes('bucho@example.co.jp'))!;
      expect(bucho.subject).toBe(`[Mamori] リスク上昇者 2026-10-16: 2名 (最大 +${round(kimura.raw)})`);
      // Nobody had a score before the 16th, so the change is the whole score; sato only decayed and is no mover.
      expect(bucho.text).toContain(`1. kimura (営業部)  スコア score ${round(kimura.score)} (+${round(kimura.score)})\n`
        + `   理由 Why: ${kimura.contributions[0]!.indicator}: ${kimura.contributions[0]!.detail}\n   https://mamori.example.co.jp/#/risk/kimura\n`);
      expect(bucho.text).toContain(`2. tanaka (経理部)  スコア score ${round(tanaka.score)} (+${round(tanaka.score)})\n`);
      expect(bucho.text).not.toContain('sato');
      const eigyo = inbox.mails.find((m) => m.to.includes('eigyo@example.co.jp'))!;
      expect(eigyo.text).toContain('1. kimura (営業部)');
      expect(eigyo.text).not.toContain('tanaka');

      // With pseudonyms on, the next day's digest names nobody (kimura rose again on the 17th).
      const sources = readPolicyDir(defaultPolicyDir).map((s) => (s.name === 'risk.yaml' ? { ...s, text: s.text.replace('pseudonymise: false', 'pseudonymise: true') } : s));
      await policy.publish(sources, 'test');
      await risk.recomputeAll(); // the policy listener of a running collector does this
      clock.now = at('2026-10-18T09:00:00');
      expect(await first.runDue()).toEqual({ date: '2026-10-18', mails: 2 });
      await notifier.deliver();
      const second = inbox.mails.slice(2);
      expect(second).toHaveLength(2);
      const alias = pseudonymOf(await store.repos.risk.pseudonymSecret(), 'kimura');
      for (const mail of second) {
        expect(mail.text).toContain(`1. ${alias} (営業部)`);
        expect(mail.text).toContain(`https://mamori.example.co.jp/#/risk/${alias}`);
        expect(mail.text).not.toContain('kimura');
      }
    } finally {
      await notifier.stop();
      await risk.stop();
      await app.close();
      await store.close();
    }
  });
});
