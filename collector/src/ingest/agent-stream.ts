import { randomBytes, verify, type KeyObject } from 'node:crypto';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { authPayload, publicKeyFromRaw, type AgentMessage__Output, type CollectorMessage } from '@mamori/proto';
import { CollectorError } from '../errors.ts';
import type { CollectorHub } from '../hub.ts';
import type { PolicyService } from '../policy-service.ts';
import type { Store } from '../store/store.ts';
import type { AgentRecord, IntegrityFinding, SealSeedRecord } from '../store/types.ts';
import { acceptSealSeed } from './seal-seeds.ts';
import { sealCheckInput } from './verify-seals.ts';
import type { SessionRegistry } from './sessions.ts';
import type { StreamAuthFailures } from './stream-auth-failures.ts';
import type { BatchCrypto, BatchCryptoPool } from './batch-crypto-pool.ts';
import { noteAgentClock } from './clock-skew.ts';
import { anchorSegment } from '../evidence-anchor.ts';
import type { EvidenceSigningKey } from '../pki/evidence-key.ts';
import { checkBatchShape, verifyBatch, type BatchLimits } from './verify-batch.ts';
import type { EventSpans } from './wire-batch.ts';

export interface StreamDeps {
  store: Store;
  hub: CollectorHub;
  sessions: SessionRegistry;
  policy: PolicyService;
  limits: BatchLimits;
  /** Signature and hash-chain checks, on worker threads. */
  crypto: BatchCryptoPool;
  now: () => number;
  /** Called after events were stored (the projector derives query tables and alerts from them). */
  onStored: () => void;
  /** Records failed authentications (rate-limited findings); absent in narrow tests. */
  authFailures?: Pick<StreamAuthFailures, 'unknownAgent' | 'badProof'>;
  /** Signs segment anchors when a boundary is recorded; absent in narrow tests (an export then signs them). */
  evidenceKey?: EvidenceSigningKey;
  /** The deployment's collectors, told to every agent in its welcome (config `grpc.agentAddresses`; empty: none). */
  collectorAddresses?: readonly string[];
}

type Call = ServerDuplexStream<AgentMessage__Output, CollectorMessage>;

/** Ends the call with a gRPC status whose metadata carries our error code. */
export function failCall(call: Call, error: CollectorError): void {
  const metadata = new Metadata();
  metadata.set('mamori-error-code', error.code);
  call.emit('error', { code: error.grpcStatus, details: error.message, metadata });
}

/**
 * One agent's stream: Hello → Challenge → AuthProof → Welcome (+ policy), then batches and heartbeats up, acks
 * and pushes down. Messages are handled strictly in order, one at a time, so acks follow storage; only a batch's
 * signature and chain check starts as soon as it arrives (on a worker thread), while earlier ones are stored.
 */
export function handleAgentStream(call: Call, deps: StreamDeps): void {
  let stage: 'hello' | 'auth' | 'ready' | 'closed' = 'hello';
  let agent: AgentRecord | undefined;
  let agentKey: KeyObject | undefined;
  /** The agent's clock minus ours when its hello arrived (undefined: an agent that does not say its time). */
  let clockSkewMs: number | undefined;
  let announcedSeed: NonNullable<AgentMessage__Output['hello']>['sealSeed'] = null;
  let seeds: SealSeedRecord[] = [];
  let sealsKnown = false;
  const nonce = randomBytes(32);
  let queue = Promise.resolve();
  const session = {
    agentId: '', pc: '',
    send: (message: CollectorMessage) => { if (stage !== 'closed') call.write(message); },
    close: () => { if (stage !== 'closed') { stage = 'closed'; call.end(); } },
  };

  const fail = (error: CollectorError) => {
    if (stage === 'closed') return;
    stage = 'closed';
    failCall(call, error);
  };

  /** With `spans` when it came off the wire (wire-batch.ts): its events are then made into Buffers only at its turn. */
  type Batch = NonNullable<AgentMessage__Output['batch']> & { spans?: EventSpans };
  const checkCrypto = (current: AgentRecord, key: KeyObject, batch: Batch): Promise<BatchCrypto> => deps.crypto.check({
    agentId: current.id, publicKey: current.publicKey, key, firstSeq: batch.firstSeq, events: batch.spans ?? batch.events,
    prevHash: batch.prevHash, lastHash: batch.lastHash, signature: batch.signature, seal: sealCheckInput(seeds, batch),
  });

  const handle = async (message: AgentMessage__Output, early?: Promise<BatchCrypto>): Promise<void> => {
    if (stage === 'closed') return;
    if (stage === 'hello') {
      if (!message.hello) return fail(new CollectorError('COLLECTOR_PROTOCOL_VIOLATION', 'the first message must be hello'));
      announcedSeed = message.hello.sealSeed; // stored only once the agent has proved who it is
      agent = await deps.store.getAgent(message.hello.agentId);
      if (!agent || agent.retiredMs !== null) {
        deps.authFailures?.unknownAgent(message.hello.agentId, agent, call.getPeer());
        return fail(new CollectorError('COLLECTOR_UNKNOWN_AGENT', message.hello.agentId.slice(0, 80)));
      }
      stage = 'auth';
      if (message.hello.agentTimeMs > 0) clockSkewMs = message.hello.agentTimeMs - deps.now();
      call.write({ challenge: { nonce } });
      return;
    }
    if (stage === 'auth') {
      if (!message.auth || !agent) return fail(new CollectorError('COLLECTOR_PROTOCOL_VIOLATION', 'expected the challenge response'));
      let ok = false;
      try {
        agentKey = publicKeyFromRaw(agent.publicKey);
        ok = verify(null, authPayload(agent.id, nonce), agentKey, message.auth.signature);
      } catch {
        ok = false;
      }
      if (!ok) {
        deps.authFailures?.badProof(agent, call.getPeer());
        return fail(new CollectorError('COLLECTOR_AUTH_FAILED'));
      }
      stage = 'ready';
      session.agentId = agent.id;
      session.pc = agent.pc;
      deps.sessions.add(session);
      const now = deps.now();
      await deps.store.setConnected(agent.id, true, now);
      deps.hub.emit('connection', { agentId: agent.id, pc: agent.pc, connected: true, timeMs: now });
      // A new seal chain is stored before the Welcome, which is what tells the agent it may erase the seed.
      if (announcedSeed) {
        const accepted = await acceptSealSeed(agent, announcedSeed, deps.store, deps.now());
        seeds = accepted.seeds;
        if (accepted.finding) {
          const finding = { ...accepted.finding, agentId: agent.id, pc: agent.pc, timeMs: deps.now() };
          await deps.store.recordIntegrityFinding(finding);
          deps.hub.emit('integrity', finding);
        }
      } else {
        seeds = await deps.store.sealSeeds(agent.id);
      }
      sealsKnown = true;
      call.write({ welcome: { lastSeq: agent.lastSeq, lastHash: agent.lastHash, serverTimeMs: now, collectorAddresses: [...deps.collectorAddresses ?? []] } });
      if (clockSkewMs !== undefined) await noteAgentClock(deps, agent, clockSkewMs, now);
      const policy = await deps.policy.effectiveFor(agent.pc);
      call.write({ policy: { version: policy.version, policyJson: JSON.stringify(policy) } });
      return;
    }
    if (!agent) return;
    if (message.batch) return handleBatch(agent, message.batch, early);
    if (message.heartbeat) {
      const hb = message.heartbeat;
      await deps.store.recordHeartbeat(agent.id, {
        timeMs: deps.now(), agentVersion: hb.agentVersion.slice(0, 64), policyVersion: hb.policyVersion,
        currentUser: hb.user.slice(0, 256), journalBacklog: hb.journalBacklog,
        sensors: hb.sensors.slice(0, 32).map((s) => ({ name: s.name.slice(0, 64), state: s.state.slice(0, 32), detail: s.detail.slice(0, 500) })),
      });
      return;
    }
    if (message.commandResult) return;
    return fail(new CollectorError('COLLECTOR_PROTOCOL_VIOLATION', `unexpected ${message.body ?? 'empty'} message`));
  };

  const handleBatch = async (current: AgentRecord, batch: Batch, early?: Promise<BatchCrypto>): Promise<void> => {
    const verdict = await verifyBatch(current, batch, deps.store, deps.limits, () => early ?? checkCrypto(current, agentKey!, batch), seeds);
    const now = deps.now();
    if (verdict.action === 'reject') {
      if (!verdict.finding) return fail(verdict.error);
      return quarantine(current, batch, verdict.error, { ...verdict.finding, agentId: current.id, pc: current.pc, timeMs: now });
    }
    if (verdict.action === 'duplicate') {
      call.write({ ack: { lastSeq: Math.max(verdict.lastSeq, current.lastSeq) } });
      return;
    }
    const { inserted } = await deps.store.appendBatch(verdict.batch, now);
    for (const f of verdict.findings) {
      const finding = { ...f, agentId: current.id, pc: current.pc, timeMs: now };
      await deps.store.recordIntegrityFinding(finding);
      deps.hub.emit('integrity', finding);
    }
    for (const reset of verdict.resets) {
      const anchor = deps.evidenceKey && anchorSegment(deps.evidenceKey, {
        agentId: current.id, startSeq: reset.startSeq, prevHash: reset.anchorHash, reason: 'journal_reset', recordedMs: now,
      });
      await deps.store.recordChainSegment({
        agentId: current.id, startSeq: reset.startSeq, anchorHash: reset.anchorHash, reason: 'journal_reset', detail: reset.finding.detail,
        quarantineId: null, timeMs: now, anchorJson: anchor ? JSON.stringify(anchor) : null,
      });
      await auditSegment(now, { agentId: current.id, reason: 'journal_reset', startSeq: reset.startSeq, anchorHash: reset.anchorHash.toString('hex') });
    }
    if (verdict.batch.lastSeq > current.lastSeq) {
      current.lastSeq = verdict.batch.lastSeq;
      current.lastHash = verdict.batch.lastHash;
    }
    call.write({ ack: { lastSeq: verdict.batch.lastSeq } });
    if (inserted > 0) deps.onStored();
    // Let the event loop send this ack (and read what arrived) before the next queued batch: the queue runs on
    // promises, so without this a stream's acks all left together after its whole backlog, and an agent with
    // 8 batches in flight then sat idle waiting for them instead of sending more.
    await new Promise((resolve) => setImmediate(resolve));
  };

  /** Segment boundaries also go into the collector's own hash-chained audit log, so the record of them is tamper-evident. */
  const auditSegment = (timeMs: number, entry: Record<string, unknown>) =>
    deps.store.appendAudit({ timeMs, actor: 'collector', action: 'evidence.segment', entry }).then(() => undefined);

  /**
   * An integrity refusal must not block the PC: the batch's exact bytes are kept as quarantined evidence with one
   * finding (an identical resend only counts up), the chain head moves past it as a new segment, and the agent
   * is told to drop those rows and go on. The stream stays open, so batches already in flight behind it follow.
   */
  const quarantine = async (current: AgentRecord, batch: Batch, error: CollectorError, finding: IntegrityFinding): Promise<void> => {
    const lastSeq = batch.firstSeq + batch.events.length - 1;
    // Signed now for the segment the store opens after this batch if it reaches past the head (unused otherwise).
    const anchor = deps.evidenceKey && anchorSegment(deps.evidenceKey, {
      agentId: current.id, startSeq: lastSeq + 1, prevHash: batch.lastHash, reason: 'quarantine', recordedMs: finding.timeMs,
      quarantined: { firstSeq: batch.firstSeq, lastSeq, lastHash: batch.lastHash, code: error.code },
    });
    const outcome = await deps.store.quarantineBatch({
      agentId: current.id, pc: current.pc, firstSeq: batch.firstSeq, prevHash: batch.prevHash, lastHash: batch.lastHash,
      signature: batch.signature, events: batch.events, code: error.code, finding, timeMs: finding.timeMs,
      ...(anchor ? { segmentAnchorJson: JSON.stringify(anchor) } : {}),
    }).catch((cause: unknown) => {
      // Not kept, so not answered as quarantined: the stream ends and the agent sends the batch again later.
      throw new CollectorError('COLLECTOR_QUARANTINE_UNAVAILABLE', (cause as Error).message, { cause });
    });
    if (outcome.firstTime) {
      deps.hub.emit('integrity', finding);
      await auditSegment(finding.timeMs, {
        agentId: current.id, reason: 'quarantine', quarantineId: outcome.id, firstSeq: batch.firstSeq, lastSeq, code: error.code,
        startSeq: lastSeq + 1, anchorHash: batch.lastHash.toString('hex'),
      });
    }
    if (outcome.head.seq > current.lastSeq) {
      current.lastSeq = outcome.head.seq;
      current.lastHash = outcome.head.hash;
    }
    // Behind the head (a rewritten old batch) the chain the agent resumes on is the stored one at lastSeq.
    const anchorHash = lastSeq >= current.lastSeq ? current.lastHash : (await deps.store.eventHash(current.id, lastSeq)) ?? current.lastHash;
    call.write({
      rejected: {
        firstSeq: batch.firstSeq, code: error.code, reason: error.message, quarantined: true, lastSeq, resumeFromSeq: lastSeq + 1,
        anchorHash, quarantineId: outcome.id,
      },
    });
  };

  call.on('data', (message: AgentMessage__Output) => {
    // An authenticated stream's batch goes to a check thread now, not when its turn in the queue comes.
    let early: Promise<BatchCrypto> | undefined;
    if (message.batch && stage === 'ready' && sealsKnown && agent && agentKey && !checkBatchShape(message.batch, deps.limits)) {
      early = checkCrypto(agent, agentKey, message.batch);
      early.catch(() => undefined); // awaited in turn; this only keeps an early failure from being "unhandled"
    }
    queue = queue.then(() => handle(message, early)).catch((error: unknown) => {
      fail(error instanceof CollectorError ? error : new CollectorError('COLLECTOR_BATCH_MALFORMED', (error as Error).message));
    });
  });
  const closed = () => {
    const wasReady = session.agentId !== '';
    if (stage !== 'closed') stage = 'closed';
    deps.sessions.remove(session);
    if (wasReady && !deps.sessions.isConnected(session.agentId)) {
      const now = deps.now();
      void queue.then(() => deps.store.setConnected(session.agentId, false, now)).catch(() => undefined);
      deps.hub.emit('connection', { agentId: session.agentId, pc: session.pc, connected: false, timeMs: now });
    }
  };
  call.on('end', () => { closed(); call.end(); });
  call.on('cancelled', closed);
  call.on('error', closed);
}
