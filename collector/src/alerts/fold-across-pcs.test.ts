import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { mergeCandidates } from './alert-service.ts';
import { RuleEngine } from './rule-engine.ts';
import { engineEvent, policyFrom } from './test-support.ts';

// A Tuesday in Tokyo, working hours.
const tue10 = Date.parse('2026-03-03T10:00:00+09:00');
const rules = `
alerts:
  rules:
    - { id: pages_day, name: Many pages, severity: medium, match: { kind: print_job }, threshold: { more_than: 300, window: 1d, sum: pages, per: [user] } }
    - { id: usb_burst, name: USB burst, severity: high, match: { kind: file_copy }, threshold: { more_than: 2, window: 1h, per: [pc, user] } }
`;

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** Evaluates events one batch at a time, as the projector hands them on, and records what they raise. */
async function raise(events: ReturnType<typeof engineEvent>[][]) {
  const engine = new RuleEngine(policyFrom(rules));
  const store = new SqliteStore(':memory:');
  stores.push(store);
  for (const batch of events) {
    await store.repos.alerts.record(mergeCandidates(batch.flatMap((event) => engine.evaluate(event))), tue10);
  }
  return store.repos.alerts.list({ limit: 10 });
}

// Why the e2e "one burst through both collectors folds into one alert" could fail: the alert's fold key held the
// PC of the event that raised the candidate, so once a per-user window was over the threshold, the next event from
// the person's other PC opened a second alert. Whether that happened depended on how the two PCs' batches
// interleaved in projection order.
describe('folding follows the threshold\'s per', () => {
  it('one person printing on two PCs, batches interleaved: one alert counting every job of the window', async () => {
    const job = (i: number) => engineEvent('print_job', { pages: 10 }, tue10 + i * 60_000, { pc: i % 2 ? 'PC-B' : 'PC-A' });
    // 40 jobs of 10 pages in batches of 4 from alternating PCs: the 31st crosses 300, nine more follow from both PCs.
    const batches = Array.from({ length: 10 }, (_, b) => Array.from({ length: 4 }, (_, i) => job(b * 4 + i)));
    const alerts = await raise(batches);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ ruleId: 'pages_day', user: 'tanaka', count: 40, title: 'Many pages: 400 pages in 1d' });
  });

  it('the later half of a burst evaluated first (the other collector\'s half projected after it) still crosses: one alert', async () => {
    // What the e2e met: B's own agent's jobs (later times) were projected at once, A's (earlier) after B's 500 ms poll.
    const job = (i: number, pc: string) => engineEvent('print_job', { pages: 10 }, tue10 + i * 1_000, { pc });
    const later = Array.from({ length: 20 }, (_, i) => job(20 + i, 'PC-B'));
    const earlier = Array.from({ length: 20 }, (_, i) => job(i, 'PC-A'));
    const alerts = await raise([later, earlier.slice(0, 10), earlier.slice(10)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ ruleId: 'pages_day', count: 40, title: 'Many pages: 400 pages in 1d' });
  });

  it('a window counted per PC and user still folds per PC: the same person on two PCs makes two alerts', async () => {
    const copy = (i: number, pc: string) => engineEvent('file_copy', { destinationKind: 'removable', destinationPath: `/media/S/${i}` }, tue10 + i * 1_000, { pc });
    const alerts = await raise([[0, 1, 2, 3].map((i) => copy(i, 'PC-A')), [4, 5, 6, 7].map((i) => copy(i, 'PC-B'))]);
    expect(alerts.map((a) => [a.pc, a.count]).sort()).toEqual([['PC-A', 4], ['PC-B', 4]]);
  });
});
