import type {
  AcceptedBatch, AgentRecord, AuditEntry, BatchRecord, DeviceExceptionRecord, HeartbeatUpdate, IntegrityFinding,
  NewAgent, PolicyVersionRecord, ProjectionPass, Role, SealSeedRecord, StoredEvent, TokenRecord, TokenUse,
  ChainSegment, QuarantineInput, QuarantineOutcome, QuarantinedBatch,
} from './types.ts';

/**
 * Everything the collector keeps. SQLite (better-sqlite3) is the embedded default; every method is async so a
 * PostgreSQL implementation (several collectors sharing one database) can sit behind the same interface.
 * Implementations must make `appendBatch` idempotent on (agent, seq) and atomic with the agent's chain head.
 */
export interface Store {
  /** Creates a new agent row for a PC (a re-enrolled PC gets a new agent that names the previous one). */
  createAgent(agent: NewAgent): Promise<void>;
  getAgent(id: string): Promise<AgentRecord | undefined>;
  /** The current (not retired) agent enrolled with this hardware id, if any. */
  findActiveAgentByHardwareId(hardwareId: string): Promise<AgentRecord | undefined>;
  /** Marks an agent as replaced by a re-enrollment; its history stays. */
  retireAgent(id: string, timeMs: number): Promise<void>;
  listAgents(): Promise<AgentRecord[]>;
  /** Every agent (retired too) enrolled under this PC name, oldest first: one indexed read, not the whole fleet. */
  agentsOfPc(pc: string): Promise<AgentRecord[]>;
  recordHeartbeat(agentId: string, update: HeartbeatUpdate): Promise<void>;
  setConnected(agentId: string, connected: boolean, timeMs: number): Promise<void>;
  /** Saves the agent's clock skew measured at connect; returns the one saved before (null when never measured). */
  noteClockSkew(agentId: string, skewMs: number, timeMs: number): Promise<{ previousSkewMs: number | null }>;

  createToken(token: { id: string; secretHash: Buffer; createdMs: number; expiresMs: number; maxUses: number; createdBy: string }): Promise<void>;
  /** Atomically checks and spends one use of a token. */
  useToken(secretHash: Buffer, nowMs: number): Promise<TokenUse>;
  revokeToken(id: string, nowMs: number): Promise<boolean>;
  listTokens(): Promise<TokenRecord[]>;

  /** Stores the seed of a new seal chain of an agent (idempotent on agent and chain). */
  addSealSeed(agentId: string, seed: SealSeedRecord): Promise<void>;
  /** An agent's seal chains, oldest first (empty: the agent is unsealed). */
  sealSeeds(agentId: string): Promise<SealSeedRecord[]>;
  /** The seal chain and epoch a stored event was sealed in (undefined: not stored, or stored unsealed). */
  eventSeal(agentId: string, seq: number): Promise<{ chain: number; epoch: number; seal: Buffer } | undefined>;
  /** The stored event's hash at a sequence number (for duplicate/fork detection). */
  eventHash(agentId: string, seq: number): Promise<Buffer | undefined>;
  /** Stores a verified batch and moves the chain head; events already stored are skipped. Returns how many were new. */
  appendBatch(batch: AcceptedBatch, receivedMs: number): Promise<{ inserted: number }>;
  /**
   * Fills the per-kind query tables (indexers) for stored events not yet projected, oldest first, at most
   * `limit`, in one transaction with the projection cursor (so each event is projected exactly once, also across
   * crashes). Returns them decoded, for the alert engine and live views. Empty when caught up.
   */
  projectPending(limit: number): Promise<ProjectionPass>;
  recordIntegrityFinding(finding: IntegrityFinding): Promise<void>;
  listIntegrityFindings(agentId?: string): Promise<IntegrityFinding[]>;

  /**
   * Keeps a batch refused for integrity reasons as quarantined evidence, atomically with its one finding and, when
   * it reached past the chain head, the head moved to its signed last hash plus a segment boundary. An identical
   * resend only counts up (no second finding).
   */
  quarantineBatch(input: QuarantineInput): Promise<QuarantineOutcome>;
  /** Quarantined batches of an agent with their exact event bytes, in seq order (for export and review). */
  listQuarantinedBatches(agentId: string): Promise<QuarantinedBatch[]>;
  /** Records where an agent's chain starts a new segment (e.g. a journal reset the agent declared). */
  recordChainSegment(segment: ChainSegment): Promise<void>;
  /** An agent's segment boundaries in seq order. */
  listChainSegments(agentId: string): Promise<ChainSegment[]>;

  countEvents(agentId?: string): Promise<number>;
  /** Events of one agent in seq order, optionally a seq range. */
  eventsBySeq(agentId: string, fromSeq: number, toSeq: number): Promise<StoredEvent[]>;
  /** The seq range of an agent's events within a time range (inclusive), or undefined if none. */
  seqRangeForTime(agentId: string, fromMs: number, toMs: number): Promise<{ fromSeq: number; toSeq: number } | undefined>;
  /** Batches overlapping a seq range, in order. */
  batchesCovering(agentId: string, fromSeq: number, toSeq: number): Promise<BatchRecord[]>;

  getUser(username: string): Promise<{ username: string; passwordHash: string; role: Role } | undefined>;
  putUser(user: { username: string; passwordHash: string; role: Role; createdMs: number }): Promise<void>;
  countUsers(): Promise<number>;

  /** Appends to the admin audit chain. */
  appendAudit(entry: { timeMs: number; actor: string; action: string; entry: Record<string, unknown> }): Promise<AuditEntry>;
  listAudit(limit: number): Promise<AuditEntry[]>;

  savePolicyVersion(version: Omit<PolicyVersionRecord, 'version'>): Promise<number>;
  latestPolicyVersion(): Promise<PolicyVersionRecord | undefined>;
  /** The newest stored version number (0 when none): cheap enough to poll for versions other processes store. */
  latestPolicyVersionNumber(): Promise<number>;

  createDeviceException(exception: DeviceExceptionRecord): Promise<void>;
  /** Exceptions for a PC that have not expired or been revoked at `nowMs`. */
  activeDeviceExceptions(pc: string, nowMs: number): Promise<DeviceExceptionRecord[]>;
  /** Exceptions stored after `rowCursor` (a cursor this method returns), so other processes' writes are noticed. */
  exceptionsAfter(rowCursor: number): Promise<{ cursor: number; pcs: string[] }>;

  close(): Promise<void>;
}
