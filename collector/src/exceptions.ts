import { randomBytes } from 'node:crypto';
import { formatZoned, machineTimeZone, zonedDate, zonedWallTime } from './i18n/org-time.ts';
import { CollectorError } from './errors.ts';
import type { Store } from './store/store.ts';
import type { DeviceExceptionRecord } from './store/types.ts';
import { parseDuration } from './tokens.ts';

/**
 * "17:00" (today; a time already past is an error unless `tomorrow`, so "until 17:00" typed at 17:30 never
 * silently means tomorrow), an ISO time, or --for 2h → epoch ms. Times of day are in this machine's time zone.
 */
export function parseUntil(options: { until?: string; for?: string; tomorrow?: boolean }, nowMs: number, timeZone = machineTimeZone()): number {
  if (options.for) return nowMs + parseDuration(options.for);
  if (!options.until) throw new CollectorError('COLLECTOR_USAGE', 'give --until HH:MM|ISO or --for DURATION');
  const clock = /^(\d{1,2}):(\d{2})$/.exec(options.until);
  if (clock) {
    if (Number(clock[1]) > 23 || Number(clock[2]) > 59) throw new CollectorError('COLLECTOR_USAGE', `--until "${options.until}" is not a time of day (00:00–23:59)`);
    // HH:MM is a time in the organisation's zone, whatever zone this machine runs in.
    const at = zonedWallTime(zonedDate(nowMs, timeZone, options.tomorrow ? 1 : 0), Number(clock[1]), Number(clock[2]), timeZone);
    if (!options.tomorrow && at <= nowMs) {
      throw new CollectorError('COLLECTOR_USAGE', `--until ${options.until} is already past (it is ${formatLocalTime(nowMs, timeZone)}); add --tomorrow for ${options.until} tomorrow`);
    }
    return at;
  }
  if (options.tomorrow) throw new CollectorError('COLLECTOR_USAGE', '--tomorrow goes with --until HH:MM');
  const ms = Date.parse(options.until);
  if (Number.isNaN(ms) || ms <= nowMs) throw new CollectorError('COLLECTOR_USAGE', `--until "${options.until}" is not a future time`);
  return ms;
}

/** "2026-11-22 17:00 (Asia/Tokyo)": what the CLI prints for a moment, in the organisation's zone (default: this machine's). */
export function formatLocalTime(ms: number, timeZone = machineTimeZone()): string {
  return formatZoned(ms, timeZone);
}

/** Stores a temporary per-PC exception; the running collector notices it and pushes it to the PC's agent. */
export async function createDeviceException(
  store: Store, input: { pc: string; serial?: string | undefined; mode: string; untilMs: number; reason: string; actor: string; now: number },
): Promise<DeviceExceptionRecord> {
  if (!['allow', 'read_only', 'audit'].includes(input.mode)) throw new CollectorError('COLLECTOR_USAGE', 'mode must be allow, read_only or audit');
  const record: DeviceExceptionRecord = {
    id: `exc_${randomBytes(6).toString('hex')}`, pc: input.pc, serial: input.serial ?? null, mode: input.mode as DeviceExceptionRecord['mode'],
    untilMs: input.untilMs, reason: input.reason, createdBy: input.actor, createdMs: input.now, revokedMs: null,
  };
  await store.createDeviceException(record);
  await store.appendAudit({ timeMs: input.now, actor: input.actor, action: 'device_exception.create', entry: { ...record } });
  return record;
}
