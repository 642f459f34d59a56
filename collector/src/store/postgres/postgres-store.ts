import { createHash } from 'node:crypto';
import pg from 'pg';
import { ZERO_HASH, decodeEvent, type Event__Output } from '@mamori/proto';
import type { Store } from '../store.ts';
import type {
  AcceptedBatch, AgentRecord, AuditEntry, BatchRecord, DeviceExceptionRecord, HeartbeatUpdate, IntegrityFinding,
  NewAgent, PolicyVersionRecord, ProjectionPass, Role, SealSeedRecord, StoredEvent, TokenRecord, TokenUse,
  ChainSegment, QuarantineInput, QuarantineOutcome, QuarantinedBatch,
} from '../types.ts';
import { migratePostgres } from './migrate.ts';
import { applyAccessRequestEvents } from './access-request-events.ts';
import { insertDeviceEvents } from './device-events.ts';
import { insertExportOrder } from './export-order.ts';
import { insertLogEntries } from './log-entries.ts';
import { insertMails } from './mails.ts';
import { GroupAppend } from './group-append.ts';
import type { ConnectionFlagCoalescer } from '../coalesce-connection-flags.ts';
import { postgresConnectionStates } from './connection-states.ts';
import { EventPartitions } from './partitions.ts';
import { insertPrintJobs } from './print-jobs.ts';
import { PostgresSegments } from './segments.ts';
import { insertUploads } from './uploads.ts';

type Row = Record<string, unknown>;

const int8 = 20;
const numeric = 1700;
/** bigint columns hold ms timestamps, seqs and ids, all far below 2^53: read them as numbers, not strings. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === int8 || oid === numeric
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

/** Fixed advisory lock key serialising appends to the admin audit chain. */
const auditLock = 7_443_002;

function agentFromRow(row: Row): AgentRecord {
  return {
    id: row.id as string, pc: row.pc as string, hardwareId: row.hardware_id as string, os: row.os as string,
    publicKey: row.public_key as Buffer, unlockKey: row.unlock_key as Buffer, enrolledMs: row.enrolled_ms as number,
    previousAgentId: (row.previous_agent_id as string | null) ?? null, retiredMs: (row.retired_ms as number | null) ?? null,
    lastSeq: row.last_seq as number, lastHash: row.last_hash as Buffer, lastSeenMs: (row.last_seen_ms as number | null) ?? null,
    connected: row.connected as boolean, agentVersion: row.agent_version as string, policyVersion: row.policy_version as number,
    currentUser: row.current_user_name as string, sensors: JSON.parse(row.sensors_json as string) as AgentRecord['sensors'],
    journalBacklog: row.journal_backlog as number,
  };
}

function tokenFromRow(row: Row): TokenRecord {
  return {
    id: row.id as string, createdMs: row.created_ms as number, expiresMs: row.expires_ms as number,
    maxUses: row.max_uses as number, uses: row.uses as number, revokedMs: (row.revoked_ms as number | null) ?? null,
  };
}

const eventColumns = 'id, agent_id AS "agentId", seq, pc, time_ms AS "timeMs", received_ms AS "receivedMs", kind, user_name AS "user", hash, bytes';

export interface PostgresStoreOptions {
  /** postgres://user[:password]@host[:port]/database */
  url: string;
  /** Pool size (default 10). */
  maxConnections?: number;
}

/**
 * The store for deployments past one machine: PostgreSQL through a `pg` pool. Evidence is appended in groups
 * (group-append.ts: batches arriving while earlier ones commit share one transaction with their chain heads, their
 * events go in by one binary COPY); events are partitioned by received month so retention is a partition drop. projectPending decodes events,
 * fills the combined log, device events, file copies, print jobs and access requests and hands events on (alerts,
 * live views) in the pass that advances the cursor; the mail and upload query tables are NOT filled yet.
 */
export class PostgresStore implements Store {
  readonly pool: pg.Pool;
  readonly partitions: EventPartitions;
  readonly #segments: PostgresSegments;
  readonly #groupAppend: GroupAppend;
  readonly #connectionStates: ConnectionFlagCoalescer;

  /** Takes a pool from `PostgresStore.connect` (migrated). */
  constructor(pool: pg.Pool) {
    this.pool = pool;
    this.partitions = new EventPartitions(pool);
    this.#segments = new PostgresSegments(pool);
    this.#groupAppend = new GroupAppend(pool, this.partitions);
    this.#connectionStates = postgresConnectionStates(pool);
  }

  /** Connects, applies migrations, and makes sure this month's event partition exists. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    return new PostgresStore(await PostgresStore.connect(options));
  }

  /** A migrated pool (the first connection is made here, so an unreachable server fails now, not later). */
  static async connect(options: PostgresStoreOptions): Promise<pg.Pool> {
    // One probe with a timeout, so an unreachable server fails now and plainly; the pool itself has none (under load
    // requests queue for a connection, and a queue wait is not a failure).
    const probe = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 10_000 });
    try {
      await probe.connect();
    } finally {
      await probe.end().catch(() => undefined);
    }
    const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10, types });
    // An idle client's connection dropping (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await migratePostgres(pool);
      await new EventPartitions(pool).ensure(Date.now());
      return pool;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  /** Runs `work` in one transaction on one pooled connection. */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async #rows<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  async createAgent(agent: NewAgent): Promise<void> {
    await this.pool.query(
      `INSERT INTO agents (id, pc, hardware_id, os, public_key, unlock_key, enrolled_ms, previous_agent_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [agent.id, agent.pc, agent.hardwareId, agent.os, agent.publicKey, agent.unlockKey, agent.enrolledMs, agent.previousAgentId],
    );
  }

  async getAgent(id: string): Promise<AgentRecord | undefined> {
    const [row] = await this.#rows('SELECT * FROM agents WHERE id = $1', [id]);
    return row ? agentFromRow(row) : undefined;
  }

  async findActiveAgentByHardwareId(hardwareId: string): Promise<AgentRecord | undefined> {
    const [row] = await this.#rows('SELECT * FROM agents WHERE hardware_id = $1 AND retired_ms IS NULL ORDER BY enrolled_ms DESC LIMIT 1', [hardwareId]);
    return row ? agentFromRow(row) : undefined;
  }

  async retireAgent(id: string, timeMs: number): Promise<void> {
    await this.pool.query('UPDATE agents SET retired_ms = $1 WHERE id = $2', [timeMs, id]);
  }

  async listAgents(): Promise<AgentRecord[]> {
    return (await this.#rows('SELECT * FROM agents ORDER BY pc, enrolled_ms')).map(agentFromRow);
  }

  async agentsOfPc(pc: string): Promise<AgentRecord[]> {
    return (await this.#rows('SELECT * FROM agents WHERE pc = $1 ORDER BY enrolled_ms', [pc])).map(agentFromRow);
  }

  async recordHeartbeat(agentId: string, update: HeartbeatUpdate): Promise<void> {
    await this.pool.query(
      `UPDATE agents SET last_seen_ms = $1, agent_version = $2, policy_version = $3, current_user_name = $4, sensors_json = $5,
        journal_backlog = $6 WHERE id = $7`,
      [update.timeMs, update.agentVersion, update.policyVersion, update.currentUser, JSON.stringify(update.sensors), update.journalBacklog, agentId],
    );
  }

  setConnected(agentId: string, connected: boolean, timeMs: number): Promise<void> {
    return this.#connectionStates.set(agentId, connected, timeMs);
  }

  async noteClockSkew(agentId: string, skewMs: number, timeMs: number): Promise<{ previousSkewMs: number | null }> {
    // The subquery locks the row and reads the value as it was before this statement's update.
    const [row] = await this.#rows<{ skew: number | null }>(
      `UPDATE agents a SET clock_skew_ms = $1, clock_checked_ms = $2
       FROM (SELECT id, clock_skew_ms FROM agents WHERE id = $3 FOR UPDATE) before
       WHERE a.id = before.id RETURNING before.clock_skew_ms AS skew`,
      [skewMs, timeMs, agentId],
    );
    return { previousSkewMs: row?.skew ?? null };
  }

  async createToken(token: { id: string; secretHash: Buffer; createdMs: number; expiresMs: number; maxUses: number; createdBy: string }): Promise<void> {
    await this.pool.query(
      'INSERT INTO enrollment_tokens (id, secret_hash, created_ms, expires_ms, max_uses, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
      [token.id, token.secretHash, token.createdMs, token.expiresMs, token.maxUses, token.createdBy],
    );
  }

  async useToken(secretHash: Buffer, nowMs: number): Promise<TokenUse> {
    return this.#transaction(async (client): Promise<TokenUse> => {
      const row = (await client.query('SELECT * FROM enrollment_tokens WHERE secret_hash = $1 FOR UPDATE', [secretHash])).rows[0] as Row | undefined;
      if (!row) return { ok: false, reason: 'unknown' };
      const token = tokenFromRow(row);
      if (token.revokedMs !== null) return { ok: false, reason: 'revoked' };
      if (token.expiresMs <= nowMs) return { ok: false, reason: 'expired' };
      if (token.uses >= token.maxUses) return { ok: false, reason: 'used_up' };
      await client.query('UPDATE enrollment_tokens SET uses = uses + 1 WHERE id = $1', [token.id]);
      return { ok: true, token: { ...token, uses: token.uses + 1 } };
    });
  }

  async revokeToken(id: string, nowMs: number): Promise<boolean> {
    return ((await this.pool.query('UPDATE enrollment_tokens SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL', [nowMs, id])).rowCount ?? 0) > 0;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.#rows('SELECT * FROM enrollment_tokens ORDER BY created_ms')).map(tokenFromRow);
  }

  async addSealSeed(agentId: string, seed: SealSeedRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO seal_seeds (agent_id, chain, seed, from_seq, reason, received_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
      [agentId, seed.chain, seed.seed, seed.fromSeq, seed.reason, seed.receivedMs],
    );
  }

  async sealSeeds(agentId: string): Promise<SealSeedRecord[]> {
    return this.#rows<SealSeedRecord>(
      'SELECT chain, seed, from_seq AS "fromSeq", reason, received_ms AS "receivedMs" FROM seal_seeds WHERE agent_id = $1 ORDER BY from_seq, received_ms',
      [agentId],
    );
  }

  async eventSeal(agentId: string, seq: number): Promise<{ chain: number; epoch: number; seal: Buffer } | undefined> {
    const [row] = await this.#rows<{ chain: number; epoch: number; seal: Buffer }>(
      'SELECT seal_chain AS chain, seal_epoch AS epoch, seal FROM events WHERE agent_id = $1 AND seq = $2 AND seal_chain IS NOT NULL',
      [agentId, seq],
    );
    return row;
  }

  async eventHash(agentId: string, seq: number): Promise<Buffer | undefined> {
    const [row] = await this.#rows<{ hash: Buffer }>('SELECT hash FROM events WHERE agent_id = $1 AND seq = $2', [agentId, seq]);
    return row?.hash;
  }

  async appendBatch(batch: AcceptedBatch, receivedMs: number): Promise<{ inserted: number }> {
    return this.#groupAppend.append(batch, receivedMs);
  }

  async projectPending(limit: number): Promise<ProjectionPass> {
    return this.#transaction(async (client) => {
      // The cursor row lock makes one pass at a time, also across collectors sharing the database.
      const cursor = (await client.query<{ tx: string; eventId: number }>('SELECT tx::text AS tx, event_id AS "eventId" FROM projection_cursor FOR UPDATE')).rows[0]!;
      // Only rows of transactions older than every running one: their (tx, id) positions are final.
      const { rows } = await client.query<StoredEvent & { tx: string }>(
        `SELECT ${eventColumns}, tx::text AS tx FROM events
         WHERE (tx, id) > ($1::xid8, $2::bigint) AND tx < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY events.tx, events.id LIMIT $3`,
        [cursor.tx, cursor.eventId, Math.min(limit, 1_000_000)],
      );
      const pass: ProjectionPass = { events: [], findings: [] };
      for (const { tx: _tx, ...stored } of rows) {
        let event: Event__Output;
        try {
          event = decodeEvent(stored.bytes);
        } catch {
          // Ingest read only the envelope; a payload that does not decode stays stored as the evidence it is.
          const finding = {
            agentId: stored.agentId, pc: stored.pc, timeMs: stored.receivedMs, kind: 'malformed_signed_event',
            detail: `signed event ${stored.seq} carries a ${stored.kind || 'missing'} payload that is not valid mamori.v1`,
          };
          await client.query('INSERT INTO integrity_findings (agent_id, pc, time_ms, kind, detail) VALUES ($1, $2, $3, $4, $5)',
            [finding.agentId, finding.pc, finding.timeMs, finding.kind, finding.detail]);
          pass.findings.push(finding);
          continue;
        }
        pass.events.push({ stored, event });
      }
      await insertLogEntries(client, pass.events);
      await insertDeviceEvents(client, pass.events);
      await insertPrintJobs(client, pass.events);
      await applyAccessRequestEvents(client, pass.events);
      await insertMails(client, pass.events);
      await insertUploads(client, pass.events);
      // Risk's cursor counts positions, not ids (an id below it may still commit): the pass hands them on.
      const positions = await insertExportOrder(client, rows);
      for (const { stored } of pass.events) stored.position = positions.get(stored.id)!;
      const last = rows.at(-1);
      if (last) await client.query('UPDATE projection_cursor SET tx = $1::xid8, event_id = $2', [last.tx, last.id]);
      return pass;
    });
  }

  async recordIntegrityFinding(finding: IntegrityFinding): Promise<void> {
    await this.pool.query('INSERT INTO integrity_findings (agent_id, pc, time_ms, kind, detail, count) VALUES ($1, $2, $3, $4, $5, $6)',
      [finding.agentId, finding.pc, finding.timeMs, finding.kind, finding.detail, finding.count ?? 1]);
  }

  async listIntegrityFindings(agentId?: string): Promise<IntegrityFinding[]> {
    const columns = 'agent_id AS "agentId", pc, time_ms AS "timeMs", kind, detail, count';
    return agentId
      ? this.#rows<IntegrityFinding>(`SELECT ${columns} FROM integrity_findings WHERE agent_id = $1 ORDER BY id`, [agentId])
      : this.#rows<IntegrityFinding>(`SELECT ${columns} FROM integrity_findings ORDER BY id`);
  }

  async quarantineBatch(input: QuarantineInput): Promise<QuarantineOutcome> {
    return this.#transaction((client) => this.#segments.quarantine(client, input));
  }

  async listQuarantinedBatches(agentId: string): Promise<QuarantinedBatch[]> {
    return this.#segments.quarantined(agentId);
  }

  async recordChainSegment(segment: ChainSegment): Promise<void> {
    await this.#segments.recordSegment(this.pool, segment);
  }

  async listChainSegments(agentId: string): Promise<ChainSegment[]> {
    return this.#segments.segments(agentId);
  }

  async countEvents(agentId?: string): Promise<number> {
    const [row] = agentId
      ? await this.#rows<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE agent_id = $1', [agentId])
      : await this.#rows<{ n: number }>('SELECT COUNT(*) AS n FROM events');
    return row!.n;
  }

  async eventsBySeq(agentId: string, fromSeq: number, toSeq: number): Promise<StoredEvent[]> {
    return this.#rows<StoredEvent>(`SELECT ${eventColumns} FROM events WHERE agent_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`, [agentId, fromSeq, toSeq]);
  }

  async seqRangeForTime(agentId: string, fromMs: number, toMs: number): Promise<{ fromSeq: number; toSeq: number } | undefined> {
    const [row] = await this.#rows<{ fromSeq: number | null; toSeq: number | null }>(
      'SELECT MIN(seq) AS "fromSeq", MAX(seq) AS "toSeq" FROM events WHERE agent_id = $1 AND time_ms BETWEEN $2 AND $3', [agentId, fromMs, toMs]);
    return row?.fromSeq == null || row.toSeq == null ? undefined : { fromSeq: row.fromSeq, toSeq: row.toSeq };
  }

  async batchesCovering(agentId: string, fromSeq: number, toSeq: number): Promise<BatchRecord[]> {
    return this.#rows<BatchRecord>(
      `SELECT first_seq AS "firstSeq", last_seq AS "lastSeq", prev_hash AS "prevHash", last_hash AS "lastHash", signature
       FROM batches WHERE agent_id = $1 AND last_seq >= $2 AND first_seq <= $3 ORDER BY first_seq, id`, [agentId, fromSeq, toSeq]);
  }

  async getUser(username: string): Promise<{ username: string; passwordHash: string; role: Role } | undefined> {
    const [row] = await this.#rows<{ username: string; passwordHash: string; role: Role }>(
      'SELECT username, password_hash AS "passwordHash", role FROM users WHERE username = $1', [username]);
    return row;
  }

  async putUser(user: { username: string; passwordHash: string; role: Role; createdMs: number }): Promise<void> {
    await this.pool.query(
      `INSERT INTO users (username, password_hash, role, created_ms) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role`,
      [user.username, user.passwordHash, user.role, user.createdMs]);
  }

  async countUsers(): Promise<number> {
    return (await this.#rows<{ n: number }>('SELECT COUNT(*) AS n FROM users'))[0]!.n;
  }

  async appendAudit(entry: { timeMs: number; actor: string; action: string; entry: Record<string, unknown> }): Promise<AuditEntry> {
    return this.#transaction(async (client) => {
      // One writer at a time across collectors, so no two entries chain from the same predecessor.
      await client.query('SELECT pg_advisory_xact_lock($1)', [auditLock]);
      const prevHash = (await client.query<{ hash: Buffer }>('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1')).rows[0]?.hash ?? ZERO_HASH;
      const json = JSON.stringify({ timeMs: entry.timeMs, actor: entry.actor, action: entry.action, entry: entry.entry });
      const hash = createHash('sha256').update(prevHash).update(json).digest();
      const { rows } = await client.query<{ id: number }>(
        'INSERT INTO audit_log (time_ms, actor, action, entry_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [entry.timeMs, entry.actor, entry.action, JSON.stringify(entry.entry), prevHash, hash]);
      return { id: rows[0]!.id, ...entry, prevHash, hash };
    });
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    return (await this.#rows('SELECT * FROM audit_log ORDER BY id DESC LIMIT $1', [limit])).map((row) => ({
      id: row.id as number, timeMs: row.time_ms as number, actor: row.actor as string, action: row.action as string,
      entry: JSON.parse(row.entry_json as string) as Record<string, unknown>, prevHash: row.prev_hash as Buffer, hash: row.hash as Buffer,
    }));
  }

  async savePolicyVersion(version: Omit<PolicyVersionRecord, 'version'>): Promise<number> {
    const { rows } = await this.pool.query<{ version: number }>(
      'INSERT INTO policy_versions (created_ms, created_by, sources_json, comment) VALUES ($1, $2, $3, $4) RETURNING version',
      [version.createdMs, version.createdBy, JSON.stringify(version.sources), version.comment]);
    return rows[0]!.version;
  }

  async latestPolicyVersion(): Promise<PolicyVersionRecord | undefined> {
    const [row] = await this.#rows('SELECT * FROM policy_versions ORDER BY version DESC LIMIT 1');
    if (!row) return undefined;
    return {
      version: row.version as number, createdMs: row.created_ms as number, createdBy: row.created_by as string,
      sources: JSON.parse(row.sources_json as string) as PolicyVersionRecord['sources'], comment: row.comment as string,
    };
  }

  async latestPolicyVersionNumber(): Promise<number> {
    return (await this.#rows<{ version: number }>('SELECT COALESCE(MAX(version), 0) AS version FROM policy_versions'))[0]!.version;
  }

  async createDeviceException(exception: DeviceExceptionRecord): Promise<void> {
    await this.pool.query(
      // As in SQLite, a new exception is stored unrevoked (revoking is its own action).
      `INSERT INTO device_exceptions (id, pc, serial, mode, until_ms, reason, created_by, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [exception.id, exception.pc, exception.serial, exception.mode, exception.untilMs, exception.reason, exception.createdBy, exception.createdMs]);
  }

  async activeDeviceExceptions(pc: string, nowMs: number): Promise<DeviceExceptionRecord[]> {
    return this.#rows<DeviceExceptionRecord>(
      `SELECT id, pc, serial, mode, until_ms AS "untilMs", reason, created_by AS "createdBy", created_ms AS "createdMs", revoked_ms AS "revokedMs"
       FROM device_exceptions WHERE pc = $1 AND until_ms > $2 AND revoked_ms IS NULL ORDER BY created_ms`, [pc, nowMs]);
  }

  async exceptionsAfter(rowCursor: number): Promise<{ cursor: number; pcs: string[] }> {
    const rows = await this.#rows<{ cursor: number; pc: string }>('SELECT row_id AS cursor, pc FROM device_exceptions WHERE row_id > $1 ORDER BY row_id', [rowCursor]);
    return { cursor: rows.at(-1)?.cursor ?? rowCursor, pcs: [...new Set(rows.map((r) => r.pc))] };
  }

  async close(): Promise<void> {
    await this.#groupAppend.close();
    await this.#connectionStates.settled();
    await this.pool.end();
  }
}
