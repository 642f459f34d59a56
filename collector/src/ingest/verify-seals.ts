import { expandEpochRuns, missingCloses, type SealCloseRecord } from '@mamori/proto';
import type { Store } from '../store/store.ts';
import type { AcceptedBatch, AgentRecord, SealSeedRecord } from '../store/types.ts';
import type { BatchCrypto } from './batch-crypto-pool.ts';
import type { BatchSealInput } from './batch-crypto.mjs';
import { eventCount, type EventSpans } from './wire-batch.ts';

/** A batch's forward-secure seals as they arrive (absent or empty for an unsealed agent). */
export interface IncomingSeals {
  firstSeq: number;
  events: Buffer[];
  /** The events located in the received message, when it came off the wire (wire-batch.ts): `events` is then made on first use. */
  spans?: EventSpans;
  prevHash: Buffer;
  sealChain?: number;
  /** (epoch, count) pairs in seq order. */
  sealEpochRuns?: number[];
  seals?: Buffer;
  sealCloses?: SealCloseRecord[];
}

export type SealVerdict = { ok: true; seal?: AcceptedBatch['seal'] } | { ok: false; detail: string };

/** What the batch-check thread needs to check a batch's seals: its chain's seed and the seals; none if unsealed. */
export function sealCheckInput(seeds: readonly SealSeedRecord[], incoming: IncomingSeals): BatchSealInput | undefined {
  if (!incoming.sealChain) return undefined;
  const seed = seeds.find((s) => s.chain === incoming.sealChain);
  const epochs = expandEpochRuns(incoming.sealEpochRuns ?? [], eventCount(incoming));
  if (!seed || !epochs) return undefined;
  return { chain: seed.chain, seed: seed.seed, epochs, seals: incoming.seals ?? Buffer.alloc(0), closes: incoming.sealCloses ?? [] };
}

/**
 * The seal rules that need more than the batch itself (the batch-check thread did the rest, `crypto.seal`):
 * a sealed agent's events are all sealed from its first chain's start; a batch's chain is one the collector
 * holds and its events lie in that chain's seq range; and when the batch continues the stored chain, its first
 * event may claim a later epoch than the stored event before it only if the batch carries, for every epoch in
 * between, a close record pointing at that stored event (an epoch's key cannot re-seal an older event).
 */
export async function checkSeals(
  agent: AgentRecord, incoming: IncomingSeals, crypto: BatchCrypto, seeds: readonly SealSeedRecord[], store: Store,
  startsJournalReset = false,
): Promise<SealVerdict> {
  const firstSeq = incoming.firstSeq;
  const lastSeq = firstSeq + incoming.events.length - 1;
  const range = `batch ${firstSeq}..${lastSeq}`;
  const chain = incoming.sealChain ?? 0;
  const fail = (detail: string): SealVerdict => ({ ok: false, detail: `${range}: ${detail}` });
  if (seeds.length === 0) return chain === 0 ? { ok: true } : fail(`sealed with chain ${chain}, but no seal seed is held for this agent`);
  if (chain === 0) {
    const sealedFrom = Math.min(...seeds.map((s) => s.fromSeq));
    return lastSeq < sealedFrom ? { ok: true } : fail(`unsealed, but this agent seals every event from seq ${sealedFrom}`);
  }
  const seed = seeds.find((s) => s.chain === chain);
  if (!seed) return fail(`sealed with chain ${chain}, which this agent never started`);
  const next = Math.min(...seeds.filter((s) => s.fromSeq > seed.fromSeq).map((s) => s.fromSeq));
  if (firstSeq < seed.fromSeq || lastSeq >= next) return fail(`seal chain ${chain} covers seqs ${seed.fromSeq}..${Number.isFinite(next) ? next - 1 : ''} only`);
  const epochs = expandEpochRuns(incoming.sealEpochRuns ?? [], incoming.events.length);
  if (!epochs) return fail(`its seal epoch runs do not describe its ${incoming.events.length} events`);
  if (!crypto.seal) return fail('seals were not checked');
  if (!crypto.seal.ok) return fail(crypto.seal.detail);

  const closes = incoming.sealCloses ?? [];
  if (firstSeq === agent.lastSeq + 1 && incoming.prevHash.equals(agent.lastHash)) {
    const firstEpoch = crypto.seal.firstEpoch;
    const hasEventBefore = firstSeq - 1 >= seed.fromSeq;
    const previous = hasEventBefore ? await store.eventSeal(agent.id, firstSeq - 1) : undefined;
    // A segment the collector anchored (journal_reset / quarantine findings already report the boundary): the
    // closes that would bridge it died with the agent's journal, or point into refused events. Only an epoch
    // that goes backwards within one chain is still refused there.
    if (startsJournalReset) {
      return previous?.chain === chain && firstEpoch < previous.epoch
        ? fail(`seq ${firstSeq} claims epoch ${firstEpoch} after stored epoch ${previous.epoch}`)
        : { ok: true, seal: { chain, epochs, seals: incoming.seals!, closes } };
    }
    const refusal = continuationRefusal(previous, hasEventBefore, chain, firstSeq, firstEpoch, closes);
    // With no sealed event stored before it, a batch the strict rules refuse may still start a quarantine segment
    // (which accepts it, as above). Asked only then: every agent's first batch has no event before it, and asking
    // for each of them flooded the store with one query per agent when 1,000 agents connected at once.
    if (refusal !== undefined && !(previous === undefined && await startsQuarantineSegment(agent.id, firstSeq, store))) return fail(refusal);
  }
  return { ok: true, seal: { chain, epochs, seals: incoming.seals!, closes } };
}

/**
 * Why a batch that continues the stored chain may not claim its first epoch (undefined: it may): the sealed event
 * stored before it (if the chain has one there) fixes the epoch it starts from, and every epoch skipped from there
 * needs a close record pointing at that event.
 */
function continuationRefusal(
  previous: { chain: number; epoch: number } | undefined, hasEventBefore: boolean, chain: number, firstSeq: number, firstEpoch: number,
  closes: readonly SealCloseRecord[],
): string | undefined {
  let previousEpoch = 0;
  if (hasEventBefore) {
    if (previous?.chain !== chain) return `stored seq ${firstSeq - 1} is not sealed in chain ${chain}`;
    previousEpoch = previous.epoch;
  }
  if (firstEpoch < previousEpoch) return `seq ${firstSeq} claims epoch ${firstEpoch} after stored epoch ${previousEpoch}`;
  const missing = missingCloses(new Map(closes.map((c) => [c.epoch, c])), previousEpoch, firstEpoch, firstSeq - 1);
  if (missing !== undefined) return `seq ${firstSeq} claims epoch ${firstEpoch} but epoch ${missing} has no close record at seq ${firstSeq - 1}`;
  return undefined;
}

/** Whether the collector opened a quarantine segment at `seq` (the batch before it was refused and kept apart). */
async function startsQuarantineSegment(agentId: string, seq: number, store: Store): Promise<boolean> {
  // Asked only when no sealed event is stored just before `seq` (rare): a list of boundaries is cheap then.
  return (await store.listChainSegments(agentId)).some((s) => s.startSeq === seq && s.reason === 'quarantine');
}
