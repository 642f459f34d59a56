// The daily risk digest with two collectors on one PostgreSQL (issue 14): both reach the digest time, both compose
// the day's mails, and the day is queued once — whoever claims the day's row in the shared database first queues its
// mails in the shared outbox; the other queues nothing. A real PostgreSQL 15 (Debian); no mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { ensurePostgres, startPostgres, type PostgresServer } from '../../../test/harness/postgres.ts';
import { PostgresCollectorStore } from '../store/open-store.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { dayNumber } from './days.ts';
import { RiskDigest } from './digest.ts';

const available = ensurePostgres();
const at = (local: string) => Date.parse(`${local}+09:00`);

describe.skipIf(!available)('risk digest on PostgreSQL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('two collectors on one database queue one digest per day between them, in the shared outbox', async () => {
    const url = await server.createDatabase('risk_digest_once');
    // Each collector with its own pool and its own data dir file, as two nodes of one deployment.
    const open = async () => new PostgresCollectorStore(await PostgresStore.connect({ url }));
    const [a, b] = [await open(), await open()];
    const policy = loadPolicyDir(defaultPolicyDir);
    policy.risk.enabled = true;
    policy.risk.digest.enabled = true;
    const clock = { now: at('2026-10-17T08:30:00') };
    const digestOf = (store: PostgresCollectorStore) => new RiskDigest({
      repos: store.repos, policy: () => policy, decayPerDay: () => 0.9, from: 'mamori@example.co.jp', publicUrl: () => 'https://mamori.example.co.jp/', now: () => clock.now,
    });
    try {
      // Subscribed through A, scored once (the scorer's rows are shared too): kimura rose on the 16th.
      await a.repos.riskDigest.subscribe({ email: 'bucho@example.co.jp', department: '', createdBy: 'alice', createdMs: 0 });
      await a.repos.riskDigest.subscribe({ email: 'eigyo@example.co.jp', department: '営業部', createdBy: 'alice', createdMs: 0 });
      expect((await b.repos.riskDigest.list()).map((s) => s.email)).toEqual(['bucho@example.co.jp', 'eigyo@example.co.jp']);
      const day16 = dayNumber('2026-10-16');
      await a.repos.risk.saveIncrement({
        observations: [], pcs: [], cursor: 0,
        persons: [{ subject: 'kimura', day: day16, department: '営業部', raw: 40, score: 40, contributions: [{ indicator: 'vector.cloud_upload', points: 40, detail: '1 upload, 300 MB', events: [], eventCount: 1 }] }],
      });

      const results = await Promise.all([digestOf(a).runDue(), digestOf(b).runDue()]);
      expect(results.filter((r) => r !== undefined)).toEqual([{ date: '2026-10-17', mails: 2 }]);
      const outbox = await a.repos.notify.all();
      expect(outbox.map((m) => [m.kind, m.recipient]).sort()).toEqual([['digest', 'bucho@example.co.jp'], ['digest', 'eigyo@example.co.jp']]);
      expect(outbox.every((m) => m.subject.includes('2026-10-16'))).toBe(true);

      // Later the same day (a restart, a third check): nothing more from either.
      clock.now = at('2026-10-17T15:00:00');
      expect(await Promise.all([digestOf(b).runDue(), digestOf(a).runDue()])).toEqual([undefined, undefined]);
      expect(await b.repos.notify.all()).toHaveLength(2);
      // The next day's digest is one period more, again once.
      clock.now = at('2026-10-18T09:00:00');
      await a.repos.risk.saveIncrement({
        observations: [], pcs: [], cursor: 0,
        persons: [{ subject: 'kimura', day: day16 + 1, department: '営業部', raw: 20, score: 56, contributions: [{ indicator: 'vector.cloud_upload', points: 20, detail: '1 upload, 50 MB', events: [], eventCount: 1 }] }],
      });
      const next = await Promise.all([digestOf(b).runDue(), digestOf(a).runDue()]);
      expect(next.filter((r) => r !== undefined)).toEqual([{ date: '2026-10-18', mails: 2 }]);
      expect(await a.repos.notify.all()).toHaveLength(4);
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});
