import { EventEmitter } from 'node:events';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentMessage, AgentServiceClient } from '@mamori/proto';
import { reconcileWithCollector } from '../core/journal-reset.ts';
import { Journal } from '../core/journal.ts';
import { Recorder } from '../core/recorder.ts';
import { Uplink } from './uplink.ts';

/**
 * Collectors sharing one database, as stand-ins: `stored` is the shared evidence (seq → times stored), each
 * collector welcomes with the shared head, stores batches that continue it and acknowledges them. `dies` makes
 * one break its stream after storing a given number of batches, the later ones lost in transit.
 */
function deployment(addresses: string[], offered: string[] = []) {
  const stored = new Map<number, number>();
  const head = () => Math.max(0, ...stored.keys());
  const dialled: string[] = [];
  const connects: string[] = [];
  const limits = new Map<string, number>();
  const down = new Set<string>();
  const dial = (address: string): AgentServiceClient => {
    dialled.push(address);
    return {
      Connect() {
        connects.push(address);
        const call = new EventEmitter() as EventEmitter & Record<string, unknown>;
        let batches = 0;
        let broken = false;
        const breakStream = (details: string) => {
          broken = true;
          setImmediate(() => call.emit('error', { code: 14, details }));
        };
        if (down.has(address)) breakStream(`${address}: connection refused`);
        call.write = (message: AgentMessage) => {
          if (broken) return true;
          if (message.hello) {
            setImmediate(() => call.emit('data', { welcome: { lastSeq: head(), lastHash: Buffer.alloc(32), serverTimeMs: 1, collectorAddresses: offered } }));
          }
          if (message.batch) {
            batches += 1;
            const limit = limits.get(address);
            if (limit !== undefined && batches > limit) {
              down.add(address);
              breakStream(`${address} died`);
              return true;
            }
            const first = Number(message.batch.firstSeq);
            const count = (message.batch.events ?? []).length;
            for (let seq = first; seq < first + count; seq += 1) stored.set(seq, (stored.get(seq) ?? 0) + 1);
            // The ack of the last batch a dying collector stores never leaves it.
            if (limit === undefined || batches < limit) setImmediate(() => call.emit('data', { ack: { lastSeq: first + count - 1 } }));
          }
          return true;
        };
        call.end = () => undefined;
        call.cancel = () => undefined;
        return call;
      },
      close: () => undefined,
    } as unknown as AgentServiceClient;
  };
  return {
    stored, dialled, connects, down, dial,
    /** The collector at `address` stores `batches` batches, then dies (SIGKILL: its last ack is lost, later batches too). */
    dies: (address: string, batches: number) => limits.set(address, batches),
  };
}

function agentOn(collectors: ConstructorParameters<typeof Uplink>[0]['collectors']) {
  const journal = new Journal(join(mkdtempSync(join(tmpdir(), 'mamori-failover-')), 'j.db'), { maxBytes: 1e9 });
  const recorder = new Recorder(journal, { agentId: 'ag_1', pc: () => 'PC-1', user: () => 'u' });
  const uplink = new Uplink({
    agentId: 'ag_1', privateKey: generateKeyPairSync('ed25519').privateKey, collectors, journal, batchSize: 10, maxInFlight: 4,
    drainEventsPerSecond: 100_000, backoffInitialMs: 10, backoffMaxMs: 40, heartbeatMs: 60_000,
    onPolicy: () => undefined, heartbeat: () => ({ sensors: [], policyVersion: 0, user: '' }),
    reconcile: (head) => reconcileWithCollector(journal, recorder, head, 'test'),
  });
  recorder.onRecorded(uplink.notify);
  const controller = new AbortController();
  uplink.start(controller.signal);
  return { journal, recorder, uplink, stop: () => controller.abort() };
}

const waitUntil = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

describe('uplink with several collectors', () => {
  it('fails over when its collector dies mid-burst: every journaled event is stored once, none lost', async () => {
    const net = deployment(['a:1', 'b:1']);
    net.dies('a:1', 5);
    const { journal, recorder, uplink, stop } = agentOn({ addresses: ['a:1', 'b:1'], dial: net.dial });
    await waitUntil(() => uplink.status().connected);
    expect(uplink.status().collectorAddress).toBe('a:1');
    for (let i = 0; i < 200; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: String(i) } });
    expect(await uplink.drained(5_000)).toBe(true);
    expect(uplink.status().collectorAddress).toBe('b:1');
    expect([...net.stored.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: journal.lastSeq }, (_, i) => i + 1));
    expect([...net.stored.values()].every((times) => times === 1)).toBe(true);
    expect(net.connects).toEqual(['a:1', 'b:1']);
    stop();
  });

  it('skips a collector that is down at start and stays on the one that works', async () => {
    const net = deployment(['a:1', 'b:1', 'c:1']);
    net.down.add('a:1');
    const { recorder, uplink, stop } = agentOn({ addresses: ['a:1', 'b:1', 'c:1'], dial: net.dial });
    await waitUntil(() => uplink.status().connected);
    expect(uplink.status().collectorAddress).toBe('b:1');
    for (let i = 0; i < 30; i += 1) recorder.record({ lifecycle: { kind: 'STARTED', detail: String(i) } });
    expect(await uplink.drained(5_000)).toBe(true);
    expect(net.connects).toEqual(['a:1', 'b:1']);
    expect(net.dialled).toEqual(['a:1', 'b:1']); // one client per collector, made when first dialled
    stop();
  });

  it('learns the deployment\'s collectors from a welcome, the one it streams to first, and reports the new order', async () => {
    const net = deployment(['a:1'], ['b:1', 'a:1']);
    const saved: (readonly string[])[] = [];
    const { uplink, stop } = agentOn({ addresses: ['a:1'], dial: net.dial, onAddresses: (addresses) => saved.push(addresses) });
    await waitUntil(() => uplink.status().connected);
    expect(saved).toEqual([['a:1', 'b:1']]);
    expect(uplink.collectorAddresses()).toEqual(['a:1', 'b:1']);
    stop();
  });

  it('takes either one client or a choice of collectors, not both', () => {
    const net = deployment(['a:1']);
    expect(() => new Uplink({ client: net.dial('a:1'), collectors: { addresses: ['a:1'], dial: net.dial } } as unknown as ConstructorParameters<typeof Uplink>[0])).toThrow(/either/);
  });
});
