import type { DeviceAllowEntry, DeviceException, DeviceMode, EffectivePolicy } from '@mamori/policies';
import type { UsbDeviceInfo } from '../../core/removable-media/usb-device.ts';

/** What device policy says about one device, and which rule said it. */
export interface DeviceDecision {
  mode: DeviceMode;
  /** The rule, e.g. "device.default", "device.pcs.PC-1", "device.allow.company sticks", "device.exceptions.ex-7". */
  rule: string;
  /** What the user is told. */
  message: string;
  /** Set when a temporary exception decided: when it ends (agent clock, Unix ms). */
  untilMs?: number;
}

export interface DecisionContext {
  /** The logged-in user, matched against allow-list `users`. */
  user: string;
  nowMs: number;
  /** Exceptions granted on this PC by offline unlock codes, on top of those in the policy. */
  localExceptions?: readonly DeviceException[];
}

/**
 * Decides one device. Precedence: an active temporary exception (a serial-specific one before "any device"),
 * then the first matching allow-list entry, then the PC/group/default mode the policy resolved. Pure.
 */
export function decideDevice(
  policy: EffectivePolicy['device'], device: UsbDeviceInfo, context: DecisionContext,
): DeviceDecision {
  const exception = activeExceptionFor(
    [...policy.exceptions, ...(context.localExceptions ?? [])], device, context.nowMs,
  );
  if (exception) {
    return {
      mode: exception.mode, rule: `device.exceptions.${exception.id}`, untilMs: exception.untilMs,
      message: `Temporary exception until ${new Date(exception.untilMs).toISOString()}${exception.reason ? `: ${exception.reason}` : ''}`,
    };
  }
  const entry = policy.allow.find((candidate) => allowEntryMatches(candidate, device, context.user));
  if (entry) return { mode: entry.mode, rule: `device.allow.${entry.name}`, message: `Allowed: ${entry.name}` };
  return { mode: policy.mode, rule: policy.rule, message: policy.message };
}

/** The exception that applies now: serial-specific beats "any device"; among equals the one lasting longest. */
export function activeExceptionFor(
  exceptions: readonly DeviceException[], device: UsbDeviceInfo, nowMs: number,
): DeviceException | undefined {
  const live = exceptions.filter((e) => e.untilMs > nowMs && (e.serial === undefined || (device.serial !== '' && e.serial === device.serial)));
  live.sort((a, b) => Number(b.serial !== undefined) - Number(a.serial !== undefined) || b.untilMs - a.untilMs);
  return live[0];
}

export function allowEntryMatches(entry: DeviceAllowEntry, device: UsbDeviceInfo, user: string): boolean {
  if (entry.serial !== undefined && (device.serial === '' || entry.serial !== device.serial)) return false;
  if (entry.vendor_id !== undefined && entry.vendor_id.toLowerCase() !== device.vendorId.toLowerCase()) return false;
  if (entry.product_id !== undefined && entry.product_id.toLowerCase() !== device.productId.toLowerCase()) return false;
  if (entry.users && entry.users.length > 0 && !entry.users.some((u) => sameUser(u, user))) return false;
  return true;
}

/** "CORP\\tanaka", "tanaka@corp.example" and "Tanaka" are the same person for allow-list binding. */
export function sameUser(a: string, b: string): boolean {
  const bare = (name: string) => name.split('\\').at(-1)!.split('@')[0]!.trim().toLowerCase();
  return bare(a) !== '' && bare(a) === bare(b);
}

/** The DeviceEvent action that records a decision in this mode. */
export function actionFor(mode: DeviceMode): 'BLOCKED' | 'READ_ONLY' | 'ALLOWED' {
  if (mode === 'block') return 'BLOCKED';
  if (mode === 'read_only') return 'READ_ONLY';
  return 'ALLOWED';
}
