import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedAlert } from '../store/repositories/alerts.ts';
import type { Repositories } from '../store/repositories/index.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { RuleEngine } from './rule-engine.ts';
import { engineEvent, policyFrom, usbCopy } from './test-support.ts';
import type { AlertCandidate } from './types.ts';

const bulkUsb = `
alerts:
  fold_window: 1h
  rules:
    - id: bulk_usb_copy
      name: Bulk copy to USB
      severity: high
      match: { kind: file_copy, fields: { destination_kind: removable } }
      threshold: { more_than: 100, window: 10m, per: [pc, user] }
`;

// A Tuesday in Tokyo, working hours.
const tue10 = Date.parse('2026-03-03T10:00:00+09:00');

function run(engine: RuleEngine, events: ReturnType<typeof engineEvent>[]): AlertCandidate[] {
  return events.flatMap((event) => engine.evaluate(event));
}

describe('rule engine: sliding windows', () => {
  it('fires only when more than 100 files reach USB within 10 minutes, counting every file once', () => {
    const engine = new RuleEngine(policyFrom(bulkUsb));
    // 100 files in 9 minutes: at the threshold, not above it.
    const first = Array.from({ length: 100 }, (_, i) => engineEvent('file_copy', usbCopy(i), tue10 + i * 5_400));
    expect(run(engine, first)).toEqual([]);
    // The 101st inside the same 10 minutes fires, carrying all 101 events.
    const [fired] = engine.evaluate(engineEvent('file_copy', usbCopy(100), tue10 + 9.5 * 60_000));
    expect(fired).toMatchObject({ ruleId: 'bulk_usb_copy', severity: 'high', count: 101, firstMs: tue10, title: 'Bulk copy to USB: 101 files in 10m' });
    expect(fired!.eventIds).toHaveLength(101);
    // The next one adds itself only.
    const [more] = engine.evaluate(engineEvent('file_copy', usbCopy(101), tue10 + 9.6 * 60_000));
    expect(more).toMatchObject({ count: 1 });
  });

  it('slides: old events leave the window', () => {
    const engine = new RuleEngine(policyFrom(bulkUsb));
    // 60 files, then 60 more 11 minutes later: never more than 100 within 10 minutes.
    const a = Array.from({ length: 60 }, (_, i) => engineEvent('file_copy', usbCopy(i), tue10 + i * 1000));
    const b = Array.from({ length: 60 }, (_, i) => engineEvent('file_copy', usbCopy(i), tue10 + 11 * 60_000 + i * 1000));
    expect(run(engine, [...a, ...b])).toEqual([]);
  });

  it('counts per user and PC separately', () => {
    const engine = new RuleEngine(policyFrom(bulkUsb));
    const events = Array.from({ length: 120 }, (_, i) => engineEvent('file_copy', usbCopy(i), tue10 + i * 1000, { user: i % 2 ? 'sato' : 'tanaka' }));
    expect(run(engine, events)).toEqual([]);
  });

  it('sums a field: more than 300 pages per user per day, across PCs', () => {
    const engine = new RuleEngine(policyFrom(`
alerts:
  rules:
    - { id: pages_day, name: Many pages, severity: medium, match: { kind: print_job }, threshold: { more_than: 300, window: 1d, sum: pages, per: [user] } }
`));
    const jobs = [120, 100, 80].map((pages, i) => engineEvent('print_job', { pages, documentName: `d${i}` }, tue10 + i * 3_600_000, { pc: `PC-${i}` }));
    expect(run(engine, jobs)).toEqual([]);
    const [fired] = engine.evaluate(engineEvent('print_job', { pages: 5 }, tue10 + 5 * 3_600_000, { pc: 'PC-9' }));
    expect(fired).toMatchObject({ title: 'Many pages: 305 pages in 1d', count: 4, pc: 'PC-9' });
    // A day after the first job, its pages have left the window.
    expect(engine.evaluate(engineEvent('print_job', { pages: 1 }, tue10 + 24 * 3_600_000 + 1, { pc: 'PC-9' }))).toEqual([]);
  });
});

describe('rule engine: matching, off-hours, watch-lists, allow-lists', () => {
  const policy = `
alerts:
  calendar: { timezone: Asia/Tokyo, weekdays: [mon, tue, wed, thu, fri], start: "08:00", end: "19:00", holidays: [2026-03-20] }
  sites:
    osaka: { pcs: ["OSAKA-*"], timezone: Asia/Tokyo, weekdays: [mon, tue, wed, thu, fri, sat], start: "10:00", end: "22:00" }
  watch_lists:
    departing: { users: [sato], raise: 2, until: 2026-06-30 }
  allow_lists:
    registered: { entries: ["CORP-*"] }
    partners: { type: domains, entries: [partner.example] }
  rules:
    - id: usb_blocked
      name: USB blocked
      severity: low
      match: { kind: device, fields: { action: BLOCKED } }
      unless_allowed: [{ field: device.serial, lists: [registered] }]
      off_hours_raise: 1
    - id: night_copy
      name: Night copy
      severity: medium
      when: off_hours
      match: { kind: file_copy }
    - id: watched_copy
      name: Watched copy
      severity: low
      match: { kind: file_copy, watch_lists: [departing] }
    - id: mail_out
      name: Attachment out
      severity: medium
      match: { kind: mail, fields: { attachments.inline: false } }
      unless_allowed: [{ field: [to, cc], lists: [mail_internal_domains, partners] }]
    - id: big_print
      name: Big print
      severity: medium
      color: "#123456"
      match: { kind: print_job, fields: { pages: { gt: 50 }, printer: { not_in: [Archive] } } }
`;
  const mailPolicy = 'mail:\n  internal_domains: [example.co.jp]\n';
  const blocked = (serial: string) => ({ action: 'BLOCKED', device: { serial, vendor: 'SanDisk', product: 'Cruzer' } });

  it('matches kind and fields; the rule colour wins over the severity colour', () => {
    const engine = new RuleEngine(policyFrom(policy, mailPolicy));
    expect(engine.evaluate(engineEvent('print_job', { pages: 50, printer: 'P1' }, tue10))).toEqual([]);
    expect(engine.evaluate(engineEvent('print_job', { pages: 51, printer: 'archive' }, tue10))).toEqual([]);
    expect(engine.evaluate(engineEvent('print_job', { pages: 51, printer: 'P1', documentName: 'list.xlsx' }, tue10)))
      .toMatchObject([{ ruleId: 'big_print', color: '#123456', title: 'Big print: list.xlsx (51 pages on P1)' }]);
    expect(engine.evaluate(engineEvent('device', { action: 'ALLOWED', device: {} }, tue10))).toEqual([]);
  });

  it('raises severity off-hours: evenings, weekends and holidays by the site calendar', () => {
    const engine = new RuleEngine(policyFrom(policy, mailPolicy));
    const severityAt = (at: string, pc = 'PC-1') => engine.evaluate(engineEvent('device', blocked('X1'), at, { pc }))[0]?.severity;
    expect(severityAt('2026-03-03T10:00:00+09:00')).toBe('low'); // Tuesday morning
    expect(severityAt('2026-03-03T07:59:00+09:00')).toBe('medium'); // before start
    expect(severityAt('2026-03-03T19:00:00+09:00')).toBe('medium'); // end is exclusive
    expect(severityAt('2026-03-07T11:00:00+09:00')).toBe('medium'); // Saturday
    expect(severityAt('2026-03-20T11:00:00+09:00')).toBe('medium'); // a Friday holiday
    // Osaka works Saturdays until 22:00, and the head office's holiday is not theirs.
    expect(severityAt('2026-03-07T21:00:00+09:00', 'OSAKA-12')).toBe('low');
    expect(severityAt('2026-03-20T11:00:00+09:00', 'OSAKA-12')).toBe('low');
    expect(severityAt('2026-03-03T09:30:00+09:00', 'OSAKA-12')).toBe('medium');
  });

  it('fires off-hours-only rules only off-hours', () => {
    const engine = new RuleEngine(policyFrom(policy, mailPolicy));
    const fires = (at: string) => engine.evaluate(engineEvent('file_copy', usbCopy(1), at)).some((c) => c.ruleId === 'night_copy');
    expect(fires('2026-03-03T14:00:00+09:00')).toBe(false);
    expect(fires('2026-03-03T23:30:00+09:00')).toBe(true);
    expect(fires('2026-03-20T14:00:00+09:00')).toBe(true);
  });

  it('watch-lists raise every alert about a watched user and select watch-only rules, until their end date', () => {
    const engine = new RuleEngine(policyFrom(policy, mailPolicy));
    const at = '2026-03-03T10:00:00+09:00';
    expect(engine.evaluate(engineEvent('device', blocked('X1'), at, { user: 'sato' }))[0]?.severity).toBe('high');
    expect(engine.evaluate(engineEvent('device', blocked('X1'), at, { user: 'tanaka' }))[0]?.severity).toBe('low');
    expect(engine.evaluate(engineEvent('file_copy', usbCopy(1), at, { user: 'sato' })).map((c) => [c.ruleId, c.severity])).toEqual([['watched_copy', 'high']]);
    expect(engine.evaluate(engineEvent('file_copy', usbCopy(1), at, { user: 'tanaka' }))).toEqual([]);
    expect(engine.evaluate(engineEvent('file_copy', usbCopy(1), '2026-07-01T10:00:00+09:00', { user: 'sato' }))).toEqual([]);
  });

  it('allow-lists: registered sticks and internal or partner domains never alert', () => {
    const engine = new RuleEngine(policyFrom(policy, mailPolicy));
    expect(engine.evaluate(engineEvent('device', blocked('CORP-0001'), tue10))).toEqual([]);
    expect(engine.evaluate(engineEvent('device', blocked('PRIVATE-1'), tue10))).toHaveLength(1);
    const mail = (to: string[], inline = false) => ({ to, cc: [], attachments: [{ fileName: 'a.xlsx', inline }] });
    expect(engine.evaluate(engineEvent('mail', mail(['a@example.co.jp', 'b@sales.example.co.jp', 'Partner <c@partner.example>']), tue10))).toEqual([]);
    expect(engine.evaluate(engineEvent('mail', mail(['a@example.co.jp', 'me@gmail.com']), tue10))).toMatchObject([{ ruleId: 'mail_out' }]);
    expect(engine.evaluate(engineEvent('mail', mail(['me@gmail.com'], true), tue10))).toEqual([]); // inline image only
    // A look-alike domain is not a subdomain.
    expect(engine.evaluate(engineEvent('mail', mail(['x@evilexample.co.jp']), tue10))).toHaveLength(1);
  });

  it('keeps window counts of unchanged rules across a policy change, and resets changed ones', () => {
    const engine = new RuleEngine(policyFrom(bulkUsb));
    run(engine, Array.from({ length: 100 }, (_, i) => engineEvent('file_copy', usbCopy(i), tue10 + i * 1000)));
    engine.setPolicy(policyFrom(bulkUsb.replace('severity: high', 'severity: critical')));
    expect(engine.evaluate(engineEvent('file_copy', usbCopy(100), tue10 + 101_000))).toMatchObject([{ severity: 'critical', count: 101 }]);
    engine.setPolicy(policyFrom(bulkUsb.replace('more_than: 100', 'more_than: 5')));
    expect(engine.evaluate(engineEvent('file_copy', usbCopy(101), tue10 + 102_000))).toEqual([]);
  });
});

describe('folding into stored alerts', () => {
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  function db(): Repositories {
    const store = new SqliteStore(':memory:');
    stores.push(store);
    return store.repos;
  }
  /** Records one candidate as the alert service does, and says whether it opened an alert or folded. */
  async function recordAlert(repos: Repositories, candidate: AlertCandidate, at: number): Promise<RecordedAlert> {
    let recorded: RecordedAlert | undefined;
    await repos.alerts.record([candidate], at, (r) => { recorded = r; });
    return recorded!;
  }

  it('one person copying 5,000 files is one alert with a count and first/last times', async () => {
    const handle = db();
    const engine = new RuleEngine(policyFrom(bulkUsb));
    for (let i = 0; i < 5_000; i += 1) {
      for (const candidate of engine.evaluate(engineEvent('file_copy', usbCopy(i), tue10 + i * 100))) await recordAlert(handle, candidate, tue10 + i * 100);
    }
    const alerts = await handle.alerts.list({ limit: 10 });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ ruleId: 'bulk_usb_copy', count: 5_000, firstMs: tue10, lastMs: tue10 + 4_999 * 100, status: 'new', color: '#f57c00' });
  });

  it('folds the same rule + PC + user within the window; a different user, a later time or a resolved alert opens a new one', async () => {
    const handle = db();
    const engine = new RuleEngine(policyFrom(`
alerts:
  fold_window: 30m
  rules:
    - { id: blocked, name: Blocked, severity: low, match: { kind: device, fields: { action: BLOCKED } } }
`));
    const record = (at: number, user = 'tanaka') => Promise.all(engine.evaluate(engineEvent('device', { action: 'BLOCKED', device: {} }, at, { user }))
      .map((c) => recordAlert(handle, c, at)));
    expect((await record(tue10))[0]!.created).toBe(true);
    expect((await record(tue10 + 20 * 60_000))[0]!.created).toBe(false); // 20 min later: folds
    expect((await record(tue10 + 45 * 60_000))[0]!.created).toBe(false); // 25 min after the last: still folds
    expect((await record(tue10 + 45 * 60_000, 'sato'))[0]!.created).toBe(true); // other user
    expect((await record(tue10 + 120 * 60_000))[0]!.created).toBe(true); // 75 min after the last: new alert
    const first = (await handle.alerts.list({ limit: 10, user: 'tanaka' })).at(-1)!;
    expect(first).toMatchObject({ count: 3, firstMs: tue10, lastMs: tue10 + 45 * 60_000 });
    for (const open of await handle.alerts.list({ limit: 10 })) await handle.alerts.resolve(open.id, 'true_positive', 'admin', tue10 + 120 * 60_000);
    expect((await record(tue10 + 121 * 60_000))[0]!.created).toBe(true);
  });

  it('raises a folded alert to the highest severity seen, with that severity colour', async () => {
    const handle = db();
    const engine = new RuleEngine(policyFrom(`
alerts:
  watch_lists: { departing: { users: [tanaka], pcs: [], raise: 2 } }
  rules:
    - { id: blocked, name: Blocked, severity: low, match: { kind: device, fields: { action: BLOCKED } } }
`));
    const base = engine.evaluate(engineEvent('device', { action: 'BLOCKED' }, tue10))[0]!;
    await recordAlert(handle, { ...base, severity: 'low', color: '#1976d2' }, tue10);
    const { alert } = await recordAlert(handle, base, tue10 + 1000);
    expect(alert).toMatchObject({ severity: 'high', color: '#f57c00', count: 2 });
  });
});
