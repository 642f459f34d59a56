import {
  defaultPolicyDir, effectivePolicyFor, parsePolicySources, readPolicyDir, type EffectivePolicy, type PolicySet,
  type PolicySource,
} from '@mamori/policies';
import type { SessionRegistry } from './ingest/sessions.ts';
import type { Store } from './store/store.ts';
import type { DeviceExceptionRecord } from './store/types.ts';
import type { UploadExceptionsRepository } from './store/repositories/upload-exceptions.ts';
import { toPushedUploadException } from './upload-exceptions/upload-exception-service.ts';

/**
 * Holds the organisation's policy versions and turns them into each PC's effective policy (exceptions
 * included), pushing changes down connected agents' streams at once. The newest stored version is the current
 * one, whoever stored it: `refresh()` (polled by `watch()`) takes up versions another process stored, such as
 * `mamori-collector policy-publish` run beside a running collector.
 */
export class PolicyService {
  readonly #store: Store;
  readonly #sessions: SessionRegistry;
  readonly #now: () => number;
  #set: PolicySet | undefined;
  #version = 0;
  /** A stored version that does not parse under today's schema: reported once, not retried on every poll. */
  #unusableVersion = 0;
  /** One refresh at a time, so a slow one and the next poll do not both apply and push the same version. */
  #refreshing: Promise<boolean> | undefined;
  readonly #listeners = new Set<(set: PolicySet, version: number) => void>();

  /** Upload exceptions granted in the collector (absent: none are pushed). */
  readonly #uploadExceptions: UploadExceptionsRepository | undefined;

  constructor(store: Store, sessions: SessionRegistry, now: () => number = Date.now, uploadExceptions?: UploadExceptionsRepository) {
    this.#store = store;
    this.#uploadExceptions = uploadExceptions;
    this.#sessions = sessions;
    this.#now = now;
  }

  /** Loads the latest stored version, storing the shipped defaults as version 1 on a fresh collector. */
  async load(): Promise<void> {
    let latest = await this.#store.latestPolicyVersion();
    if (!latest) {
      await this.#store.savePolicyVersion({ createdMs: this.#now(), createdBy: 'system', sources: readPolicyDir(defaultPolicyDir), comment: 'shipped defaults' });
      latest = (await this.#store.latestPolicyVersion())!;
    }
    this.#set = parsePolicySources(latest.sources);
    this.#version = latest.version;
  }

  /**
   * Takes up a newer version stored by someone else (another process, another code path) and pushes it to the
   * connected agents. Costs one indexed read when nothing changed. Resolves true when the version changed.
   */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refreshOnce().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Polls for versions other processes store; returns the function that stops polling. */
  watch(intervalMs: number, onError: (error: unknown) => void): () => void {
    const timer = setInterval(() => {
      this.refresh().catch(onError);
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async #refreshOnce(): Promise<boolean> {
    const newest = await this.#store.latestPolicyVersionNumber();
    if (newest <= this.#version || newest === this.#unusableVersion) return false;
    const record = await this.#store.latestPolicyVersion();
    if (!record || record.version <= this.#version) return false;
    let set: PolicySet;
    try {
      set = parsePolicySources(record.sources);
    } catch (error) {
      // Whoever stored it validated it first, most likely with a newer build's wider schema: keep serving the
      // version in hand rather than nothing.
      this.#unusableVersion = record.version;
      throw error;
    }
    this.#apply(set, record.version);
    await this.pushAll();
    return true;
  }

  #apply(set: PolicySet, version: number): void {
    if (version <= this.#version) return;
    this.#set = set;
    this.#version = version;
    for (const listener of this.#listeners) listener(set, version);
  }

  get version(): number {
    return this.#version;
  }

  get current(): PolicySet {
    if (!this.#set) throw new Error('PolicyService.load() was not called');
    return this.#set;
  }

  /** Validates new sources (throws PolicyValidationError with file/line/field); only then stores and pushes. */
  async publish(sources: PolicySource[], actor: string, comment = ''): Promise<number> {
    const set = parsePolicySources(sources);
    const version = await this.#store.savePolicyVersion({ createdMs: this.#now(), createdBy: actor, sources, comment });
    this.#apply(set, version); // unless a refresh already took up this version or a newer one
    await this.pushAll();
    return version;
  }

  onChange(listener: (set: PolicySet, version: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async effectiveFor(pc: string): Promise<EffectivePolicy> {
    const exceptions = (await this.#store.activeDeviceExceptions(pc, this.#now())).map(toPolicyException);
    const uploads = (await this.#uploadExceptions?.active(pc, this.#now()) ?? []).map(toPushedUploadException);
    return effectivePolicyFor(this.current, pc, this.#version, exceptions, uploads);
  }

  /** Sends the PC's effective policy down its agent's stream, if connected. */
  async push(pc: string): Promise<number> {
    const sessions = this.#sessions.byPc(pc);
    if (sessions.length === 0) return 0;
    const policy = await this.effectiveFor(pc);
    for (const session of sessions) session.send({ policy: { version: policy.version, policyJson: JSON.stringify(policy) } });
    return sessions.length;
  }

  async pushAll(): Promise<void> {
    const pcs = new Set(this.#sessions.all().map((s) => s.pc));
    await Promise.all([...pcs].map((pc) => this.push(pc)));
  }
}

function toPolicyException(record: DeviceExceptionRecord): EffectivePolicy['device']['exceptions'][number] {
  return {
    id: record.id, mode: record.mode, untilMs: record.untilMs, reason: record.reason, createdBy: record.createdBy,
    ...(record.serial ? { serial: record.serial } : {}),
  };
}
