import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { hashPassword } from '../../auth/passwords.ts';
import { CollectorHub } from '../../hub.ts';
import { SessionRegistry } from '../../ingest/sessions.ts';
import { PolicyService } from '../../policy-service.ts';
import { RiskService } from '../../risk/risk-service.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { storeEvents } from '../../store/sqlite/test-support.ts';
import { buildHttpServer } from '../server.ts';
import { riskRanking } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

const password = 'correct horse battery staple';
// Monday 2026-03-02 10:00 JST, and the days before it.
const monday = Date.parse('2026-03-02T10:00:00+09:00');
const dayMs = 86_400_000;

function upload(seq: number, timeMs: number, sizeBytes: number): Event {
  return {
    seq, timeMs, agentId: 'agent-1', pc: 'PC-SALES-01', user: 'tanaka',
    upload: { pageUrl: 'https://www.dropbox.com/', destinationHost: 'www.dropbox.com', fileName: 'list.xlsx', sizeBytes, method: 'input', category: 'personal_cloud', browser: 'chrome' },
  };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function server() {
  const store = new SqliteStore(':memory:');
  const hashed = await hashPassword(password);
  for (const role of ['admin', 'operator', 'auditor'] as const) await store.putUser({ username: role, passwordHash: hashed, role, createdMs: 0 });
  await store.createAgent({ id: 'agent-1', pc: 'PC-SALES-01', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
  const policy = loadPolicyDir(defaultPolicyDir);
  policy.risk.privacy.pseudonymise = true;
  const repos = store.repos;
  const now = () => monday + 2 * 3_600_000;
  const risk = new RiskService({ repos, policy: { current: policy, onChange: () => () => undefined }, now });
  await risk.start();
  // Ten working days of small uploads, then a big one on Monday.
  const events = Array.from({ length: 10 }, (_, i) => upload(i + 1, monday - (14 - i) * dayMs, 300_000));
  events.push(upload(11, monday, 200_000_000));
  await storeEvents(store, 'agent-1', events);
  await risk.recomputeAll();
  const policyService = new PolicyService(store, new SessionRegistry(), now);
  await policyService.load();
  const { app } = await buildHttpServer({ store, now, policy: policyService, hub: new CollectorHub(), repos, risk });
  await app.ready();
  close = async () => {
    await risk.stop();
    await app.close();
    await store.close();
  };
  const as = async (role: 'admin' | 'operator' | 'auditor') => {
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username: role, password } });
    const cookie = res.cookies.find((c) => c.name === 'mamori_session')!;
    return { cookie: `mamori_session=${cookie.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
  };
  return { app, store, risk, as };
}

describe('risk routes', () => {
  it('show operators a pseudonym until an auditor reveals the person with a reason (audited); operators cannot reveal', async () => {
    const { app, store, as } = await server();
    const operator = await as('operator');
    const ranking = expectContract(riskRanking, (await app.inject({ url: '/api/risk/ranking?day=2026-03-02', headers: operator })).json());
    expect(ranking.entries).toHaveLength(1);
    const shown = ranking.entries[0]!;
    expect(shown).toMatchObject({ pseudonymous: true });
    expect(shown.person).toMatch(/^P-[0-9a-f]{10}$/);
    expect(JSON.stringify(ranking)).not.toContain('tanaka');

    expect((await app.inject({ method: 'POST', url: '/api/risk/reveal', headers: operator, payload: { person: shown.person, reason: 'investigation 42' } })).statusCode).toBe(403);
    const auditor = await as('auditor');
    expect((await app.inject({ method: 'POST', url: '/api/risk/reveal', headers: auditor, payload: { person: shown.person, reason: '' } })).statusCode).toBe(400);
    const revealed = await app.inject({ method: 'POST', url: '/api/risk/reveal', headers: auditor, payload: { person: shown.person, reason: 'investigation 42' } });
    expect(revealed.json()).toEqual({ person: 'tanaka' });
    const audit = await store.listAudit(10);
    expect(audit.find((entry) => entry.action === 'risk.reveal')).toMatchObject({ actor: 'auditor', entry: { person: 'tanaka', reason: 'investigation 42' } });

    const after = (await app.inject({ url: '/api/risk/ranking?day=2026-03-02', headers: operator })).json() as { entries: { person: string; pseudonymous: boolean }[] };
    expect(after.entries[0]).toMatchObject({ person: 'tanaka', pseudonymous: false });
  });

  it('explain a person day by day, with the events behind each indicator', async () => {
    const { app, as } = await server();
    const auditor = await as('auditor');
    const ranking = (await app.inject({ url: '/api/risk/ranking?day=2026-03-02', headers: auditor })).json() as { entries: { person: string }[] };
    const person = (await app.inject({ url: `/api/risk/people/${ranking.entries[0]!.person}?day=2026-03-02&days=30`, headers: auditor })).json() as {
      days: { date: string; contributions: { indicator: string; events: { agentId: string; seq: number; pc: string }[] }[] }[];
    };
    const monday = person.days.find((d) => d.date === '2026-03-02')!;
    const baseline = monday.contributions.find((c) => c.indicator === 'baseline.cloud_upload')!;
    expect(baseline.events).toEqual([expect.objectContaining({ agentId: 'agent-1', seq: 11, pc: 'PC-SALES-01' })]);
    expect((await app.inject({ url: '/api/risk/people/P-0000000000', headers: auditor })).statusCode).toBe(404);
    const pc = (await app.inject({ url: '/api/risk/pcs/PC-SALES-01?day=2026-03-02', headers: auditor })).json() as { days: { date: string; score: number }[] };
    expect(pc.days.at(-1)).toMatchObject({ date: '2026-03-02' });
  });

  it('take the HR list of departing people from admins only, refuse a bad file whole, and raise the person’s score', async () => {
    const { app, as } = await server();
    const admin = await as('admin');
    const before = ((await app.inject({ url: '/api/risk/ranking?day=2026-03-02', headers: admin })).json() as { entries: { score: number }[] }).entries[0]!.score;
    const bad = await app.inject({ method: 'POST', url: '/api/risk/departing', headers: admin, payload: { csv: 'user,notice_date,last_day\ntanaka,2026-02-01,2026-03-10\nsato,2026-13-01,x\n' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ problems: [{ line: 3 }] });
    expect((await app.inject({ method: 'POST', url: '/api/risk/departing', headers: await as('auditor'), payload: { csv: 'user,notice_date,last_day\n' } })).statusCode).toBe(403);
    const good = await app.inject({ method: 'POST', url: '/api/risk/departing', headers: admin, payload: { csv: 'User,Notice_Date,Last_Day\ntanaka,2026-02-01,2026-03-10\n' } });
    expect(good.json()).toEqual({ imported: 1 });
    const after = ((await app.inject({ url: '/api/risk/ranking?day=2026-03-02', headers: admin })).json() as { entries: { score: number }[] }).entries[0]!.score;
    expect(after).toBeGreaterThan(before * 2);
  });

  it('let an operator mark an indicator as expected for a person until a day (audited), and rescore without it', async () => {
    const { app, store, as } = await server();
    const operator = await as('operator');
    const shown = ((await app.inject({ url: '/api/risk/ranking?day=2026-03-02', headers: operator })).json() as { entries: { person: string; score: number }[] }).entries[0]!;
    const bad = await app.inject({ method: 'POST', url: '/api/risk/suppressions', headers: operator, payload: { person: shown.person, indicator: 'Baseline!', until: '2026-03-31', reason: 'quarterly backup' } });
    expect(bad.statusCode).toBe(400);
    const ok = await app.inject({ method: 'POST', url: '/api/risk/suppressions', headers: operator, payload: { person: shown.person, indicator: 'baseline', until: '2026-03-31', reason: 'quarterly backup to the team share' } });
    expect(ok.json()).toEqual({ suppressed: true });
    const person = (await app.inject({ url: `/api/risk/people/${shown.person}?day=2026-03-02`, headers: operator })).json() as { days: { date: string; contributions: { indicator: string }[] }[] };
    const indicators = person.days.flatMap((d) => d.contributions.map((c) => c.indicator));
    expect(indicators).not.toContain('baseline.cloud_upload');
    expect(indicators).toContain('vector.cloud_upload');
    const after = ((await app.inject({ url: '/api/risk/ranking?day=2026-03-02', headers: operator })).json() as { entries: { score: number }[] }).entries[0]!.score;
    expect(after).toBeLessThan(shown.score);
    expect((await store.listAudit(10)).find((e) => e.action === 'risk.suppress')).toMatchObject({ actor: 'operator', entry: { person: 'tanaka', indicator: 'baseline' } });
  });
});
