import { describe, expect, it } from 'vitest';
import { ConnectionFlagCoalescer, type ConnectionFlag } from './coalesce-connection-flags.ts';

/** A write the test lets finish when it says so, recording what each write carried. */
function controlledWrite() {
  const writes: ConnectionFlag[][] = [];
  const finish: ((error?: Error) => void)[] = [];
  const write = (flags: ConnectionFlag[]) => new Promise<void>((resolve, reject) => {
    writes.push(flags);
    finish.push((error) => (error ? reject(error) : resolve()));
  });
  return { writes, finish, write };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ConnectionFlagCoalescer (both stores\' connected flags)', () => {
  it('writes the flags of one turn together, a later call for the same agent replacing the earlier, in the order of the latest calls', async () => {
    const { writes, finish, write } = controlledWrite();
    const flags = new ConnectionFlagCoalescer(write);
    const settled: string[] = [];
    const calls = [
      flags.set('a', true, 1).then(() => settled.push('a1')),
      flags.set('b', true, 2).then(() => settled.push('b')),
      flags.set('a', false, 3).then(() => settled.push('a2')),
    ];
    expect(writes).toEqual([]); // not before the end of the turn
    await turn();
    expect(writes).toEqual([[{ agentId: 'b', connected: true, timeMs: 2 }, { agentId: 'a', connected: false, timeMs: 3 }]]);
    finish[0]!();
    await Promise.all(calls);
    expect(settled.sort()).toEqual(['a1', 'a2', 'b']);
  });

  it('keeps one write out at a time: calls made meanwhile go in the next, which follows at once', async () => {
    const { writes, finish, write } = controlledWrite();
    const flags = new ConnectionFlagCoalescer(write);
    const first = flags.set('a', true, 1);
    await turn();
    let secondDone = false;
    const second = flags.set('a', false, 2).then(() => { secondDone = true; });
    const third = flags.set('b', true, 3);
    await turn();
    expect(writes).toHaveLength(1); // the first is still out
    finish[0]!();
    await first;
    await turn();
    expect(writes[1]).toEqual([{ agentId: 'a', connected: false, timeMs: 2 }, { agentId: 'b', connected: true, timeMs: 3 }]);
    expect(secondDone).toBe(false);
    finish[1]!();
    await Promise.all([second, third]);
  });

  it('fails the calls a failed write carried, and goes on with the next', async () => {
    const { writes, finish, write } = controlledWrite();
    const flags = new ConnectionFlagCoalescer(write);
    const failed = Promise.allSettled([flags.set('a', true, 1), flags.set('b', true, 1)]);
    await turn();
    const later = flags.set('c', true, 2);
    finish[0]!(new Error('refused'));
    expect((await failed).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await turn();
    expect(writes[1]).toEqual([{ agentId: 'c', connected: true, timeMs: 2 }]);
    finish[1]!();
    await later;
  });

  it('settled() writes what is pending at once and resolves when every call so far is written', async () => {
    const written: ConnectionFlag[][] = [];
    const flags = new ConnectionFlagCoalescer((batch) => { written.push(batch); }); // synchronous, as SQLite's
    const call = flags.set('a', true, 1);
    const settled = flags.settled();
    expect(written).toEqual([[{ agentId: 'a', connected: true, timeMs: 1 }]]); // in this turn, not the next
    await settled;
    await call;
    await flags.settled(); // nothing pending: resolves
  });
});
