import type { EventEnvelope, Event__Output, SealCloseRecord } from '@mamori/proto';

export type Role = 'admin' | 'operator' | 'auditor';

export interface AgentRecord {
  id: string;
  pc: string;
  hardwareId: string;
  os: string;
  publicKey: Buffer;
  unlockKey: Buffer;
  enrolledMs: number;
  previousAgentId: string | null;
  retiredMs: number | null;
  lastSeq: number;
  lastHash: Buffer;
  lastSeenMs: number | null;
  connected: boolean;
  agentVersion: string;
  policyVersion: number;
  currentUser: string;
  sensors: { name: string; state: string; detail: string }[];
  journalBacklog: number;
}

export interface NewAgent {
  id: string;
  pc: string;
  hardwareId: string;
  os: string;
  publicKey: Buffer;
  unlockKey: Buffer;
  enrolledMs: number;
  previousAgentId: string | null;
}

export interface TokenRecord {
  id: string;
  createdMs: number;
  expiresMs: number;
  maxUses: number;
  uses: number;
  revokedMs: number | null;
}

export type TokenUse = { ok: true; token: TokenRecord } | { ok: false; reason: 'unknown' | 'expired' | 'used_up' | 'revoked' };

/** A batch that passed signature and chain checks, with each event decoded. */
export interface AcceptedBatch {
  agentId: string;
  firstSeq: number;
  lastSeq: number;
  prevHash: Buffer;
  lastHash: Buffer;
  signature: Buffer;
  /** Each event's signed bytes, its chain hash and its envelope (the payload is decoded later, when projected). */
  events: { seq: number; bytes: Buffer; hash: Buffer; envelope: EventEnvelope }[];
  /** The verified forward-secure seals (absent: stored unsealed): events[i] has epochs[i] and seals[i*32..]. */
  seal?: { chain: number; epochs: number[]; seals: Buffer; closes: SealCloseRecord[] };
}

/** The start of one of an agent's seal chains (the seed only the collector keeps). */
export interface SealSeedRecord {
  chain: number;
  seed: Buffer;
  /** First seq sealed with this chain. */
  fromSeq: number;
  reason: string;
  receivedMs: number;
}

export interface StoredEvent {
  id: number;
  agentId: string;
  seq: number;
  pc: string;
  timeMs: number;
  receivedMs: number;
  kind: string;
  user: string;
  hash: Buffer;
  bytes: Buffer;
  /**
   * Its place in projection order where that is not its id: on PostgreSQL ids commit out of order, so a projected
   * event carries its export_order position (risk's cursor counts these). Absent on SQLite: the id is the order.
   */
  position?: number;
}

export interface IntegrityFinding {
  agentId: string;
  pc: string;
  timeMs: number;
  /** signature_invalid, chain_mismatch, chain_break, sequence_gap, journal_overflow, journal_reset, unsent_discarded, fork, out_of_order, re_enrolled … */
  kind: string;
  detail: string;
  /** Occurrences this record stands for (rate-limited findings summarise many); 1 when absent. */
  count?: number;
}

export interface BatchRecord {
  firstSeq: number;
  lastSeq: number;
  prevHash: Buffer;
  lastHash: Buffer;
  signature: Buffer;
}

export interface AuditEntry {
  id: number;
  timeMs: number;
  actor: string;
  action: string;
  entry: Record<string, unknown>;
  prevHash: Buffer;
  hash: Buffer;
}

export interface PolicyVersionRecord {
  version: number;
  createdMs: number;
  createdBy: string;
  sources: { name: string; text: string }[];
  comment: string;
}

export interface DeviceExceptionRecord {
  id: string;
  pc: string;
  serial: string | null;
  mode: 'block' | 'read_only' | 'allow' | 'audit';
  untilMs: number;
  reason: string;
  createdBy: string;
  createdMs: number;
  revokedMs: number | null;
}

export interface HeartbeatUpdate {
  timeMs: number;
  agentVersion: string;
  policyVersion: number;
  currentUser: string;
  sensors: { name: string; state: string; detail: string }[];
  journalBacklog: number;
}

/** A stored event with its decoded form, as the projector hands it to the alert engine and live views. */
export interface ProjectedEvent {
  stored: StoredEvent;
  event: Event__Output;
}

/** One pass of the projector: the events it projected, and findings for stored events whose payload does not decode. */
export interface ProjectionPass {
  events: ProjectedEvent[];
  findings: IntegrityFinding[];
}

/** A batch refused for integrity reasons, as the store keeps it (exact bytes; never projected as genuine). */
export interface QuarantineInput {
  agentId: string;
  pc: string;
  firstSeq: number;
  prevHash: Buffer;
  lastHash: Buffer;
  signature: Buffer;
  events: Buffer[];
  /** COLLECTOR_… code of the refusal. */
  code: string;
  /** The finding recorded the first time this exact batch is seen (never again for an identical resend). */
  finding: IntegrityFinding;
  timeMs: number;
  /**
   * The collector-signed anchor (JSON) of the segment that starts after this batch (seq lastSeq + 1, from its signed
   * last hash); stored only if the quarantine opens that segment.
   */
  segmentAnchorJson?: string;
}

export interface QuarantineOutcome {
  id: number;
  /** False when this exact batch was already quarantined: only its count went up, no new finding. */
  firstTime: boolean;
  attempts: number;
  /** The agent's chain head after the quarantine (moved past the batch when it was ahead of the head). */
  head: { seq: number; hash: Buffer };
}

export interface QuarantinedBatch {
  id: number;
  agentId: string;
  pc: string;
  firstSeq: number;
  lastSeq: number;
  prevHash: Buffer;
  lastHash: Buffer;
  signature: Buffer;
  code: string;
  findingKind: string;
  detail: string;
  firstMs: number;
  lastMs: number;
  attempts: number;
  events: Buffer[];
}

/** Where an agent's chain starts a new segment instead of continuing hash by hash, and why. */
export interface ChainSegment {
  agentId: string;
  /** First seq of the new segment. */
  startSeq: number;
  /** The hash the segment's first event chains from (the collector's head when the segment opened). */
  anchorHash: Buffer;
  /** quarantine | journal_reset */
  reason: string;
  detail: string;
  quarantineId: number | null;
  timeMs: number;
  /** The anchor the collector signed when it recorded the boundary (JSON of a SegmentAnchor); null if none was. */
  anchorJson?: string | null;
}
