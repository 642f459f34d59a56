import type { ClientDuplexStream } from '@grpc/grpc-js';
import { join } from 'node:path';
import {
  ZERO_HASH, chainHash, encodeEvent, loadPrivateKey, sealEvent, signAuth, signBatch, type AgentMessage, type CollectorMessage__Output,
  type Event,
} from '@mamori/proto';
import { SealKeyFile, type SealKeyState } from '../../agent/src/core/seal-key-file.ts';
import { createCollectorClient } from '../../agent/src/uplink/client.ts';
import { readIdentity, stateFiles } from '../../agent/src/state/identity.ts';
import type { KeyObject } from 'node:crypto';

/**
 * A hand-driven agent connection for tamper and bad-input tests: it speaks the protocol directly so tests can
 * send forged, replayed, reordered or malformed batches.
 */
export class RawAgent {
  readonly agentId: string;
  readonly key: KeyObject;
  readonly call: ClientDuplexStream<AgentMessage, CollectorMessage__Output>;
  readonly received: CollectorMessage__Output[] = [];
  error: { code?: number; details?: string; metadata?: { get(k: string): unknown[] } } | undefined;
  ended = false;
  /** The enrolled agent's seal key (epoch 0 after enrollment; a raw agent never evolves it), if it has one. */
  readonly seal: SealKeyState | undefined;
  #hash: Buffer = ZERO_HASH;
  #seq = 0;

  /** `authKey` answers the challenge with another key than the agent's (a stream posing as it). */
  constructor(stateDir: string, options: { agentId?: string; authKey?: KeyObject } = {}) {
    const { identity, privateKeyPem } = readIdentity(stateDir);
    this.agentId = options.agentId ?? identity.agentId;
    this.key = loadPrivateKey(privateKeyPem);
    this.seal = new SealKeyFile(join(stateDir, stateFiles.sealKey)).read();
    const client = createCollectorClient(identity.collectorAddresses[0]!, identity.caPem);
    this.call = client.Connect();
    this.call.on('data', (m: CollectorMessage__Output) => {
      this.received.push(m);
      if (m.challenge) this.call.write({ auth: { signature: signAuth(options.authKey ?? this.key, this.agentId, m.challenge.nonce) } });
    });
    this.call.on('error', (e) => (this.error = e as RawAgent['error']));
    this.call.on('end', () => (this.ended = true));
  }

  hello(): void {
    this.call.write({ hello: { agentId: this.agentId, agentVersion: 'raw' } });
  }

  async welcomed(): Promise<void> {
    await until(() => this.received.some((m) => m.welcome) || this.error !== undefined);
    if (this.error) throw new Error(`not welcomed: ${this.error.details}`);
    const welcome = this.received.find((m) => m.welcome)!.welcome!;
    this.#seq = welcome.lastSeq;
    this.#hash = welcome.lastHash.length === 32 ? welcome.lastHash : ZERO_HASH;
  }

  /** Builds the next `count` events with correct seq, chain and seals (without sending). */
  makeBatch(count: number, options: { key?: KeyObject; agentIdInEvents?: string } = {}): RawBatch {
    const firstSeq = this.#seq + 1;
    const prevHash = this.#hash;
    const events: Buffer[] = [];
    let hash = prevHash;
    for (let i = 0; i < count; i += 1) {
      const event: Event = { seq: firstSeq + i, timeMs: Date.now(), agentId: options.agentIdInEvents ?? this.agentId, pc: 'RAW', user: 'u', lifecycle: { kind: 'STARTED', detail: `raw ${firstSeq + i}` } };
      const bytes = encodeEvent(event);
      hash = chainHash(hash, bytes);
      events.push(bytes);
    }
    this.#seq += count;
    this.#hash = hash;
    const signature = signBatch(options.key ?? this.key, this.agentId, firstSeq, count, prevHash, hash);
    return this.reseal({ firstSeq, events, prevHash, lastHash: hash, signature });
  }

  /** Seals a batch's events with the current (epoch 0) key, as the holder of that key can: no-op when unsealed. */
  reseal(batch: RawBatch): RawBatch {
    if (!this.seal) return batch;
    const seals: Buffer[] = [];
    let hash = batch.prevHash;
    batch.events.forEach((bytes, i) => {
      hash = chainHash(hash, bytes);
      seals.push(sealEvent(this.seal!.key, batch.firstSeq + i, this.seal!.epoch, hash));
    });
    return { ...batch, sealChain: this.seal.chain, sealEpochRuns: [this.seal.epoch, batch.events.length], seals: Buffer.concat(seals), sealCloses: [] };
  }

  /** Re-signs (and re-seals) a (modified) batch with this agent's keys. */
  resign(batch: RawBatch): RawBatch {
    return this.reseal({ ...batch, signature: signBatch(this.key, this.agentId, batch.firstSeq, batch.events.length, batch.prevHash, batch.lastHash) });
  }

  /** Sends a batch and waits for its ack (returns the acked seq), its rejection or the stream's error. */
  async send(batch: ReturnType<RawAgent['makeBatch']>): Promise<number | Error> {
    const before = this.received.length;
    this.call.write({ batch });
    await until(() => this.received.slice(before).some((m) => m.ack || m.rejected) || this.error !== undefined || this.ended);
    const ack = this.received.slice(before).find((m) => m.ack);
    if (ack) return ack.ack!.lastSeq;
    const rejected = this.received.slice(before).find((m) => m.rejected)?.rejected;
    if (rejected) return new Error(`rejected:${rejected.code}:${rejected.reason}${rejected.quarantined ? `:quarantined:resume ${rejected.resumeFromSeq}` : ''}`);
    return new Error(`${this.error?.code}:${String(this.error?.metadata?.get('mamori-error-code')[0])}:${this.error?.details}`);
  }

  close(): void {
    this.call.cancel();
  }
}

export interface RawBatch {
  firstSeq: number;
  events: Buffer[];
  prevHash: Buffer;
  lastHash: Buffer;
  signature: Buffer;
  sealChain?: number;
  sealEpochRuns?: number[];
  seals?: Buffer;
  sealCloses?: { epoch: number; lastSeq: number; lastHash: Buffer; mac: Buffer }[];
}

export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
