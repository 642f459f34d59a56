import type { DeviceException, DeviceMode, EffectivePolicy } from '@mamori/policies';
import type { PolicyHolder } from '../../core/policy-holder.ts';
import type { DiskActivity } from '../../platform/diskutil-activity.ts';
import type { Emit } from '../../core/event-draft.ts';
import type { MountHub } from '../../core/removable-media/mount-hub.ts';
import { deviceKey, isMassStorage, type MountInfo, type UsbDeviceInfo, type UsbObservation } from '../../core/removable-media/usb-device.ts';
import { deviceBaseline } from './baseline.ts';
import { actionFor, decideDevice, type DeviceDecision } from './decide.ts';
import type { DeviceEnforcer } from './enforcer.ts';
import type { UnlockLedger } from './unlock-ledger.ts';
import { AgentError } from '../../errors.ts';
import type { LoggedExceptions } from './logged-exceptions.ts';

export interface DeviceControlOptions {
  policy: PolicyHolder;
  enforcer: DeviceEnforcer;
  emit: Emit;
  user: () => string;
  /** The agent's clock: exceptions expire by it, connected or not. */
  now?: () => number;
  /** Where allowed mounts are published for the file-copy sensor. */
  mounts?: MountHub;
  /** Exceptions from offline unlock codes. */
  ledger?: UnlockLedger;
  /** Exceptions already journaled as applied, kept across restarts (absent: journal them again at each start). */
  logged?: LoggedExceptions;
  /** Longest wait between expiry checks, in case the wall clock jumps. */
  maxCheckIntervalMs?: number;
}

interface Attached {
  device: UsbDeviceInfo;
  decision?: DeviceDecision;
}

interface Mounted {
  mount: MountInfo;
  /** We remounted it read-only, so lifting read_only remounts it read-write. */
  madeReadOnly: boolean;
}

/**
 * Device policy on the PC: decides every removable device as it appears and again whenever the policy, an
 * exception or the clock changes the answer; journals each decision (naming its rule) BEFORE the enforcer acts.
 * Works offline: everything it needs is in the last applied policy and the local unlock ledger.
 */
export class DeviceControl {
  readonly #options: DeviceControlOptions;
  readonly #now: () => number;
  readonly #attached = new Map<string, Attached>();
  readonly #mounted = new Map<string, Mounted>();
  readonly #recentSerials: string[] = [];
  #knownExceptions = new Map<string, DeviceException>();
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #started = false;
  #afterEnforcement: (() => Promise<void>) | undefined;
  /** The baseline last applied, as JSON. */
  #baseline: string | undefined;

  constructor(options: DeviceControlOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    // What the last run journaled: a restart journals only what changed while the agent was down.
    for (const exception of options.logged?.load() ?? []) this.#knownExceptions.set(exception.id, exception);
  }

  /**
   * Starts following policy changes and exception expiry until `signal` aborts. The usb sensor starts it, as the
   * source of the observations; `afterEnforcement` (its source's rescan) runs after enforcement changed something,
   * so the source sees the result at once. Starting twice is a programmer error.
   */
  start(signal: AbortSignal, options: { afterEnforcement?: () => Promise<void> } = {}): void {
    if (this.#started) throw new Error('device control was started twice');
    this.#started = true;
    this.#afterEnforcement = options.afterEnforcement;
    const unsubscribe = this.#options.policy.subscribe(() => this.reevaluate());
    signal.addEventListener('abort', () => {
      this.#stopped = true;
      unsubscribe();
      clearTimeout(this.#timer);
    }, { once: true });
    void this.reevaluate();
  }

  /** Feeds one observation from the OS source. Observations are handled strictly in order. */
  handle(observation: UsbObservation): Promise<void> {
    return this.#enqueue(() => this.#handle(observation));
  }

  /** Decides every attached device again (policy pushed, exception started or ended). */
  reevaluate(): Promise<void> {
    return this.#enqueue(() => this.#reevaluate());
  }

  /**
   * Hands one disk notification to the enforcer's mount guard (macOS: a refused stick's volume mounted again is
   * unmounted at once); a no-op with enforcers that need none.
   */
  guardDiskActivity(activity: DiskActivity): Promise<void> {
    return this.#options.enforcer.guard?.(activity) ?? Promise.resolve();
  }

  /** Resolves when everything queued so far is done (tests, shutdown). */
  idle(): Promise<void> {
    return this.#queue;
  }

  /** The enforcer's mechanism ("usbguard", "sysfs", "registry", "diskutil", "none"), for the sensor's status. */
  get mechanism(): string {
    return this.#options.enforcer.mechanism;
  }

  /** Serials seen on this PC recently, newest last: the candidates for a serial-bound unlock code. */
  recentSerials(): string[] {
    return [...this.#recentSerials];
  }

  /**
   * Redeems an offline unlock code (`mamori-agent unlock <code>`): verified with this agent's unlock_key, refused
   * when reused or expired (the refusal is journaled too), then enforced at once. Throws AgentError.
   */
  async redeemUnlockCode(code: string, key: Uint8Array, pc: string): Promise<DeviceException> {
    const ledger = this.#options.ledger;
    if (!ledger) throw new AgentError('AGENT_UNLOCK_CODE_INVALID', 'this agent keeps no unlock ledger');
    let exception: DeviceException;
    try {
      exception = ledger.redeem(code, { key, pc, serials: this.recentSerials(), nowMs: this.#now() });
    } catch (error) {
      this.#options.emit({
        user: this.#options.user(),
        policyDecision: { subject: 'device', decision: 'unlock_refused', rule: 'device.unlock_code', detail: error instanceof Error ? error.message : String(error) },
      });
      throw error;
    }
    await this.reevaluate();
    return exception;
  }

  /** Exceptions in force from offline unlock codes redeemed on this PC (the policy's own are in the policy). */
  localExceptions(): DeviceException[] {
    return this.#options.ledger?.active(this.#now()) ?? [];
  }

  /** The decision in force for an attached device (undefined for non-storage or unknown devices). */
  decisionFor(busPath: string): DeviceDecision | undefined {
    return [...this.#attached.values()].find((a) => a.device.busPath === busPath)?.decision;
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(work, work);
    // One failing step must not wedge the queue; failures are recorded as events inside the steps.
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #handle(observation: UsbObservation): Promise<void> {
    switch (observation.type) {
      case 'attached': return this.#onAttached(observation.device);
      case 'detached': return this.#onDetached(observation.device);
      case 'mounted': return this.#onMounted(observation.mount);
      case 'unmounted': return this.#onUnmounted(observation.mount);
    }
  }

  async #onAttached(device: UsbDeviceInfo): Promise<void> {
    this.#emitDevice('ATTACHED', { device });
    if (device.serial && !this.#recentSerials.includes(device.serial)) {
      this.#recentSerials.push(device.serial);
      if (this.#recentSerials.length > 20) this.#recentSerials.shift();
    }
    const entry: Attached = { device };
    this.#attached.set(deviceKey(device), entry);
    if (!isMassStorage(device)) return;
    // A serial-only allow entry or exception becomes exact (vendor:product:serial) once its stick is seen.
    await this.#applyBaseline();
    const decision = this.#decide(device);
    if (!decision) return;
    entry.decision = decision;
    this.#emitDecision(device, decision);
    await this.#enforceDevice(device, decision);
  }

  async #onDetached(device: UsbDeviceInfo): Promise<void> {
    this.#attached.delete(deviceKey(device));
    this.#emitDevice('DETACHED', { device });
  }

  async #onMounted(mount: MountInfo): Promise<void> {
    if (!mount.device) return;
    this.#emitDevice('MOUNTED', mountFields(mount));
    const state: Mounted = { mount, madeReadOnly: false };
    this.#mounted.set(mount.mountPoint, state);
    const decision = isMassStorage(mount.device) ? this.#decide(mount.device) : undefined;
    if (!decision) {
      this.#options.mounts?.publish('mounted', mount);
      return;
    }
    await this.#enforceMount(state, decision, true);
  }

  async #onUnmounted(mount: MountInfo): Promise<void> {
    if (!this.#mounted.delete(mount.mountPoint)) return;
    this.#options.mounts?.publish('unmounted', mount);
    this.#emitDevice('UNMOUNTED', mountFields(mount));
  }

  async #reevaluate(): Promise<void> {
    if (this.#stopped) return;
    this.#noteExceptions();
    await this.#applyBaseline();
    for (const entry of this.#attached.values()) {
      if (!isMassStorage(entry.device)) continue;
      const decision = this.#decide(entry.device);
      if (!decision || (entry.decision && sameDecision(entry.decision, decision))) continue;
      entry.decision = decision;
      this.#emitDecision(entry.device, decision);
      for (const state of this.#mounted.values()) {
        if (state.mount.device?.busPath === entry.device.busPath) await this.#enforceMount(state, decision, false);
      }
      await this.#enforceDevice(entry.device, decision);
    }
    this.#schedule();
  }

  /** What the OS can hold by itself (Windows device-installation policy), re-applied whenever it changes. */
  async #applyBaseline(): Promise<void> {
    const enforcer = this.#options.enforcer;
    if (!enforcer.applyBaseline) return;
    const device = this.#options.policy.current()?.device ?? failClosed;
    const baseline = deviceBaseline(device, [...this.#knownExceptions.values()], [...this.#attached.values()].map((a) => a.device));
    const key = JSON.stringify(baseline);
    if (key === this.#baseline) return;
    const ok = await this.#enforce({ mode: baseline.denyStorage ? 'block' : 'allow', rule: device.rule, message: '' }, () => enforcer.applyBaseline!(baseline), 'baseline');
    if (ok) this.#baseline = key;
  }

  #decide(device: UsbDeviceInfo): DeviceDecision | undefined {
    const policy = this.#options.policy.current();
    // Before the first policy arrives the enrollment policy is in force; with none at all, fail closed.
    const device_ = policy?.device ?? failClosed;
    return decideDevice(device_, device, {
      user: this.#options.user(), nowMs: this.#now(), localExceptions: this.#options.ledger?.active(this.#now()),
    });
  }

  async #enforceDevice(device: UsbDeviceInfo, decision: DeviceDecision): Promise<void> {
    await this.#enforce(decision, () => this.#options.enforcer.applyDevice(device, decision.mode), device.busPath);
  }

  /** Brings one mount in line with `decision`; `fresh` = the mount just appeared (record decisions on it). */
  async #enforceMount(state: Mounted, decision: DeviceDecision, fresh: boolean): Promise<void> {
    const { mount } = state;
    const hub = this.#options.mounts;
    if (decision.mode === 'block') {
      hub?.publish('unmounted', mount);
      if (fresh) this.#emitDevice('BLOCKED', { ...mountFields(mount), rule: decision.rule, message: decision.message });
      await this.#enforce(decision, () => this.#options.enforcer.applyMount(mount, 'block'), mount.mountPoint);
      return;
    }
    if (decision.mode === 'read_only' && !mount.readOnly) {
      if (fresh) this.#emitDevice('READ_ONLY', { ...mountFields(mount), rule: decision.rule, message: decision.message });
      const done = await this.#enforce(decision, () => this.#options.enforcer.applyMount(mount, 'read_only'), mount.mountPoint);
      if (done) state.madeReadOnly = true;
    } else if (decision.mode !== 'read_only' && state.madeReadOnly) {
      const done = await this.#enforce(decision, () => this.#options.enforcer.applyMount(mount, decision.mode), mount.mountPoint);
      if (done) state.madeReadOnly = false;
    }
    hub?.publish('mounted', mount);
  }

  async #enforce(decision: DeviceDecision, act: () => Promise<{ ok: boolean; detail: string }>, target: string): Promise<boolean> {
    let result;
    try {
      result = await act();
    } catch (error) {
      result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    if (!result.ok) {
      this.#options.emit({
        user: this.#options.user(),
        policyDecision: {
          subject: 'device', decision: 'enforcement_failed', rule: decision.rule,
          detail: `${decision.mode} on ${target} via ${this.#options.enforcer.mechanism} failed: ${result.detail}`,
        },
      });
      return false;
    }
    await this.#afterEnforcement?.();
    return true;
  }

  #emitDecision(device: UsbDeviceInfo, decision: DeviceDecision): void {
    const message = decision.mode === 'audit' ? `audit (logged only): ${decision.message}` : decision.message;
    this.#emitDevice(actionFor(decision.mode), { device, rule: decision.rule, message });
  }

  #emitDevice(action: 'ATTACHED' | 'DETACHED' | 'MOUNTED' | 'UNMOUNTED' | 'BLOCKED' | 'ALLOWED' | 'READ_ONLY', fields: DeviceFields): void {
    this.#options.emit({ user: this.#options.user(), device: { action, ...fields } });
  }

  /** Records exceptions that started, ended or were revoked since the last look. */
  #noteExceptions(): void {
    const now = this.#now();
    const all = [...(this.#options.policy.current()?.device.exceptions ?? []), ...(this.#options.ledger?.active(now) ?? [])];
    const live = new Map(all.filter((e) => e.untilMs > now).map((e) => [e.id, e]));
    for (const [id, exception] of live) {
      if (!this.#knownExceptions.has(id)) this.#emitException('exception_applied', exception);
    }
    for (const [id, exception] of this.#knownExceptions) {
      if (!live.has(id)) this.#emitException(exception.untilMs <= now ? 'exception_expired' : 'exception_revoked', exception);
    }
    const changed = live.size !== this.#knownExceptions.size || [...live.keys()].some((id) => !this.#knownExceptions.has(id));
    this.#knownExceptions = live;
    if (changed) this.#options.logged?.save([...live.values()]);
  }

  #emitException(decision: string, exception: DeviceException): void {
    const scope = exception.serial ? `serial ${exception.serial}` : 'any removable device';
    this.#options.emit({
      user: this.#options.user(),
      policyDecision: {
        subject: 'device', decision, rule: `device.exceptions.${exception.id}`, untilMs: exception.untilMs,
        detail: `${exception.mode} for ${scope}${exception.reason ? ` (${exception.reason})` : ''}${exception.createdBy ? ` by ${exception.createdBy}` : ''}`,
      },
    });
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const now = this.#now();
    const ends = [...this.#knownExceptions.values()].map((e) => e.untilMs);
    const cap = this.#options.maxCheckIntervalMs ?? 30_000;
    const wait = Math.max(0, Math.min(cap, ...ends.map((t) => t - now)));
    this.#timer = setTimeout(() => void this.reevaluate(), wait);
    this.#timer.unref();
  }
}

type DeviceFields = {
  device?: UsbDeviceInfo; mountPoint?: string; filesystem?: string; sizeBytes?: number; label?: string;
  blockDevice?: string; rule?: string; message?: string;
};

function mountFields(mount: MountInfo): DeviceFields {
  return {
    ...(mount.device ? { device: mount.device } : {}),
    mountPoint: mount.mountPoint, filesystem: mount.filesystem, sizeBytes: mount.sizeBytes, label: mount.label,
    blockDevice: mount.blockDevice,
  };
}

function sameDecision(a: DeviceDecision, b: DeviceDecision): boolean {
  return a.mode === b.mode && a.rule === b.rule;
}

const failClosed: EffectivePolicy['device'] = {
  mode: 'block' satisfies DeviceMode, rule: 'device.no_policy', allow: [], exceptions: [],
  message: 'USB storage is blocked until this PC receives its policy.',
};
