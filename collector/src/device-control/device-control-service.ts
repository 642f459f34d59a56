import {
  DevicePolicyEditError, PolicyValidationError, registerStick, setDeviceMode, type DeviceMode, type DeviceModeScope,
  effectivePolicyFor, type PolicySet, type PolicySource, type RegisteredStick,
} from '@mamori/policies';
import { CollectorError } from '../errors.ts';
import type { PolicyService } from '../policy-service.ts';
import type { DeviceControlRepository, DeviceExceptionRow } from '../store/repositories/device-control.ts';
import type { Store } from '../store/store.ts';
import { unknownPcMessage } from './did-you-mean.ts';
import { activeOfflineExceptions, type OfflineException } from './offline-exceptions.ts';

/** Where a PC's device mode comes from, for "read-only (group reception)" next to the control. */
export interface DeviceModeState {
  pc: string;
  mode: DeviceMode;
  /** The deciding rule: device.pcs.<pc>, device.groups.<group> or device.default. */
  rule: string;
  source: { kind: 'pc' | 'group' | 'default'; name: string | null };
  /** The PC's own override, if any (what the control shows as selected; null = inherit). */
  pcMode: DeviceMode | null;
  group: { name: string; mode: DeviceMode | null } | null;
  defaultMode: DeviceMode;
  policyVersion: number;
}

/** An active exception as the console lists it: granted here, or redeemed on the PC from an offline code. */
export type ActiveException = (DeviceExceptionRow & { source: 'collector' }) | OfflineException;

/**
 * Revokes a stored exception (console, API or CLI in another process: the running collector's watcher sees the
 * revocation row and pushes). Throws COLLECTOR_NOT_FOUND or COLLECTOR_CONFLICT (already revoked or expired).
 */
export async function revokeDeviceException(
  deps: { store: Store; repo: DeviceControlRepository }, id: string, actor: string, nowMs: number,
): Promise<DeviceExceptionRow> {
  const revoked = await deps.repo.revokeException(id, actor, nowMs);
  if (!revoked) {
    const known = await deps.repo.findException(id);
    if (!known) throw new CollectorError('COLLECTOR_NOT_FOUND', `no exception with id ${id}`);
    throw new CollectorError('COLLECTOR_CONFLICT', `exception ${id} is no longer active (${known.revokedMs !== null ? 'already revoked' : 'expired'})`);
  }
  await deps.store.appendAudit({ timeMs: nowMs, actor, action: 'device_exception.revoke', entry: { id, pc: revoked.pc, serial: revoked.serial, mode: revoked.mode, untilMs: revoked.untilMs } });
  return revoked;
}

const maxExceptionMs = 30 * 24 * 3_600_000;

/**
 * Device control without YAML: per-PC and per-group modes and registered sticks become new policy versions
 * (edits of device.yaml: diff, rollback and audit as for any other), and exceptions can be revoked. Every change
 * is pushed to connected agents by the policy service at once.
 */
export class DeviceControlService {
  constructor(private readonly deps: { policy: PolicyService; store: Store; repo: DeviceControlRepository; now: () => number }) {}

  /** Throws COLLECTOR_NOT_FOUND with "did you mean" when no agent ever enrolled under this name. */
  async requireKnownPc(pc: string): Promise<void> {
    const known = await this.deps.repo.pcNames();
    if (!known.includes(pc)) throw new CollectorError('COLLECTOR_NOT_FOUND', unknownPcMessage(pc, known));
  }

  modeState(pc: string): DeviceModeState {
    return modeStateOf(this.deps.policy.current, pc, this.deps.policy.version);
  }

  /** Groups of the device policy with their mode and PCs, for the per-group control. */
  groups(): { name: string; mode: DeviceMode | null; pcs: string[] }[] {
    return Object.entries(this.deps.policy.current.device.groups).map(([name, g]) => ({ name, mode: g.mode ?? null, pcs: g.pcs }));
  }

  async setMode(scope: DeviceModeScope, mode: DeviceMode | 'inherit', actor: string): Promise<number> {
    if (scope.kind === 'pc') await this.requireKnownPc(scope.name);
    const what = `${scope.kind} ${scope.name}: ${mode}`;
    const version = await this.#publishEdit((sources) => setDeviceMode(sources, scope, mode), actor, `device mode for ${what}`);
    await this.deps.store.appendAudit({ timeMs: this.deps.now(), actor, action: 'device_mode.set', entry: { scope: scope.kind, name: scope.name, mode, version } });
    return version;
  }

  async registerStick(stick: RegisteredStick, actor: string): Promise<number> {
    for (const pc of stick.pcs ?? []) await this.requireKnownPc(pc);
    const version = await this.#publishEdit((sources) => registerStick(sources, stick), actor, `register stick ${stick.name} (${stick.serial})`);
    await this.deps.store.appendAudit({ timeMs: this.deps.now(), actor, action: 'device_stick.register', entry: { ...stick, version } });
    return version;
  }

  /** Revokes a stored exception and pushes the PC's policy without waiting for the watcher. */
  async revokeException(id: string, actor: string): Promise<DeviceExceptionRow> {
    const revoked = await revokeDeviceException(this.deps, id, actor, this.deps.now());
    await this.deps.policy.push(revoked.pc);
    return revoked;
  }

  /** Exceptions in force on the PC: the collector's own and those redeemed there from offline unlock codes. */
  async activeExceptions(pc: string): Promise<ActiveException[]> {
    const nowMs = this.deps.now();
    const stored = await this.deps.store.activeDeviceExceptions(pc, nowMs);
    const decisions = await this.deps.repo.exceptionDecisions(pc, nowMs - maxExceptionMs);
    const offline = activeOfflineExceptions(decisions, (id) => id.startsWith('exc_'), nowMs);
    return [...stored.map((e) => ({ ...e, source: 'collector' as const })), ...offline];
  }

  async #publishEdit(edit: (sources: PolicySource[]) => PolicySource[], actor: string, comment: string): Promise<number> {
    const latest = await this.deps.store.latestPolicyVersion();
    if (!latest) throw new CollectorError('COLLECTOR_CONFLICT', 'no policy version stored yet');
    try {
      return await this.deps.policy.publish(edit(latest.sources), actor, comment);
    } catch (error) {
      if (error instanceof DevicePolicyEditError) throw new CollectorError('COLLECTOR_QUERY_INVALID', error.message);
      if (error instanceof PolicyValidationError) throw new CollectorError('COLLECTOR_POLICY_INVALID', error.message);
      throw error;
    }
  }
}

export function modeStateOf(set: PolicySet, pc: string, version: number): DeviceModeState {
  const device = set.device;
  // The same resolution the agent enforces (and names in its events), so the console and the PC agree.
  const effective = effectivePolicyFor(set, pc, version).device;
  const groupEntry = Object.entries(device.groups).find(([, g]) => g.pcs.includes(pc));
  const group = groupEntry ? { name: groupEntry[0], mode: groupEntry[1].mode ?? null } : null;
  const source: DeviceModeState['source'] = effective.rule.startsWith('device.pcs.') ? { kind: 'pc', name: pc }
    : effective.rule.startsWith('device.groups.') ? { kind: 'group', name: group?.name ?? null } : { kind: 'default', name: null };
  return {
    pc, mode: effective.mode, rule: effective.rule, source, pcMode: device.pcs[pc]?.mode ?? null, group,
    defaultMode: device.default.mode, policyVersion: version,
  };
}
