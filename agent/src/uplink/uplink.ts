import type { ClientDuplexStream } from '@grpc/grpc-js';
import {
  epochRuns, signAuth, signBatch, type AgentMessage, type AgentServiceClient, type CollectorMessage__Output, type EventBatch, type SealSeed,
  type SensorStatus,
} from '@mamori/proto';
import type { KeyObject } from 'node:crypto';
import type { Journal, JournalRow } from '../core/journal.ts';
import { monotonicMs } from '../core/monotonic.ts';
import type { CollectorHead, Reconciliation } from '../core/journal-reset.ts';
import { agentVersion } from '../version.ts';
import { MAX_BACKOFF_ATTEMPT, reconnectDelayMs } from './backoff.ts';
import { cutAtAlteredRow } from './batch-cut.ts';
import { describeGrpcError } from './client.ts';
import { CollectorRotation } from './collector-rotation.ts';

/** Several collectors of one deployment (one database, one CA): the uplink streams to one and fails over to the next. */
export interface CollectorChoice {
  /** host:port of each, in the order to try them. */
  addresses: readonly string[];
  /** A client for one of them (made once per address, on first use; closed by stop()). */
  dial(address: string): AgentServiceClient;
  /** Called with the new order when a collector's welcome changed the list (the agent saves it for its next start). */
  onAddresses?(addresses: readonly string[]): void;
}

export interface UplinkOptions {
  agentId: string;
  privateKey: KeyObject;
  /** Exactly one of `client` (one collector) and `collectors` (several, with fail-over). */
  client?: AgentServiceClient;
  collectors?: CollectorChoice;
  journal: Journal;
  batchSize: number;
  drainEventsPerSecond: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  heartbeatMs: number;
  /** Called with each policy pushed down, as parsed JSON: unchecked (core/policy-intake.ts validates it). */
  onPolicy: (policy: unknown) => void;
  /** Sensor statuses and the current user for heartbeats. */
  heartbeat: () => { sensors: SensorStatus[]; policyVersion: number; user: string };
  onCommand?: (command: { id: string; name: string; argsJson: string }) => void;
  /** Compares the journal with the collector's chain head from each Welcome (journal resets, see core/journal-reset.ts). */
  reconcile: (collector: CollectorHead) => Reconciliation;
  log?: (line: string) => void;
  /** At most this many batches sent and not yet acknowledged. */
  maxInFlight?: number;
  /** Clock for the drain rate (monotonic by default: setting the wall clock back must not stall delivery). */
  monotonic?: () => number;
  /** The collector's wall time from each welcome, to compare with the PC's clock. */
  onServerTime?: (serverTimeMs: number) => void;
  /** The forward-secure seal: a new chain's seed rides in Hello until a Welcome acknowledges it. */
  sealing?: { pendingSeed(): SealSeed | undefined; acknowledgeSeed(seed: Uint8Array): void };
}

export interface UplinkStatus {
  connected: boolean;
  lastError: string;
  ackedSeq: number;
  reconnects: number;
  /** Batches the collector quarantined (their rows were dropped here once it said it holds them). */
  quarantined: number;
  /** The collector dialled or streamed to now (with `collectors`; absent with one `client`). */
  collectorAddress?: string;
}

/**
 * The agent's one long-lived stream to the collector. Sends journaled events in signed batches, deletes them
 * only when acknowledged, reconnects with capped exponential backoff and jitter, and drains a backlog at a
 * bounded rate so thousands of PCs coming back at once don't swamp the collector.
 */
export class Uplink {
  readonly #o: UplinkOptions;
  #call: ClientDuplexStream<AgentMessage, CollectorMessage__Output> | undefined;
  #ready = false;
  #cursor = 0;
  #inFlight: number[] = [];
  #attempt = 0;
  #tokens: number;
  #lastRefill: number;
  readonly #monotonic: () => number;
  #pumpScheduled = false;
  #rateTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #status: UplinkStatus = { connected: false, lastError: '', ackedSeq: 0, reconnects: 0, quarantined: 0 };
  #waiters: (() => void)[] = [];
  #seedSent: SealSeed | undefined;
  readonly #rotation: CollectorRotation | undefined;
  readonly #clients = new Map<string, AgentServiceClient>();

  constructor(options: UplinkOptions) {
    if ((options.client === undefined) === (options.collectors === undefined)) throw new TypeError('Uplink takes either one client or a collector choice');
    this.#o = options;
    this.#rotation = options.collectors ? new CollectorRotation(options.collectors.addresses) : undefined;
    this.#tokens = options.drainEventsPerSecond;
    this.#monotonic = options.monotonic ?? monotonicMs;
    this.#lastRefill = this.#monotonic();
  }

  status(): UplinkStatus {
    return { ...this.#status, ...(this.#rotation ? { collectorAddress: this.#rotation.current } : {}) };
  }

  /** The collectors in the order they are tried, the one in use first (with `collectors`; else empty). */
  collectorAddresses(): readonly string[] {
    return this.#rotation?.addresses ?? [];
  }

  /** The client for the collector to dial now. */
  #client(): AgentServiceClient {
    if (this.#o.client) return this.#o.client;
    const address = this.#rotation!.current;
    let client = this.#clients.get(address);
    if (!client) {
      client = this.#o.collectors!.dial(address);
      this.#clients.set(address, client);
    }
    return client;
  }

  start(signal: AbortSignal): void {
    signal.addEventListener('abort', () => this.stop(), { once: true });
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#rateTimer);
    clearInterval(this.#heartbeatTimer);
    this.#call?.end();
    this.#call?.cancel();
    this.#call = undefined;
    this.#o.client?.close();
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }

  /** Wakes the sender (called after every journal append). */
  notify = (): void => {
    if (this.#pumpScheduled || !this.#ready) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  };

  /** Resolves once everything journaled so far is acknowledged (tests, graceful shutdown). */
  async drained(timeoutMs = 30_000): Promise<boolean> {
    if (this.#o.journal.backlog().events === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => { clearTimeout(timer); resolve(true); });
    });
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#ready = false;
    this.#inFlight = [];
    const call = this.#client().Connect();
    this.#call = call;
    call.on('data', (message: CollectorMessage__Output) => this.#onMessage(call, message));
    call.on('error', (error) => this.#onClosed(call, describeGrpcError(error).message));
    call.on('end', () => this.#onClosed(call, 'stream ended by collector'));
    this.#seedSent = this.#o.sealing?.pendingSeed();
    call.write({ hello: { agentId: this.#o.agentId, agentVersion, agentTimeMs: Date.now(), ...(this.#seedSent ? { sealSeed: this.#seedSent } : {}) } });
  }

  #onClosed(call: ClientDuplexStream<AgentMessage, CollectorMessage__Output>, reason: string): void {
    if (call !== this.#call) return;
    this.#call = undefined;
    this.#ready = false;
    this.#status.connected = false;
    this.#status.lastError = reason;
    clearInterval(this.#heartbeatTimer);
    if (this.#stopped) return;
    // With several collectors the next one is tried, and the backoff grows with whole failed rounds
    // (collector-rotation.ts); with one client every failure is a round, as it always was.
    if (this.#rotation) this.#attempt = Math.min(this.#rotation.failed(), MAX_BACKOFF_ATTEMPT);
    const delay = reconnectDelayMs(this.#attempt, this.#o.backoffInitialMs, this.#o.backoffMaxMs);
    this.#attempt = Math.min(this.#attempt + 1, MAX_BACKOFF_ATTEMPT);
    this.#status.reconnects += 1;
    this.#o.log?.(`uplink: ${reason}; retrying${this.#rotation ? ` with ${this.#rotation.current}` : ''} in ${delay} ms`);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #onMessage(call: ClientDuplexStream<AgentMessage, CollectorMessage__Output>, message: CollectorMessage__Output): void {
    if (call !== this.#call) return;
    if (message.challenge) {
      call.write({ auth: { signature: signAuth(this.#o.privateKey, this.#o.agentId, message.challenge.nonce) } });
    } else if (message.welcome) {
      // The collector stores a seed from Hello before it welcomes: the seed can go now.
      if (this.#seedSent?.seed) this.#o.sealing?.acknowledgeSeed(this.#seedSent.seed as Uint8Array);
      this.#seedSent = undefined;
      this.#attempt = 0;
      this.#ready = true;
      this.#status.connected = true;
      this.#status.lastError = '';
      this.#o.onServerTime?.(message.welcome.serverTimeMs);
      if (this.#rotation) {
        this.#rotation.connected();
        if (this.#rotation.offer(message.welcome.collectorAddresses ?? [])) this.#o.collectors!.onAddresses?.(this.#rotation.addresses);
      }
      // The collector holds everything up to welcome.lastSeq. On our chain: forget it here, send from the next
      // one. Not on our chain (journal deleted or rolled back): a reset starts a new segment after it, and every
      // unsent row is sent — nothing new is skipped or deleted on the collector's word alone.
      const held = message.welcome.lastSeq;
      const outcome = this.#o.reconcile({ lastSeq: held, lastHash: message.welcome.lastHash });
      if (outcome.kind === 'reset') {
        this.#o.log?.(`uplink: journal reset (${outcome.reason}) against the collector's seq ${held}: new segment at seq ${outcome.resetSeq}, ${outcome.renumbered} unsent event(s) renumbered`);
        this.#cursor = this.#o.journal.backlog().firstSeq ?? this.#o.journal.lastSeq + 1;
      } else {
        if (held > 0 && held <= this.#o.journal.lastSeq) this.#acknowledge(held);
        this.#cursor = Math.max(held + 1, this.#o.journal.backlog().firstSeq ?? held + 1);
      }
      this.#sendHeartbeat();
      this.#heartbeatTimer = setInterval(() => this.#sendHeartbeat(), this.#o.heartbeatMs);
      this.#heartbeatTimer.unref();
      this.#pump();
    } else if (message.ack) {
      this.#inFlight = this.#inFlight.filter((last) => last > message.ack!.lastSeq);
      this.#acknowledge(message.ack.lastSeq);
      this.#pump();
    } else if (message.policy) {
      try {
        this.#o.onPolicy(JSON.parse(message.policy.policyJson) as unknown);
      } catch (error) {
        this.#o.log?.(`uplink: ignoring unreadable policy: ${(error as Error).message}`);
      }
    } else if (message.command) {
      this.#o.onCommand?.(message.command);
    } else if (message.rejected) {
      this.#onRejected(message.rejected);
    }
  }

  /**
   * A quarantined batch is held by the collector as evidence and its chain segment closed: drop exactly those
   * rows and go on (the batches behind it are already on their way). Any other refusal ends the stream and is
   * retried after a reconnect, as a transient failure would be.
   */
  #onRejected(rejected: NonNullable<CollectorMessage__Output['rejected']>): void {
    this.#o.log?.(`uplink: batch ${rejected.firstSeq} rejected: ${rejected.code} ${rejected.reason}${rejected.quarantined ? ` (quarantined as #${rejected.quarantineId}; going on from seq ${rejected.resumeFromSeq})` : ''}`);
    if (!rejected.quarantined || rejected.lastSeq < rejected.firstSeq) return;
    this.#inFlight = this.#inFlight.filter((last) => last !== rejected.lastSeq);
    this.#o.journal.discard(rejected.firstSeq, rejected.lastSeq);
    this.#status.quarantined += 1;
    this.#wakeIfDrained();
    this.#pump();
  }

  #wakeIfDrained(): void {
    if (this.#o.journal.backlog().events === 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    }
  }

  #acknowledge(seq: number): void {
    this.#o.journal.acknowledge(seq);
    this.#o.journal.confirmThrough(seq);
    this.#status.ackedSeq = Math.max(this.#status.ackedSeq, seq);
    this.#wakeIfDrained();
  }

  #sendHeartbeat(): void {
    const hb = this.#o.heartbeat();
    this.#call?.write({
      heartbeat: {
        agentVersion, policyVersion: hb.policyVersion, sensors: hb.sensors, journalBacklog: this.#o.journal.backlog().events,
        timeMs: Date.now(), user: hb.user,
      },
    });
  }

  #pump(): void {
    const call = this.#call;
    if (!call || !this.#ready) return;
    const maxInFlight = this.#o.maxInFlight ?? 8;
    while (this.#inFlight.length < maxInFlight && this.#cursor <= this.#o.journal.lastSeq) {
      this.#refill();
      const allowance = Math.min(this.#o.batchSize, Math.floor(this.#tokens));
      if (allowance < 1) {
        clearTimeout(this.#rateTimer);
        this.#rateTimer = setTimeout(() => this.#pump(), 50);
        return;
      }
      const rows = this.#o.journal.read(this.#cursor, allowance);
      if (rows.length === 0) return;
      const first = rows[0]!;
      const last = rows.at(-1)!;
      const count = last.seq - first.seq + 1;
      const consecutive = count === rows.length ? rows : rows.filter((row, i) => row.seq === first.seq + i);
      // One batch, one seal chain: a batch ends where a new chain (or sealing itself) begins.
      const chainEnds = consecutive.findIndex((row) => row.sealChain !== first.sealChain);
      const batchRows = cutAtAlteredRow(chainEnds < 0 ? consecutive : consecutive.slice(0, chainEnds));
      const end = batchRows.at(-1)!;
      const signature = signBatch(this.#o.privateKey, this.#o.agentId, first.seq, batchRows.length, first.prevHash, end.hash);
      this.#tokens -= batchRows.length;
      this.#inFlight.push(end.seq);
      this.#cursor = end.seq + 1;
      const flushed = call.write({
        batch: {
          firstSeq: first.seq, events: batchRows.map((r) => r.bytes), prevHash: first.prevHash, lastHash: end.hash, signature,
          ...this.#seals(batchRows),
        },
      });
      if (!flushed) {
        call.once('drain', () => this.#pump());
        return;
      }
    }
  }

  /** The rows' seals and the close records a verifier needs with them: those pointing at [first seq - 1, last seq]. */
  #seals(rows: JournalRow[]): Partial<EventBatch> {
    const chain = rows[0]!.sealChain;
    if (chain === null) return {};
    const closes = this.#o.journal.closesCovering(chain, rows[0]!.seq - 1, rows.at(-1)!.seq);
    return {
      sealChain: chain, sealEpochRuns: epochRuns(rows.map((r) => r.sealEpoch!)), seals: Buffer.concat(rows.map((r) => r.seal!)),
      sealCloses: closes.map((c) => ({ epoch: c.epoch, lastSeq: c.lastSeq, lastHash: c.lastHash, mac: c.mac })),
    };
  }

  #refill(): void {
    const now = this.#monotonic();
    const rate = this.#o.drainEventsPerSecond;
    this.#tokens = Math.min(rate, this.#tokens + ((now - this.#lastRefill) / 1000) * rate);
    this.#lastRefill = now;
  }
}
