import { createHash } from 'node:crypto';
import { ZERO_HASH, decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import type { AlertCandidate } from '../repositories/alerts.ts';
import type { Repositories } from '../repositories/index.ts';
import type { Store } from '../store.ts';
import type { AcceptedBatch, StoredEvent } from '../types.ts';

/** The repositories every backend must implement for the contract (grows as PostgreSQL implementations land). */
export type ContractRepositories = Pick<Repositories, 'accessRequests' | 'alerts' | 'alertWindows' | 'audit' | 'deviceControl' | 'devices' | 'directory' | 'logs' | 'notify' | 'operations' | 'pcs' | 'policies' | 'print' | 'savedAlertFilters'
  | 'mail' | 'upload' | 'sensorHealth' | 'settings' | 'logImports' | 'siem' | 'siemRecords' | 'risk' | 'reports'
  | 'uploadExceptions' | 'riskDigest'>;

/** One fresh, empty database per test: its store, its repositories, and the backend-specific hooks tests need. */
export interface RepositoriesUnderTest {
  store: Store;
  repos: ContractRepositories;
  /** A second handle on the same database (another collector): its own connections, same rows. */
  second(): Promise<{ repos: ContractRepositories; close(): Promise<void> }>;
  /** Rewrites one audit entry's actor behind the append-only trigger (what an attacker with file/database access could do). */
  tamperAudit(id: number, actor: string): Promise<void>;
  close(): Promise<void>;
}

export const agentId = 'agent-1';
const timeOf = (seq: number) => 1_700_000_000_000 + seq * 1_000;

const defaultPayload = (seq: number): Partial<Event> => ({
  printJob: { jobId: seq, documentName: `doc-${seq}.pdf`, printer: 'PDF', pages: 2, copies: 1, state: 'completed', spooler: 'cups', submittedMs: seq },
});

/**
 * Stores `count` events from PC-1 by tanaka (a real chained batch; print jobs unless `payload` says otherwise) and
 * returns them as stored, with their ids.
 */
export async function storeEvents(store: Store, count: number, payload: (seq: number) => Partial<Event> = defaultPayload): Promise<StoredEvent[]> {
  await store.createAgent({
    id: agentId, pc: 'PC-1', hardwareId: 'hw-1', os: 'linux', publicKey: Buffer.alloc(32, 7), unlockKey: Buffer.alloc(32, 8), enrolledMs: 1_000, previousAgentId: null,
  });
  let hash = ZERO_HASH;
  const events = Array.from({ length: count }, (_, i) => {
    const event: Event = { seq: i + 1, timeMs: timeOf(i + 1), agentId, pc: 'PC-1', user: 'tanaka', ...payload(i + 1) };
    const bytes = encodeEvent(event);
    hash = createHash('sha256').update(hash).update(bytes).digest();
    return { seq: i + 1, bytes, hash, envelope: decodeEnvelope(bytes) };
  });
  const batch: AcceptedBatch = { agentId, firstSeq: 1, lastSeq: count, prevHash: ZERO_HASH, lastHash: hash, signature: Buffer.alloc(64, 1), events };
  await store.appendBatch(batch, 1_700_000_500_000);
  return store.eventsBySeq(agentId, 1, count);
}

/** A rule candidate for PC-1/tanaka, one occurrence at `timeMs`, folding within 10 minutes unless overridden. */
export function candidate(timeMs: number, overrides: Partial<AlertCandidate> = {}): AlertCandidate {
  return {
    ruleId: 'usb-copy', ruleName: 'USB copy', kind: 'file_copy', severity: 'medium', color: '#f90', pc: 'PC-1', user: 'tanaka', agentId,
    title: `copy at ${timeMs}`, firstMs: timeMs, lastMs: timeMs, count: 1, eventIds: [], foldWindowMs: 600_000, ...overrides,
  };
}
