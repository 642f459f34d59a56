import { decodeEvent } from '@mamori/proto';
import { CollectorError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { AcceptedBatch, AgentRecord, IntegrityFinding, SealSeedRecord } from '../store/types.ts';
import type { BatchCrypto } from './batch-crypto-pool.ts';
import { journalResetsIn, type JournalResetNotice } from './journal-reset.ts';
import { checkSeals, type IncomingSeals } from './verify-seals.ts';
import { eventCount } from './wire-batch.ts';

export interface IncomingBatch extends IncomingSeals {
  firstSeq: number;
  events: Buffer[];
  prevHash: Buffer;
  lastHash: Buffer;
  signature: Buffer;
}

export interface BatchLimits {
  maxEvents: number;
  maxEventBytes: number;
}

export type BatchVerdict =
  /** Store these events (some may already be stored: the store skips them); findings are recorded too. */
  | { action: 'store'; batch: AcceptedBatch; findings: Omit<IntegrityFinding, 'agentId' | 'pc' | 'timeMs'>[]; resets: JournalResetNotice[] }
  /** Everything in it is already stored with the same hashes: acknowledge, store nothing. */
  | { action: 'duplicate'; lastSeq: number }
  /**
   * Refuse it; nothing is stored as genuine. A refusal that points at tampering carries a finding: the stream
   * then quarantines the batch's bytes and tells the agent where to go on (see agent-stream.ts); one without a
   * finding (shape, size) is a protocol error that ends the stream.
   */
  | { action: 'reject'; error: CollectorError; finding?: Omit<IntegrityFinding, 'agentId' | 'pc' | 'timeMs'> };

/** The checks that need nothing but the batch itself (size, numbering, hash lengths); undefined when it passes. */
export function checkBatchShape(incoming: IncomingBatch, limits: BatchLimits): CollectorError | undefined {
  const count = eventCount(incoming);
  if (count === 0) return new CollectorError('COLLECTOR_BATCH_MALFORMED', 'empty batch');
  if (count > limits.maxEvents) return new CollectorError('COLLECTOR_BATCH_TOO_LARGE', `${count} events, limit ${limits.maxEvents}`);
  if (!Number.isSafeInteger(incoming.firstSeq) || incoming.firstSeq < 1) return new CollectorError('COLLECTOR_BATCH_MALFORMED', 'first_seq must be ≥ 1');
  if (incoming.prevHash.length !== 32 || incoming.lastHash.length !== 32) return new CollectorError('COLLECTOR_BATCH_MALFORMED', 'hashes must be 32 bytes');
  const { spans } = incoming;
  let oversized = -1;
  for (let i = 0; i < count && oversized < 0; i += 1) {
    if ((spans ? spans.length(i) : incoming.events[i]!.length) > limits.maxEventBytes) oversized = i;
  }
  if (oversized >= 0) return new CollectorError('COLLECTOR_BATCH_TOO_LARGE', `event ${incoming.firstSeq + oversized} exceeds ${limits.maxEventBytes} bytes`);
  return undefined;
}

/**
 * Decides what to do with one batch from an authenticated agent: shape, signature (with that agent's key) and
 * chain (events → signed last hash) from `crypto` — computed by a BatchCryptoPool, possibly while the previous
 * batch was being stored — then the event envelopes (seq and agent inside the signed bytes), then continuity
 * with what is already stored (replays, forks, gaps, breaks), and the forward-secure seals against the agent's seal
 * chains `seeds` (verify-seals.ts). Pure apart from reading the store.
 */
export async function verifyBatch(
  agent: AgentRecord, incoming: IncomingBatch, store: Store, limits: BatchLimits, crypto: () => Promise<BatchCrypto>,
  seeds: readonly SealSeedRecord[] = [],
): Promise<BatchVerdict> {
  const malformed = checkBatchShape(incoming, limits);
  if (malformed) return { action: 'reject', error: malformed };
  const count = incoming.events.length;
  const lastSeq = incoming.firstSeq + count - 1;
  const checked = await crypto();
  const { signed, hashes, envelopes, malformed: unreadable } = checked;
  if (!signed) {
    return reject('COLLECTOR_BAD_SIGNATURE', `batch ${incoming.firstSeq}..${lastSeq}`, {
      kind: 'signature_invalid', detail: `batch ${incoming.firstSeq}..${lastSeq} is not signed by this agent's key`,
    });
  }

  if (!hashes.at(-1)!.equals(incoming.lastHash)) {
    return reject('COLLECTOR_CHAIN_MISMATCH', `batch ${incoming.firstSeq}..${lastSeq}`, {
      kind: 'chain_mismatch', detail: `events of batch ${incoming.firstSeq}..${lastSeq} do not hash to the signed chain head`,
    });
  }

  const events: AcceptedBatch['events'] = [];
  for (let i = 0; i < count; i += 1) {
    const seq = incoming.firstSeq + i;
    const envelope = envelopes?.[i];
    if (!envelope) {
      const at = incoming.firstSeq + (unreadable?.index ?? i);
      return reject('COLLECTOR_BATCH_MALFORMED', `event ${at} does not decode: ${unreadable?.message ?? 'no envelope'}`, {
        kind: 'malformed_signed_event', detail: `signed event ${at} is not a valid mamori.v1.Event`,
      });
    }
    if (envelope.seq !== seq || envelope.agentId !== agent.id) {
      return reject('COLLECTOR_BATCH_MALFORMED', `event at position ${i} says seq ${envelope.seq} of agent ${envelope.agentId}`, {
        kind: 'envelope_mismatch', detail: `signed event ${seq} carries seq ${envelope.seq} / agent ${envelope.agentId}`,
      });
    }
    events.push({ seq, bytes: incoming.events[i]!, hash: hashes[i]!, envelope });
  }

  // A batch opening with the agent's JOURNAL_RESET starts a collector-anchored segment (see verify-seals.ts).
  const startsReset = journalResetsIn({ agentId: agent.id, firstSeq: incoming.firstSeq, lastSeq, prevHash: incoming.prevHash, lastHash: incoming.lastHash,
    signature: incoming.signature, events: events.slice(0, 1) }).length > 0;
  const sealing = await checkSeals(agent, incoming, checked, seeds, store, startsReset);
  if (!sealing.ok) return reject('COLLECTOR_SEAL_INVALID', sealing.detail, { kind: 'seal_invalid', detail: sealing.detail });

  const batch: AcceptedBatch = {
    agentId: agent.id, firstSeq: incoming.firstSeq, lastSeq, prevHash: incoming.prevHash, lastHash: incoming.lastHash,
    signature: incoming.signature, events, ...(sealing.seal ? { seal: sealing.seal } : {}),
  };
  const findings: Omit<IntegrityFinding, 'agentId' | 'pc' | 'timeMs'>[] = [];
  const head = agent.lastSeq;

  if (lastSeq <= head) {
    // A resend or a replay: harmless if identical to what we hold, a fork (rewritten history) if not.
    const stored = await store.eventHash(agent.id, lastSeq);
    if (stored?.equals(incoming.lastHash)) return { action: 'duplicate', lastSeq };
    if (stored) {
      return reject('COLLECTOR_FORK', `seq ${lastSeq}`, {
        kind: 'fork', detail: `batch ${incoming.firstSeq}..${lastSeq} rewrites events already stored with different content`,
      });
    }
    findings.push({ kind: 'out_of_order', detail: `batch ${incoming.firstSeq}..${lastSeq} arrived after later events (fills a gap)` });
    return { action: 'store', batch, findings, resets: [] };
  }

  if (incoming.firstSeq <= head) {
    // Overlaps what we hold: the overlapping part must be identical.
    const index = head - incoming.firstSeq;
    if (!hashes[index]!.equals(agent.lastHash)) {
      return reject('COLLECTOR_FORK', `seq ${head}`, {
        kind: 'fork', detail: `batch ${incoming.firstSeq}..${lastSeq} disagrees with stored event ${head}`,
      });
    }
    const resets = journalResetsIn(batch).filter((reset) => reset.startSeq > head);
    findings.push(...resets.map((reset) => reset.finding));
    return { action: 'store', batch, findings, resets };
  }

  if (incoming.firstSeq > head + 1) {
    const declaration = events.map((e) => (e.envelope.kind === 'lifecycle' ? decodeLifecycle(e.bytes) : undefined)).find((lifecycle) =>
      (lifecycle?.kind === 'JOURNAL_FULL' || lifecycle?.kind === 'UNSENT_DISCARDED')
      && lifecycle.droppedFromSeq <= head + 1 && lifecycle.droppedToSeq >= incoming.firstSeq - 1);
    const range = `${head + 1}..${incoming.firstSeq - 1}`;
    findings.push(declaration?.kind === 'JOURNAL_FULL'
      ? { kind: 'journal_overflow', detail: `agent dropped events ${range} at its journal size cap (declared)` }
      // The admin's explicit choice at uninstall (--discard-unsent with the uninstall code): declared, still a finding.
      : declaration?.kind === 'UNSENT_DISCARDED'
        ? { kind: 'unsent_discarded', detail: `agent's unsent events ${range} were discarded at uninstall (declared: ${declaration.detail})` }
        : { kind: 'sequence_gap', detail: `events ${range} never arrived` });
  } else if (!incoming.prevHash.equals(agent.lastHash)) {
    findings.push({ kind: 'chain_break', detail: `batch ${incoming.firstSeq}..${lastSeq} does not continue the chain ending at seq ${head}` });
  }
  const resets = journalResetsIn(batch);
  findings.push(...resets.map((reset) => reset.finding));
  return { action: 'store', batch, findings, resets };
}

/** The lifecycle payload of a lifecycle event; undefined when it does not decode (the projector reports that). */
function decodeLifecycle(bytes: Buffer) {
  try {
    return decodeEvent(bytes).lifecycle ?? undefined;
  } catch {
    return undefined;
  }
}

function reject(
  code: ConstructorParameters<typeof CollectorError>[0], detail: string, finding?: Omit<IntegrityFinding, 'agentId' | 'pc' | 'timeMs'>,
): BatchVerdict {
  return finding ? { action: 'reject', error: new CollectorError(code, detail), finding } : { action: 'reject', error: new CollectorError(code, detail) };
}
