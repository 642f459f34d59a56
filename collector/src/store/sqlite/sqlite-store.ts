import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { ZERO_HASH, decodeEvent, type Event__Output } from '@mamori/proto';
import type { Store } from '../store.ts';
import type {
  AcceptedBatch, AgentRecord, AuditEntry, BatchRecord, DeviceExceptionRecord, HeartbeatUpdate, IntegrityFinding,
  NewAgent, PolicyVersionRecord, ProjectionPass, Role, SealSeedRecord, StoredEvent, TokenRecord, TokenUse,
  ChainSegment, QuarantineInput, QuarantineOutcome, QuarantinedBatch,
} from '../types.ts';
import type { ChangeFeed } from '../change-feed.ts';
import { signalChange, SqliteChangeSignals } from './change-signals.ts';
import { SqliteSegments } from './segments.ts';
import type { ConnectionFlagCoalescer } from '../coalesce-connection-flags.ts';
import { sqliteConnectionFlags } from './connection-flags.ts';
import { eventIndexers } from './indexers/index.ts';
import type { StoredEventRef } from './indexer.ts';
import { migrate } from './migrate.ts';
import type { Repositories } from '../repositories/index.ts';
import { createSqliteRepositories } from './repositories/index.ts';

type Row = Record<string, unknown>;

function agentFromRow(row: Row): AgentRecord {
  return {
    id: row.id as string, pc: row.pc as string, hardwareId: row.hardware_id as string, os: row.os as string,
    publicKey: row.public_key as Buffer, unlockKey: row.unlock_key as Buffer, enrolledMs: row.enrolled_ms as number,
    previousAgentId: (row.previous_agent_id as string | null) ?? null, retiredMs: (row.retired_ms as number | null) ?? null,
    lastSeq: row.last_seq as number, lastHash: row.last_hash as Buffer, lastSeenMs: (row.last_seen_ms as number | null) ?? null,
    connected: row.connected === 1, agentVersion: row.agent_version as string, policyVersion: row.policy_version as number,
    currentUser: row.current_user as string, sensors: JSON.parse(row.sensors_json as string) as AgentRecord['sensors'],
    journalBacklog: row.journal_backlog as number,
  };
}

const eventColumns = 'id, agent_id AS agentId, seq, pc, time_ms AS timeMs, received_ms AS receivedMs, kind, user, hash, bytes';

/** The embedded store: one SQLite file in WAL mode, prepared statements, one transaction per batch. */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  /** The feature repositories over this same database (what routes and services get instead of `db`). */
  readonly repos: Repositories;
  readonly #s;
  readonly #indexers: Map<string, ((ref: StoredEventRef, event: Event__Output) => void)[]>;
  readonly #segments: SqliteSegments;
  readonly #connectionFlags: ConnectionFlagCoalescer;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Checkpoint the WAL into the database every ~40 MB instead of SQLite's default ~4 MB: under sustained ingest
    // each checkpoint copies pages and waits for two fsyncs on the thread that talks gRPC, and pages rewritten
    // by many commits (index roots, agents' heads) are copied once per checkpoint, not ten times. Commits stay
    // as durable as before: a batch is acknowledged after its commit reached the WAL file, which a killed process
    // does not lose; a checkpoint only moves committed pages from the WAL into the database.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.repos = createSqliteRepositories(this.db);
    const db = this.db;
    this.#s = {
      insertAgent: db.prepare(`INSERT INTO agents (id, pc, hardware_id, os, public_key, unlock_key, enrolled_ms, previous_agent_id)
        VALUES (@id, @pc, @hardwareId, @os, @publicKey, @unlockKey, @enrolledMs, @previousAgentId)`),
      agent: db.prepare('SELECT * FROM agents WHERE id = ?'),
      activeByHardware: db.prepare('SELECT * FROM agents WHERE hardware_id = ? AND retired_ms IS NULL ORDER BY enrolled_ms DESC LIMIT 1'),
      retire: db.prepare('UPDATE agents SET retired_ms = ? WHERE id = ?'),
      agents: db.prepare('SELECT * FROM agents ORDER BY pc, enrolled_ms'),
      agentsOfPc: db.prepare('SELECT * FROM agents WHERE pc = ? ORDER BY enrolled_ms'),
      heartbeat: db.prepare(`UPDATE agents SET last_seen_ms = @timeMs, agent_version = @agentVersion, policy_version = @policyVersion,
        current_user = @currentUser, sensors_json = @sensorsJson, journal_backlog = @journalBacklog WHERE id = @agentId`),
      clockSkew: db.prepare('SELECT clock_skew_ms AS skew FROM agents WHERE id = ?'),
      setClockSkew: db.prepare('UPDATE agents SET clock_skew_ms = ?, clock_checked_ms = ? WHERE id = ?'),
      insertToken: db.prepare(`INSERT INTO enrollment_tokens (id, secret_hash, created_ms, expires_ms, max_uses, created_by)
        VALUES (@id, @secretHash, @createdMs, @expiresMs, @maxUses, @createdBy)`),
      tokenBySecret: db.prepare('SELECT * FROM enrollment_tokens WHERE secret_hash = ?'),
      spendToken: db.prepare('UPDATE enrollment_tokens SET uses = uses + 1 WHERE id = ?'),
      revokeToken: db.prepare('UPDATE enrollment_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL'),
      tokens: db.prepare('SELECT * FROM enrollment_tokens ORDER BY created_ms'),
      eventHash: db.prepare('SELECT hash FROM events WHERE agent_id = ? AND seq = ?'),
      insertEvent: db.prepare(`INSERT OR IGNORE INTO events (agent_id, seq, pc, time_ms, received_ms, kind, user, hash, bytes, seal_chain, seal_epoch, seal)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertSealSeed: db.prepare(`INSERT OR IGNORE INTO seal_seeds (agent_id, chain, seed, from_seq, reason, received_ms)
        VALUES (?, ?, ?, ?, ?, ?)`),
      sealSeeds: db.prepare(`SELECT chain, seed, from_seq AS fromSeq, reason, received_ms AS receivedMs FROM seal_seeds
        WHERE agent_id = ? ORDER BY from_seq, received_ms`),
      eventSeal: db.prepare('SELECT seal_chain AS chain, seal_epoch AS epoch, seal FROM events WHERE agent_id = ? AND seq = ? AND seal_chain IS NOT NULL'),
      insertSealClose: db.prepare(`INSERT OR IGNORE INTO seal_closes (agent_id, chain, epoch, last_seq, last_hash, mac, received_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      insertBatch: db.prepare(`INSERT INTO batches (agent_id, first_seq, last_seq, prev_hash, last_hash, signature, received_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      moveHead: db.prepare('UPDATE agents SET last_seq = ?, last_hash = ? WHERE id = ? AND last_seq < ?'),
      insertFinding: db.prepare('INSERT INTO integrity_findings (agent_id, pc, time_ms, kind, detail, count) VALUES (@agentId, @pc, @timeMs, @kind, @detail, @count)'),
      findings: db.prepare('SELECT agent_id AS agentId, pc, time_ms AS timeMs, kind, detail, count FROM integrity_findings ORDER BY id'),
      findingsFor: db.prepare('SELECT agent_id AS agentId, pc, time_ms AS timeMs, kind, detail, count FROM integrity_findings WHERE agent_id = ? ORDER BY id'),
      countAll: db.prepare('SELECT COUNT(*) AS n FROM events'),
      countFor: db.prepare('SELECT COUNT(*) AS n FROM events WHERE agent_id = ?'),
      bySeq: db.prepare(`SELECT ${eventColumns} FROM events WHERE agent_id = ? AND seq BETWEEN ? AND ? ORDER BY seq`),
      seqRange: db.prepare('SELECT MIN(seq) AS fromSeq, MAX(seq) AS toSeq FROM events WHERE agent_id = ? AND time_ms BETWEEN ? AND ?'),
      batches: db.prepare(`SELECT first_seq AS firstSeq, last_seq AS lastSeq, prev_hash AS prevHash, last_hash AS lastHash, signature
        FROM batches WHERE agent_id = ? AND last_seq >= ? AND first_seq <= ? ORDER BY first_seq, id`),
      user: db.prepare('SELECT username, password_hash AS passwordHash, role FROM users WHERE username = ?'),
      putUser: db.prepare(`INSERT INTO users (username, password_hash, role, created_ms) VALUES (@username, @passwordHash, @role, @createdMs)
        ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role`),
      countUsers: db.prepare('SELECT COUNT(*) AS n FROM users'),
      auditHead: db.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1'),
      insertAudit: db.prepare('INSERT INTO audit_log (time_ms, actor, action, entry_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)'),
      audit: db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?'),
      insertPolicy: db.prepare('INSERT INTO policy_versions (created_ms, created_by, sources_json, comment) VALUES (?, ?, ?, ?)'),
      latestPolicy: db.prepare('SELECT * FROM policy_versions ORDER BY version DESC LIMIT 1'),
      latestPolicyNumber: db.prepare('SELECT COALESCE(MAX(version), 0) AS version FROM policy_versions'),
      insertException: db.prepare(`INSERT INTO device_exceptions (id, pc, serial, mode, until_ms, reason, created_by, created_ms)
        VALUES (@id, @pc, @serial, @mode, @untilMs, @reason, @createdBy, @createdMs)`),
      activeExceptions: db.prepare(`SELECT id, pc, serial, mode, until_ms AS untilMs, reason, created_by AS createdBy,
        created_ms AS createdMs, revoked_ms AS revokedMs FROM device_exceptions WHERE pc = ? AND until_ms > ? AND revoked_ms IS NULL ORDER BY created_ms`),
      pending: db.prepare(`SELECT ${eventColumns} FROM events WHERE id > ? ORDER BY id LIMIT ?`),
      projectedThrough: db.prepare("SELECT CAST(value AS INTEGER) AS id FROM meta WHERE key = 'projected_through'"),
      setProjectedThrough: db.prepare("INSERT INTO meta (key, value) VALUES ('projected_through', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      exceptionsAfter: db.prepare('SELECT rowid AS cursor, pc FROM device_exceptions WHERE rowid > ? ORDER BY rowid'),
    };
    this.#segments = new SqliteSegments(db);
    this.#connectionFlags = sqliteConnectionFlags(db);
    this.#indexers = new Map();
    for (const indexer of eventIndexers) {
      const list = this.#indexers.get(indexer.kind) ?? [];
      list.push(indexer.prepare(db));
      this.#indexers.set(indexer.kind, list);
    }
  }

  async createAgent(agent: NewAgent): Promise<void> {
    this.#s.insertAgent.run(agent);
  }

  async getAgent(id: string): Promise<AgentRecord | undefined> {
    const row = this.#s.agent.get(id) as Row | undefined;
    return row ? agentFromRow(row) : undefined;
  }

  async findActiveAgentByHardwareId(hardwareId: string): Promise<AgentRecord | undefined> {
    const row = this.#s.activeByHardware.get(hardwareId) as Row | undefined;
    return row ? agentFromRow(row) : undefined;
  }

  async retireAgent(id: string, timeMs: number): Promise<void> {
    this.#s.retire.run(timeMs, id);
  }

  async listAgents(): Promise<AgentRecord[]> {
    return (this.#s.agents.all() as Row[]).map(agentFromRow);
  }

  async agentsOfPc(pc: string): Promise<AgentRecord[]> {
    return (this.#s.agentsOfPc.all(pc) as Row[]).map(agentFromRow);
  }

  async recordHeartbeat(agentId: string, update: HeartbeatUpdate): Promise<void> {
    this.#s.heartbeat.run({ ...update, agentId, sensorsJson: JSON.stringify(update.sensors) });
  }

  async setConnected(agentId: string, connected: boolean, timeMs: number): Promise<void> {
    return this.#connectionFlags.set(agentId, connected, timeMs);
  }

  async noteClockSkew(agentId: string, skewMs: number, timeMs: number): Promise<{ previousSkewMs: number | null }> {
    return this.db.transaction(() => {
      const row = this.#s.clockSkew.get(agentId) as { skew: number | null } | undefined;
      this.#s.setClockSkew.run(skewMs, timeMs, agentId);
      return { previousSkewMs: row?.skew ?? null };
    })();
  }

  async createToken(token: { id: string; secretHash: Buffer; createdMs: number; expiresMs: number; maxUses: number; createdBy: string }): Promise<void> {
    this.#s.insertToken.run(token);
  }

  async useToken(secretHash: Buffer, nowMs: number): Promise<TokenUse> {
    return this.db.transaction((): TokenUse => {
      const row = this.#s.tokenBySecret.get(secretHash) as Row | undefined;
      if (!row) return { ok: false, reason: 'unknown' };
      const token = tokenFromRow(row);
      if (token.revokedMs !== null) return { ok: false, reason: 'revoked' };
      if (token.expiresMs <= nowMs) return { ok: false, reason: 'expired' };
      if (token.uses >= token.maxUses) return { ok: false, reason: 'used_up' };
      this.#s.spendToken.run(token.id);
      return { ok: true, token: { ...token, uses: token.uses + 1 } };
    }).immediate();
  }

  async revokeToken(id: string, nowMs: number): Promise<boolean> {
    return this.#s.revokeToken.run(nowMs, id).changes > 0;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (this.#s.tokens.all() as Row[]).map(tokenFromRow);
  }

  async addSealSeed(agentId: string, seed: SealSeedRecord): Promise<void> {
    this.#s.insertSealSeed.run(agentId, seed.chain, seed.seed, seed.fromSeq, seed.reason, seed.receivedMs);
  }

  async sealSeeds(agentId: string): Promise<SealSeedRecord[]> {
    return this.#s.sealSeeds.all(agentId) as SealSeedRecord[];
  }

  async eventSeal(agentId: string, seq: number): Promise<{ chain: number; epoch: number; seal: Buffer } | undefined> {
    return this.#s.eventSeal.get(agentId, seq) as { chain: number; epoch: number; seal: Buffer } | undefined;
  }

  async eventHash(agentId: string, seq: number): Promise<Buffer | undefined> {
    return (this.#s.eventHash.get(agentId, seq) as { hash: Buffer } | undefined)?.hash;
  }

  async appendBatch(batch: AcceptedBatch, receivedMs: number): Promise<{ inserted: number }> {
    return this.db.transaction(() => {
      let inserted = 0;
      const { seal } = batch;
      for (let i = 0; i < batch.events.length; i += 1) {
        const item = batch.events[i]!;
        const { envelope } = item;
        const result = this.#s.insertEvent.run(
          batch.agentId, item.seq, envelope.pc, envelope.timeMs, receivedMs, envelope.kind, envelope.user, item.hash, item.bytes,
          seal?.chain ?? null, seal?.epochs[i] ?? null, seal ? seal.seals.subarray(i * 32, i * 32 + 32) : null,
        );
        inserted += result.changes;
      }
      for (const close of seal?.closes ?? []) {
        this.#s.insertSealClose.run(batch.agentId, seal!.chain, close.epoch, close.lastSeq, close.lastHash, close.mac, receivedMs);
      }
      this.#s.insertBatch.run(batch.agentId, batch.firstSeq, batch.lastSeq, batch.prevHash, batch.lastHash, batch.signature, receivedMs);
      this.#s.moveHead.run(batch.lastSeq, batch.lastHash, batch.agentId, batch.lastSeq);
      return { inserted };
    })();
  }

  async projectPending(limit: number): Promise<ProjectionPass> {
    return this.db.transaction(() => {
      const through = (this.#s.projectedThrough.get() as { id: number } | undefined)?.id ?? 0;
      const rows = this.#s.pending.all(through, limit) as StoredEvent[];
      const pass: ProjectionPass = { events: [], findings: [] };
      for (const stored of rows) {
        let event: Event__Output;
        try {
          event = decodeEvent(stored.bytes);
        } catch {
          // Ingest read only the envelope; a payload that does not decode stays stored as the evidence it is.
          const finding = {
            agentId: stored.agentId, pc: stored.pc, timeMs: stored.receivedMs, kind: 'malformed_signed_event',
            detail: `signed event ${stored.seq} carries a ${stored.kind || 'missing'} payload that is not valid mamori.v1`,
          };
          this.#s.insertFinding.run({ ...finding, count: 1 });
          pass.findings.push(finding);
          continue;
        }
        for (const index of this.#indexers.get(stored.kind) ?? []) {
          index({ eventId: stored.id, agentId: stored.agentId, pc: stored.pc, seq: stored.seq, timeMs: stored.timeMs, user: stored.user }, event);
        }
        pass.events.push({ stored, event });
      }
      if (rows.length > 0) this.#s.setProjectedThrough.run(rows.at(-1)!.id);
      return pass;
    })();
  }

  async recordIntegrityFinding(finding: IntegrityFinding): Promise<void> {
    this.#s.insertFinding.run({ ...finding, count: finding.count ?? 1 });
  }

  async listIntegrityFindings(agentId?: string): Promise<IntegrityFinding[]> {
    return (agentId ? this.#s.findingsFor.all(agentId) : this.#s.findings.all()) as IntegrityFinding[];
  }

  async quarantineBatch(input: QuarantineInput): Promise<QuarantineOutcome> {
    return this.#segments.quarantine(input);
  }

  async listQuarantinedBatches(agentId: string): Promise<QuarantinedBatch[]> {
    return this.#segments.quarantined(agentId);
  }

  async recordChainSegment(segment: ChainSegment): Promise<void> {
    this.#segments.recordSegment(segment);
  }

  async listChainSegments(agentId: string): Promise<ChainSegment[]> {
    return this.#segments.segments(agentId);
  }

  async countEvents(agentId?: string): Promise<number> {
    return ((agentId ? this.#s.countFor.get(agentId) : this.#s.countAll.get()) as { n: number }).n;
  }

  async eventsBySeq(agentId: string, fromSeq: number, toSeq: number): Promise<StoredEvent[]> {
    return this.#s.bySeq.all(agentId, fromSeq, toSeq) as StoredEvent[];
  }

  async seqRangeForTime(agentId: string, fromMs: number, toMs: number): Promise<{ fromSeq: number; toSeq: number } | undefined> {
    const row = this.#s.seqRange.get(agentId, fromMs, toMs) as { fromSeq: number | null; toSeq: number | null };
    return row.fromSeq === null || row.toSeq === null ? undefined : { fromSeq: row.fromSeq, toSeq: row.toSeq };
  }

  async batchesCovering(agentId: string, fromSeq: number, toSeq: number): Promise<BatchRecord[]> {
    return this.#s.batches.all(agentId, fromSeq, toSeq) as BatchRecord[];
  }

  async getUser(username: string): Promise<{ username: string; passwordHash: string; role: Role } | undefined> {
    return this.#s.user.get(username) as { username: string; passwordHash: string; role: Role } | undefined;
  }

  async putUser(user: { username: string; passwordHash: string; role: Role; createdMs: number }): Promise<void> {
    this.#s.putUser.run(user);
  }

  async countUsers(): Promise<number> {
    return (this.#s.countUsers.get() as { n: number }).n;
  }

  async appendAudit(entry: { timeMs: number; actor: string; action: string; entry: Record<string, unknown> }): Promise<AuditEntry> {
    return this.db.transaction(() => {
      const prevHash = (this.#s.auditHead.get() as { hash: Buffer } | undefined)?.hash ?? ZERO_HASH;
      const json = JSON.stringify({ timeMs: entry.timeMs, actor: entry.actor, action: entry.action, entry: entry.entry });
      const hash = createHash('sha256').update(prevHash).update(json).digest();
      const result = this.#s.insertAudit.run(entry.timeMs, entry.actor, entry.action, JSON.stringify(entry.entry), prevHash, hash);
      return { id: Number(result.lastInsertRowid), ...entry, prevHash, hash };
    }).immediate();
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    return (this.#s.audit.all(limit) as Row[]).map((row) => ({
      id: row.id as number, timeMs: row.time_ms as number, actor: row.actor as string, action: row.action as string,
      entry: JSON.parse(row.entry_json as string) as Record<string, unknown>, prevHash: row.prev_hash as Buffer, hash: row.hash as Buffer,
    }));
  }

  async savePolicyVersion(version: Omit<PolicyVersionRecord, 'version'>): Promise<number> {
    const result = this.#s.insertPolicy.run(version.createdMs, version.createdBy, JSON.stringify(version.sources), version.comment);
    signalChange(this.#path, 'policyVersion'); // committed: a running collector takes it up now, not at its next poll
    return Number(result.lastInsertRowid);
  }

  async latestPolicyVersion(): Promise<PolicyVersionRecord | undefined> {
    const row = this.#s.latestPolicy.get() as Row | undefined;
    if (!row) return undefined;
    return {
      version: row.version as number, createdMs: row.created_ms as number, createdBy: row.created_by as string,
      sources: JSON.parse(row.sources_json as string) as PolicyVersionRecord['sources'], comment: row.comment as string,
    };
  }

  async latestPolicyVersionNumber(): Promise<number> {
    return (this.#s.latestPolicyNumber.get() as { version: number }).version;
  }

  async createDeviceException(exception: DeviceExceptionRecord): Promise<void> {
    this.#s.insertException.run(exception);
    signalChange(this.#path, 'deviceException');
  }

  /** Changes committed by any process on this file (the CLI beside the running collector), heard as they commit. */
  listenForChanges(onError: (error: Error) => void): ChangeFeed {
    return new SqliteChangeSignals(this.#path, onError);
  }

  async activeDeviceExceptions(pc: string, nowMs: number): Promise<DeviceExceptionRecord[]> {
    return this.#s.activeExceptions.all(pc, nowMs) as DeviceExceptionRecord[];
  }

  async exceptionsAfter(rowCursor: number): Promise<{ cursor: number; pcs: string[] }> {
    const rows = this.#s.exceptionsAfter.all(rowCursor) as { cursor: number; pc: string }[];
    return { cursor: rows.at(-1)?.cursor ?? rowCursor, pcs: [...new Set(rows.map((r) => r.pc))] };
  }

  async close(): Promise<void> {
    await this.#connectionFlags.settled();
    this.db.close();
  }
}

function tokenFromRow(row: Row): TokenRecord {
  return {
    id: row.id as string, createdMs: row.created_ms as number, expiresMs: row.expires_ms as number,
    maxUses: row.max_uses as number, uses: row.uses as number, revokedMs: (row.revoked_ms as number | null) ?? null,
  };
}
