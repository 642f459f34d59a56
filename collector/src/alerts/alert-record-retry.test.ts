import { afterEach, describe, expect, it } from 'vitest';
import { CollectorHub } from '../hub.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import type { MailTransport } from '../notify/mail-transport.ts';
import { PolicyService } from '../policy-service.ts';
import type { Repositories } from '../store/repositories/index.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { AlertService } from './alert-service.ts';
import type { AlertCandidate } from './types.ts';

const t0 = Date.parse('2026-03-03T10:00:00+09:00');
const transport: MailTransport = { send: async () => ({ response: '250 OK' }), close() {} };
const candidate: AlertCandidate = {
  ruleId: 'large_print_day', ruleName: 'Large print day', kind: 'print_job', severity: 'high', color: '#d00', pc: 'PC-ACCT-07',
  user: 'tanaka', agentId: 'agent-1', title: 'tanaka printed 1,200 pages', firstMs: t0, lastMs: t0, count: 1, eventIds: [], foldWindowMs: 60_000,
};
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** An alert service whose alert writes fail with `failures` (in order) before reaching the real SQLite repository. */
async function serviceFailing(failures: Error[]) {
  const store = new SqliteStore(':memory:');
  const policy = new PolicyService(store, new SessionRegistry(), () => t0);
  await policy.load();
  let attempts = 0;
  const alerts: Repositories['alerts'] = Object.create(store.repos.alerts) as Repositories['alerts'];
  alerts.record = async (...args) => {
    attempts += 1;
    const failure = failures.shift();
    if (failure) throw failure;
    return store.repos.alerts.record(...args);
  };
  const errors: unknown[] = [];
  const service = new AlertService({
    repos: { ...store.repos, alerts }, store, hub: new CollectorHub(), policy, transport, from: 'mamori@corp.example', now: () => t0,
    recordRetryDelaysMs: [1, 1, 1], onError: (error) => errors.push(error),
  });
  stops.push(async () => { await service.stop(); await store.close(); });
  return { service, store, errors, attempts: () => attempts };
}

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe('alert writes on a store error', () => {
  it('try a transient failure (a lock held for a moment) again, so the alert is stored once and nothing is reported', async () => {
    const { service, store, errors, attempts } = await serviceFailing([busy(), busy()]);
    await service.raise([candidate]);
    expect(attempts()).toBe(3);
    expect(errors).toEqual([]);
    expect((await store.repos.alerts.list({ limit: 10 })).map((a) => [a.ruleId, a.count])).toEqual([['large_print_day', 1]]);
  });

  it('give up after the last delay and report the error, and never retry an error that is not transient', async () => {
    const lasting = await serviceFailing([busy(), busy(), busy(), busy()]);
    await lasting.service.raise([candidate]);
    expect(lasting.attempts()).toBe(4);
    expect(lasting.errors).toHaveLength(1);
    const broken = await serviceFailing([new Error('no such column: colour')]);
    await broken.service.raise([candidate]);
    expect(broken.attempts()).toBe(1);
    expect(broken.errors.map((e) => (e as Error).message)).toEqual(['no such column: colour']);
  });
});
