import { afterEach, describe, expect, it } from 'vitest';
import { CollectorHub } from '../hub.ts';
import type { IntegrityFinding } from '../store/types.ts';
import { StreamAuthFailures, peerHost } from './stream-auth-failures.ts';

const open: StreamAuthFailures[] = [];
afterEach(() => {
  for (const failures of open.splice(0)) failures.close();
});

describe('StreamAuthFailures', () => {
  it('reads the address out of grpc-js peer strings', () => {
    expect(['127.0.0.1:51234', 'ipv4:10.0.0.5:443', '[::1]:51234', 'ipv6:[fe80::1]:7443', 'unix:/run/x'].map(peerHost))
      .toEqual(['127.0.0.1', '10.0.0.5', '::1', 'fe80::1', 'unix:/run/x']);
  });

  it('records the first failure at once and then one finding with a count per minute, per claimed agent and per stranger address', async () => {
    const recorded: IntegrityFinding[] = [];
    const emitted: IntegrityFinding[] = [];
    const hub = new CollectorHub();
    hub.on('integrity', (f) => emitted.push(f));
    const mono = { now: 0 };
    const failures = new StreamAuthFailures({
      store: { recordIntegrityFinding: async (f) => { recorded.push(f); } }, hub, now: () => 1_000 + mono.now, monotonicNow: () => mono.now,
    });
    open.push(failures);
    const agent = { id: 'agent-1', pc: 'PC-ACCT-07' };
    for (let second = 0; second < 150; second += 1) {
      failures.badProof(agent, `10.0.0.${second % 3}:5000`);
      failures.unknownAgent(`random-${second}`, undefined, '10.0.0.66:4000');
      mono.now += 1_000;
    }
    failures.close();
    await new Promise((resolve) => setImmediate(resolve));
    const counts = (kind: string) => recorded.filter((f) => f.kind === kind).map((f) => f.count);
    // 150 failures of each kind in 150 s: the first, a summary per minute, and the rest at close.
    expect(counts('stream_auth_failed')).toEqual([1, 59, 60, 30]);
    expect(counts('stream_unknown_agent')).toEqual([1, 59, 60, 30]);
    expect(recorded.slice(0, 2).map((f) => [f.kind, f.agentId, f.pc, f.detail])).toEqual([
      ['stream_auth_failed', 'agent-1', 'PC-ACCT-07', "stream from 10.0.0.0: could not prove the agent's key"],
      ['stream_unknown_agent', 'random-0', '', 'stream from 10.0.0.66: agent id "random-0" is not enrolled here (or retired)'],
    ]);
    expect(emitted).toEqual(recorded);
  });
});
