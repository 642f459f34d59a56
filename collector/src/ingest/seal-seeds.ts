import type { SealSeed__Output } from '@mamori/proto';
import { CollectorError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { AgentRecord, IntegrityFinding, SealSeedRecord } from '../store/types.ts';

/**
 * Takes a seal chain an authenticated agent announced in its Hello. The agent's first chain (one enrolled
 * before sealing) just starts sealing; a new chain when the collector already holds one means the agent lost its
 * seal state — deleted or corrupted by someone, or a disk restored — and is a `seal_reset` finding: whoever could
 * read the new seed before this moment could forge that chain's seals. The same chain sent again (the Welcome
 * that acknowledged it was lost) changes nothing.
 */
export async function acceptSealSeed(
  agent: AgentRecord, announced: SealSeed__Output, store: Store, nowMs: number,
): Promise<{ seeds: SealSeedRecord[]; finding?: Omit<IntegrityFinding, 'agentId' | 'pc' | 'timeMs'> }> {
  if (announced.seed.length !== 32 || announced.chain === 0 || !Number.isSafeInteger(announced.fromSeq) || announced.fromSeq < 1) {
    throw new CollectorError('COLLECTOR_SEAL_SEED_INVALID', 'a seal seed is 32 bytes with a non-zero chain id and a first seq ≥ 1');
  }
  const known = await store.sealSeeds(agent.id);
  const same = known.find((s) => s.chain === announced.chain);
  if (same) {
    if (!same.seed.equals(announced.seed)) throw new CollectorError('COLLECTOR_SEAL_SEED_INVALID', `chain ${announced.chain} already has another seed`);
    return { seeds: known };
  }
  const reason = announced.reason.slice(0, 200);
  // A chain started on a journal behind the collector (journal deleted or rolled back with its seal state) seals
  // only what comes after the collector's head: the agent re-journals its rows there (JOURNAL_RESET). Stored as
  // such, the older chain cannot cover seqs past the head, and the new one no seq the collector already holds.
  const fromSeq = Math.max(announced.fromSeq, agent.lastSeq + 1);
  await store.addSealSeed(agent.id, { chain: announced.chain, seed: announced.seed, fromSeq, reason, receivedMs: nowMs });
  const seeds = await store.sealSeeds(agent.id);
  if (known.length === 0) return { seeds };
  return {
    seeds,
    finding: {
      kind: 'seal_reset',
      detail: `agent started seal chain ${announced.chain} from seq ${fromSeq} (${reason || 'no reason given'}); events it seals were exposed to whoever could read its seal state before the collector received the seed`,
    },
  };
}
