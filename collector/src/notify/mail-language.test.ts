import { afterEach, describe, expect, it } from 'vitest';
import { NotificationsPolicySchema } from '@mamori/policies';
import { RuleEngine } from '../alerts/rule-engine.ts';
import { engineEvent, policyFrom, usbCopy } from '../alerts/test-support.ts';
import type { AlertCandidate } from '../alerts/types.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { MailTransport, OutgoingMail } from './mail-transport.ts';
import { Notifier } from './notifier.ts';

// Alert mail in each recipient's language, from an alert the real rule engine raised and the store kept as data.

class Inbox implements MailTransport {
  sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail) {
    this.sent.push(mail);
    return { response: '250 OK' };
  }
  close() {}
}

const rules = `
alerts:
  rules:
    - id: bulk_usb_copy
      name: Bulk copy to USB
      severity: high
      match: { kind: file_copy, fields: { destination_kind: removable } }
      threshold: { more_than: 2, window: 10m, per: [pc, user] }
    - id: large_print_job
      name: Large print job
      severity: high
      match: { kind: print_job }
`;
const t0 = Date.parse('2026-03-03T10:10:00+09:00');
const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function mailFor(candidates: AlertCandidate[], languages: Record<string, 'en' | 'ja'>, timeZone: string) {
  const store = new SqliteStore(':memory:');
  opened.push(store);
  const inbox = new Inbox();
  const notifier = new Notifier({ notify: store.repos.notify, transport: inbox, from: 'mamori@corp.example', now: () => t0, monotonic: () => t0 },
    NotificationsPolicySchema.parse({ timezone: 'Asia/Tokyo', groups: { managers: { recipients: Object.keys(languages), min_severity: 'high', immediate: 'high', digest: 'none' } } }));
  notifier.setPublicUrl('https://mamori.corp.example');
  notifier.setReaders({ languageOf: (to) => languages[to] ?? 'en', timeZone });
  await store.repos.alerts.record(candidates, t0, (r, tx) => notifier.alertCreated(r.alert, tx));
  await notifier.deliver();
  return new Map(inbox.sent.map((m) => [m.to, m]));
}

describe('alert mail per recipient language', () => {
  it('writes a threshold alert in Japanese for a Japanese reader and in English for the other, in the organisation time zone', async () => {
    const engine = new RuleEngine(policyFrom(rules));
    const fired = [0, 1, 2].flatMap((i) => engine.evaluate(engineEvent('file_copy', usbCopy(i), t0 + i * 1_000)));
    expect(fired).toHaveLength(1);
    const mails = await mailFor(fired, { 'sato@corp.example': 'ja', 'smith@corp.example': 'en' }, 'Europe/London');
    const ja = mails.get('sato@corp.example')!;
    expect(ja.subject).toBe('[高] PC-ACCT-07 tanaka: USB への大量コピー');
    expect(ja.text.split('\n').slice(0, 3)).toEqual([
      '高: USB への大量コピー: 10分 で 3 ファイル',
      'PC: PC-ACCT-07   ユーザー: tanaka',
      '日時: 2026-03-03 01:10（Europe/London）、2026-03-03 01:10 までに 3 回',
    ]);
    const en = mails.get('smith@corp.example')!;
    expect(en.subject).toBe('[HIGH] PC-ACCT-07 tanaka: Bulk copy to USB');
    expect(en.text.split('\n').slice(0, 3)).toEqual(['HIGH: Bulk copy to USB: 3 files in 10m', 'PC: PC-ACCT-07   User: tanaka', 'When: 2026-03-03 01:10 (Europe/London), 3 times until 2026-03-03 01:10']);
  });

  it('describes the event itself in the reader language, keeping the PC’s own text (document, printer) as it was', async () => {
    const engine = new RuleEngine(policyFrom(rules));
    const fired = engine.evaluate(engineEvent('print_job', { documentName: '給与一覧.pdf', pages: 120, printer: 'PRN-3F' }, t0));
    const mails = await mailFor(fired, { 'sato@corp.example': 'ja' }, 'Asia/Tokyo');
    expect(mails.get('sato@corp.example')!.text.split('\n')[0]).toBe('高: 大量印刷: 給与一覧.pdf（PRN-3F で 120 ページ）');
  });
});
