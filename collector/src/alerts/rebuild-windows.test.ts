import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { CollectorHub } from '../hub.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import type { MailTransport } from '../notify/mail-transport.ts';
import { PolicyService } from '../policy-service.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { AlertService } from './alert-service.ts';

const t0 = Date.parse('2026-03-03T10:00:00+09:00'); // a Tuesday, working hours
const transport: MailTransport = { send: async () => ({ response: '250 OK' }), close: () => undefined };

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/**
 * One store and hub, and evaluators that come and go on it as collectors do: the shipped policy's large_print_day
 * counts more than 300 pages per user and day. Each print here is 10 pages (under large_print's 50 a job).
 */
async function setup() {
  const store = new SqliteStore(':memory:');
  const now = () => t0 + 3_600_000;
  const hub = new CollectorHub(); // nothing is emitted on it: print() hands events to one evaluator
  const policy = new PolicyService(store, new SessionRegistry(), now);
  await policy.load();
  await store.createAgent({ id: 'agent-1', pc: 'PC-A', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: t0, previousAgentId: null });
  open.push(() => store.close());
  const evaluator = async () => {
    const service = new AlertService({ repos: store.repos, store, hub, policy, transport, from: 'mamori@corp.example', now, onError: (e) => { throw e; } });
    await service.start('https://mamori.corp.example');
    open.push(() => service.stop());
    return service;
  };
  let seq = 0;
  /** Stores and projects `jobs` prints, evaluated by `by` (none: a leader that died before its alerts were stored). */
  const print = async (jobs: number, by: AlertService | undefined) => {
    const events = Array.from({ length: jobs }, (): Event & { seq: number } => ({
      seq: ++seq, agentId: 'agent-1', pc: 'PC-A', timeMs: t0 + seq * 1_000, user: 'tanaka', printJob: { documentName: `d${seq}.pdf`, printer: 'P1', pages: 10 },
    }));
    await store.appendBatch({
      agentId: 'agent-1', firstSeq: events[0]!.seq, lastSeq: events.at(-1)!.seq, prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32), signature: Buffer.alloc(64),
      events: events.map((event) => {
        const bytes = encodeEvent(event);
        return { seq: event.seq, bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
      }),
    }, t0);
    const pass = await store.projectPending(Number.MAX_SAFE_INTEGER);
    // As the hub would hand them on, awaiting the recording.
    await by?.handleEvents(pass.events);
  };
  const alerts = async () => (await store.repos.alerts.list({ limit: 10 })).filter((a) => a.ruleId === 'large_print_day').map((a) => ({ count: a.count, title: a.title }));
  return { evaluator, print, alerts };
}

describe('alert windows rebuilt from the stored events', () => {
  it('a new evaluator (the next leader, a restart) goes on with the day\'s count: 20 jobs before, 11 after → one alert of 31', async () => {
    const { evaluator, print, alerts } = await setup();
    const first = await evaluator();
    await print(20, first);
    await first.stop();
    const next = await evaluator();
    expect(await next.rebuildWindows()).toEqual({ events: 20 });
    await print(11, next);
    expect(await alerts()).toEqual([{ count: 31, title: 'Many pages printed in a day: 310 pages in 1d' }]);
  });

  it('without the rebuild the window starts empty and the same 11 jobs raise nothing (what a fail-over did before)', async () => {
    const { evaluator, print, alerts } = await setup();
    const first = await evaluator();
    await print(20, first);
    await first.stop();
    await print(11, await evaluator());
    expect(await alerts()).toEqual([]);
  });

  it('events already counted into an alert are not counted again: the next job adds one to the same alert', async () => {
    const { evaluator, print, alerts } = await setup();
    const first = await evaluator();
    await print(31, first);
    expect(await alerts()).toEqual([{ count: 31, title: 'Many pages printed in a day: 310 pages in 1d' }]);
    await first.stop();
    const next = await evaluator();
    await next.rebuildWindows();
    expect(await alerts()).toEqual([{ count: 31, title: 'Many pages printed in a day: 310 pages in 1d' }]);
    await print(1, next);
    expect(await alerts()).toEqual([{ count: 32, title: 'Many pages printed in a day: 320 pages in 1d' }]);
  });

  it('events projected but never evaluated (the leader died in between) raise their alert at the rebuild, once', async () => {
    const { evaluator, print, alerts } = await setup();
    const first = await evaluator();
    await print(25, first);
    await print(10, undefined);
    await first.stop();
    const next = await evaluator();
    await next.rebuildWindows();
    expect(await alerts()).toEqual([{ count: 35, title: 'Many pages printed in a day: 350 pages in 1d' }]);
    // A second rebuild (leadership lost and regained) finds them all reported.
    await next.rebuildWindows();
    expect(await alerts()).toEqual([{ count: 35, title: 'Many pages printed in a day: 350 pages in 1d' }]);
  });
});
